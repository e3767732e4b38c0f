"""`standup completion bash|zsh|fish`: shell completion scripts generated from the parser.

We walk the argparse tree once into plain data (command paths, their subcommands, options and
choices) and print it as each shell's own tables plus a small lookup function, so a new command
or flag is completed without touching this file. Written here rather than with shtab, which
covers bash and zsh but not fish, so the three shells share one walker and one behaviour.
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = "standup"
FILE = "@file"  # an option's value is a path: complete file names


@dataclass
class Node:
    """One command: its subcommands (name -> help), options and positional choices."""

    commands: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)  # option string -> help
    choices: list[str] = field(default_factory=list)


@dataclass
class Tree:
    nodes: dict[str, Node]  # "standup", "standup config", "standup config set", ...
    values: dict[str, str]  # option taking a value -> its choices (space-separated) or FILE


def walk(parser: argparse.ArgumentParser) -> Tree:
    tree = Tree({}, {})
    _walk(parser, ROOT, tree)
    return tree


def _walk(parser: argparse.ArgumentParser, at: str, tree: Tree) -> None:
    node = tree.nodes.setdefault(at, Node())
    for action in parser._actions:  # argparse offers no public view of its actions
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                node.commands[name] = helps.get(name, "")
                _walk(sub, f"{at} {name}", tree)
        elif action.option_strings:
            for option in action.option_strings:
                node.options[option] = action.help or ""
                if action.nargs != 0:
                    tree.values[option] = _value_words(action)
        elif action.choices:
            node.choices.extend(str(c) for c in action.choices)


def _value_words(action: argparse.Action) -> str:
    if action.choices:
        return " ".join(str(c) for c in action.choices)
    return FILE if action.type is Path else ""


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    tree = walk(parser)
    return {"bash": _bash, "zsh": _zsh, "fish": _fish}[shell](tree)


def _words(node: Node) -> str:
    return " ".join([*node.commands, *node.choices])


def _bash_table(name: str, rows: dict[str, str]) -> str:
    body = "".join(f"        [{shlex.quote(k)}]={shlex.quote(v)}\n" for k, v in rows.items())
    return f"    local -A {name}=(\n{body}    )\n"


_BASH_BODY = """\
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local at=standup word i
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ -n ${values[$word]+set} ]]; then
            ((i++))  # the option's value is not a command
        elif [[ -n ${words["$at $word"]+set} ]]; then
            at="$at $word"
        fi
    done
    COMPREPLY=()
    if [[ $COMP_CWORD -gt 1 && -n ${values[$prev]+set} ]]; then
        if [[ ${values[$prev]} == @file ]]; then
            COMPREPLY=($(compgen -f -- "$cur"))
        else
            COMPREPLY=($(compgen -W "${values[$prev]}" -- "$cur"))
        fi
    elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "${options[$at]}" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "${words[$at]}" -- "$cur"))
    fi
"""


def _bash(tree: Tree) -> str:
    words = {at: _words(node) for at, node in tree.nodes.items()}
    options = {at: " ".join(node.options) for at, node in tree.nodes.items()}
    return (
        "# bash completion for standup, made by `standup completion bash`\n"
        "_standup() {\n"
        + _bash_table("words", words)
        + _bash_table("options", options)
        + _bash_table("values", tree.values)
        + _BASH_BODY
        + "}\ncomplete -F _standup standup\n"
    )


def _zsh_table(name: str, rows: dict[str, str]) -> str:
    body = "".join(f"        {shlex.quote(k)} {shlex.quote(v)}\n" for k, v in rows.items())
    return f"    local -A {name}\n    {name}=(\n{body}    )\n"


# `at`, not `path`: zsh ties $path to $PATH.
_ZSH_BODY = """\
    local at=standup word i
    for ((i = 2; i < CURRENT; i++)); do
        word=${words[i]}
        if (( ${+values[$word]} )); then
            ((i++))
        elif (( ${+commands_of[$at $word]} )); then
            at="$at $word"
        fi
    done
    local prev=${words[CURRENT-1]}
    if (( CURRENT > 2 && ${+values[$prev]} )); then
        if [[ ${values[$prev]} == @file ]]; then
            _files
        else
            compadd -- ${=values[$prev]}
        fi
    elif [[ $PREFIX == -* ]]; then
        compadd -- ${=options[$at]}
    else
        compadd -- ${=commands_of[$at]}
    fi
"""


def _zsh(tree: Tree) -> str:
    words = {at: _words(node) for at, node in tree.nodes.items()}
    options = {at: " ".join(node.options) for at, node in tree.nodes.items()}
    return (
        "#compdef standup\n"
        "# zsh completion for standup, made by `standup completion zsh`\n"
        "_standup() {\n"
        + _zsh_table("commands_of", words)
        + _zsh_table("options", options)
        + _zsh_table("values", tree.values)
        + _ZSH_BODY
        + "}\n"
        + '_standup "$@"\n'
    )


def _fish(tree: Tree) -> str:
    paths = " ".join(shlex.quote(at) for at in tree.nodes)
    takes = " ".join(shlex.quote(option) for option in tree.values)
    lines = [
        "# fish completion for standup, made by `standup completion fish`",
        f"set -g __standup_paths {paths}",
        "function __standup_at --description 'is the command line at this standup command?'",
        "    set -l at standup",
        "    set -l skip 0",
        "    for word in (commandline -opc)[2..-1]",
        "        if test $skip = 1",
        "            set skip 0",
        f"        else if contains -- $word {takes}",
        "            set skip 1",
        '        else if contains -- "$at $word" $__standup_paths',
        '            set at "$at $word"',
        "        end",
        "    end",
        '    test "$at" = "$argv[1]"',
        "end",
        "complete -c standup -f",
    ]
    for at, node in tree.nodes.items():
        when = f"-n {shlex.quote(f'__standup_at {shlex.quote(at)}')}"
        for name, help_text in node.commands.items():
            lines.append(f"complete -c standup {when} -a {shlex.quote(name)}{_desc(help_text)}")
        for choice in node.choices:
            lines.append(f"complete -c standup {when} -a {shlex.quote(choice)}")
        for option, help_text in node.options.items():
            lines.append(
                f"complete -c standup {when} {_fish_option(option, tree)}{_desc(help_text)}"
            )
    return "\n".join(lines) + "\n"


def _fish_option(option: str, tree: Tree) -> str:
    flag = f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}"
    value = tree.values.get(option)
    if value is None:
        return flag
    if value == FILE:
        return f"{flag} -r -F"
    return f"{flag} -x -a {shlex.quote(value)}" if value else f"{flag} -x"


def _desc(help_text: str) -> str:
    return f" -d {shlex.quote(help_text)}" if help_text else ""


def cmd_completion(args: argparse.Namespace) -> int:
    import sys

    sys.stdout.write(script(args.shell, args.root_parser))
    return 0


def install_paths() -> dict[str, Path]:
    """Where each shell looks for a user's completion script, resolved when asked."""
    from standup import paths
    from standup.service.identity import data_home

    return {
        # bash-completion loads this on first use of `standup`.
        "bash": data_home() / "bash-completion" / "completions" / ROOT,
        # Not on zsh's default $fpath: the README says what to add.
        "zsh": data_home() / "zsh" / "site-functions" / f"_{ROOT}",
        "fish": paths.config_home() / "fish" / "completions" / f"{ROOT}.fish",
    }


def install_files(parser: argparse.ArgumentParser) -> tuple[tuple[Path, bytes], ...]:
    """(path, script) for every shell, for `service install` to write with the unit."""
    return tuple(
        (path, script(shell, parser).encode("utf-8")) for shell, path in install_paths().items()
    )


def removal_files() -> tuple[tuple[Path, None], ...]:
    """(path, None) for every shell's script, for `service uninstall` to remove."""
    return tuple((path, None) for path in install_paths().values())
