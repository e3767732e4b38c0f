"""standup(1): every command of the table in `standup.commands`, each argument with its help,
the global options from the parser, the exit codes from the error classes, the variables and
the files. Nothing here names a command or an option itself, so the page cannot drift."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from standup import __version__, errors, paths
from standup.cli.main import build_parser
from standup.commands import COMMANDS, Arg, Command, OneOf
from standup.manpages import roff
from standup.manpages.config_page import default_sit
from standup.service.unit import UNIT_NAME

_VALUELESS = ("store_true", "store_false", "store_const", "count", "version", "help")

# What each of the settings model's own variables (config.settings.USER_VARIABLES) is for;
# a new one without a line here stops the build.
VARIABLE_HELP = {
    "STANDUP_CONFIG": "the config file to read instead of the XDG one (as --config).",
    "STANDUP_LOG_LEVEL": "debug, info, warning or error (as --log-level).",
    "STANDUP_STATE_DIR": "where the history database lives, instead of $XDG_STATE_HOME/standup.",
    "STANDUP_RUNTIME_DIR": "where the control socket lives, instead of $XDG_RUNTIME_DIR/standup.",
}
_OTHER_VARIABLES = {
    "STANDUP_TABLE__KEY": "sets one key of the config, over the files: "
    "STANDUP_SCHEDULE__SIT=45m sets sit in [schedule]; lists are written as JSON.",
    "XDG_CONFIG_HOME, XDG_CONFIG_DIRS": "where the config files are looked for.",
    "XDG_STATE_HOME, XDG_RUNTIME_DIR": "where the history and the control socket go.",
    "VISUAL, EDITOR": "the editor `standup config edit` opens.",
    "DISPLAY, WAYLAND_DISPLAY, DBUS_SESSION_BUS_ADDRESS": "how the daemon reaches the "
    "desktop: presence, notifications and the tray need them in the service's environment.",
}


def render(date: str = "") -> str:
    """The whole page; `date` goes in its header (the build's date, for a reproducible one)."""
    parser = build_parser()
    sit = default_sit()
    lines = [
        f'.TH STANDUP 1 {roff.quoted(date)} "standup {__version__}" "User Commands"',
        ".SH NAME",
        "standup \\- " + roff.text(_lower_first(parser.description or "")),
        ".SH SYNOPSIS",
        f"{roff.bold('standup')} [{roff.italic('OPTIONS')}] {roff.italic('COMMAND')} "
        f"[{roff.italic('ARGUMENTS')}]",
        ".SH DESCRIPTION",
        *roff.paragraph(
            f"standup counts the time you sit at the computer. After {sit} of it (the "
            "sit key of standup.toml(5)) a notification suggests one short exercise, with "
            "buttons to say it is done, snooze it or skip it. Time away from the keyboard "
            "counts as a break. The daemon, `standup run`, is usually started as a systemd "
            "user service; the other commands talk to it or read the config and the history."
        ),
        *roff.paragraph(
            "To change the interval: `standup config set schedule.sit 30m`; a running daemon "
            "picks the change up at once."
        ),
        ".SH OPTIONS",
        *roff.paragraph("These go before the command or after it."),
        *_global_options(parser),
        ".SH COMMANDS",
        *roff.paragraph(
            "Without a command: the status when the daemon runs, else a list of the commands. "
            "Every command takes -h or --help."
        ),
    ]
    for path, command in walk():
        lines += _command(path, command)
    lines += [".SH EXIT STATUS", *_exit_codes()]
    lines += [".SH ENVIRONMENT", *_environment()]
    lines += [".SH FILES", *_files()]
    lines += [".SH SEE ALSO", "standup.toml(5), systemctl(1), journalctl(1)"]
    return roff.page(lines)


def walk(commands: tuple[Command, ...] = COMMANDS, at: str = "standup") -> Iterator[tuple]:
    """(path, command) for every command and subcommand, depth first: "standup config set"."""
    for command in commands:
        path = f"{at} {command.name}"
        yield path, command
        yield from walk(command.subcommands, path)


def _lower_first(value: str) -> str:
    return value[:1].lower() + value[1:].rstrip(".")


def _global_options(parser: argparse.ArgumentParser) -> list[str]:
    lines: list[str] = []
    for action in parser._actions:  # argparse offers no public view of its actions
        if not action.option_strings or isinstance(action, argparse._HelpAction):
            continue
        tag = ", ".join(roff.bold(name) for name in action.option_strings)
        if action.nargs != 0:
            tag += " " + roff.italic(action.metavar or action.dest.upper())
        lines += roff.tagged(tag, _help_with_choices(action.help or "", action.choices))
    return lines


def _command(path: str, command: Command) -> list[str]:
    synopsis = roff.bold(path) + "".join(_synopsis(command))
    if command.subcommands:
        names = " | ".join(roff.bold(child.name) for child in command.subcommands)
        synopsis += f" {{{names}}}" if command.subcommand_required else f" [{names}]"
    lines = [".SS " + roff.quoted(synopsis), *roff.paragraph(command.about)]
    if command.daemon is not None:
        lines += roff.paragraph("The running daemon carries it out: exit status 3 without one.")
    for item in command.args:
        for one in item.args if isinstance(item, OneOf) else (item,):
            help_text = _help_with_choices(one.options.get("help", ""), one.options.get("choices"))
            lines += roff.tagged(_word(one), help_text)
    return lines


def _synopsis(command: Command) -> Iterator[str]:
    for item in command.args:
        if isinstance(item, OneOf):
            yield " [" + " | ".join(_word(one) for one in item.args) + "]"
        elif _optional(item):
            yield f" [{_word(item)}]"
        else:
            yield " " + _word(item)


def _optional(item: Arg) -> bool:
    return item.names[0].startswith("-") or item.options.get("nargs") in ("?", "*")


def _word(item: Arg) -> str:
    """The argument as typed: `--until HH:MM`, `DURATION`, `--json`."""
    name, options = item.names[0], item.options
    if not name.startswith("-"):
        return roff.italic(options.get("metavar") or name.upper())
    if options.get("action") in _VALUELESS:
        return ", ".join(roff.bold(n) for n in item.names)
    dest = options.get("dest") or name.lstrip("-").replace("-", "_")
    return f"{roff.bold(name)} {roff.italic(options.get('metavar') or dest.upper())}"


def _help_with_choices(help_text: str, choices: object) -> str:
    if not choices:
        return help_text
    words = [str(choice) for choice in choices]  # type: ignore[attr-defined]
    if all(word in help_text for word in words):
        return help_text
    return f"{help_text} (one of {', '.join(words)})"


def _exit_codes() -> list[str]:
    """0, then each code of the error classes with what they say, then an interrupt's."""
    by_code: dict[int, list[str]] = {}
    for value in vars(errors).values():
        # The base class says what they all are, not why one happened.
        is_error = isinstance(value, type) and issubclass(value, errors.StandupError)
        if is_error and value is not errors.StandupError:
            first = (value.__doc__ or "").strip().splitlines()[0]
            by_code.setdefault(value.exit_code, []).append(first.rstrip(".") + ".")
    lines = roff.tagged(roff.bold("0"), "Success.")
    for code, reasons in sorted(by_code.items()):
        lines += roff.tagged(roff.bold(str(code)), " ".join(reasons))
    return lines + roff.tagged(roff.bold("130"), "Interrupted (Ctrl-C).")


def _environment() -> list[str]:
    from standup.config.settings import USER_VARIABLES

    lines: list[str] = []
    for name in USER_VARIABLES:
        lines += roff.tagged(roff.bold(name), VARIABLE_HELP[name])
    for names, help_text in _OTHER_VARIABLES.items():
        lines += roff.tagged(", ".join(roff.bold(n) for n in names.split(", ")), help_text)
    return lines


def _files() -> list[str]:
    from standup.service.packaged import PACKAGED_UNIT

    app = paths.APP
    entries = {
        f"$XDG_CONFIG_HOME/{app}/config.toml": "your config (XDG_CONFIG_HOME defaults to "
        "~/.config); see standup.toml(5). `standup config path` lists what is read.",
        f"/etc/xdg/{app}/config.toml": "defaults for every user; your file wins.",
        f"$XDG_STATE_HOME/{app}/{paths.database_file().name}": "the history `standup stats` "
        "reads (XDG_STATE_HOME defaults to ~/.local/state).",
        f"$XDG_RUNTIME_DIR/{app}/{paths.control_socket().name}": "the running daemon's "
        "control socket.",
        f"~/.config/systemd/user/{UNIT_NAME}": "the user unit `standup service install` "
        "writes when standup is not installed from a package.",
        str(PACKAGED_UNIT): "the unit a package installs; `standup service install` enables it.",
    }
    lines: list[str] = []
    for name, help_text in entries.items():
        lines += roff.tagged(roff.italic(name), help_text)
    return lines
