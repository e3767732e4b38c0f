"""`standup config path|show|check|init|set|edit`: these work without a daemon.

`set` and `edit` validate the new file before it replaces the old one (atomically), then ask a
running daemon to reload it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from standup.errors import ConfigError, DaemonNotRunning, StandupError, UsageError
from standup.i18n import _, pgettext


def cmd_config(args: argparse.Namespace) -> int:
    runners = {run.__name__.lstrip("_"): run for run in (_path, _show, _check, _init, _set, _edit)}
    return runners[args.config_command](args)


def _path(args: argparse.Namespace) -> int:
    from standup.paths import config_files

    files, user, _named = config_files(args.config)
    # Translators: `config path`'s first column: whether the file is there (the second: whose).
    marks = (pgettext("config file", "exists"), pgettext("config file", "missing"))
    roles = (pgettext("config file's owner", "user"), pgettext("config file's owner", "admin"))
    for path in files:
        mark, role = marks[not path.is_file()], roles[path != user]
        print(f"{_padded(mark, marks)}  {_padded(role, roles)}  {path}")
    return 0


def _padded(word: str, column: tuple[str, ...]) -> str:
    """`word` filled out with spaces to the display width of the widest in its column."""
    from standup.i18n.width import columns

    return word + " " * (max(map(columns, column)) - columns(word))


def _show(args: argparse.Namespace) -> int:
    from standup.config.settings import load_config

    loaded = load_config(args.config)
    origins = loaded.origins if args.sources else None
    sys.stdout.write(to_toml(loaded.settings.model_dump(mode="json"), origins))
    return 0


def _check(args: argparse.Namespace) -> int:
    from standup.config.settings import load_config

    loaded = load_config(args.file or args.config)
    read = ", ".join(map(str, loaded.files)) or _("no file (built-in defaults)")
    print(_("config OK: {files}").format(files=read))
    return 0


def _init(args: argparse.Namespace) -> int:
    """The commented example; over a file that holds only values (what `config set` writes),
    the example with those values in it. Anything init would lose stops it, unless --force."""
    from importlib.resources import files

    from standup.config import edit as config_edit
    from standup.config.settings import candidate_files, load_config, read_config_text
    from standup.files import follow_own_links, write_atomic

    _files, target, _named = candidate_files(args.config)
    real = follow_own_links(target)  # before even looking where a link leads
    text = files("standup").joinpath("data/config.example.toml").read_text(encoding="utf-8")
    if not real.exists() or args.force:
        kept = _set_aside(target) if real.exists() else None
        write_atomic(real, text.encode("utf-8"))
        wrote = _("wrote {file}; what it held before is in {kept}") if kept else _("wrote {file}")
        print(wrote.format(file=target, kept=kept))
        return 0
    hint = _(
        "change keys with `standup config set KEY VALUE` or `standup config edit`; "
        "--force replaces it with the example, keeping the old one as {name}.old"
    ).format(name=target.name)
    try:
        old = read_config_text(target) or ""
        if old == text:
            message = _("{file} is the commented example already")
        elif old.partition("\n")[0] == text.partition("\n")[0]:  # the example's first line
            message = _("{file} looks like the example, with changes of its own")
        else:
            merged, carried = config_edit.carry_over(old, text)
            in_force = load_config(args.config).settings
            message = ""
    except ConfigError as error:
        message = _("{file} exists, and init cannot keep what it holds: {error}")
        raise UsageError(message.format(file=target, error=error), hint=hint) from None
    if message:
        raise UsageError(message.format(file=target), hint=hint)
    _replace_validated(target, merged, same_as=in_force)
    names = ", ".join(config_edit.dotted(key) for key in carried)
    wrote = _("wrote {file}: the commented example")
    if names:
        wrote = _("wrote {file}: the commented example, keeping {keys}")
    print(wrote.format(file=target, keys=names))
    return 0


def _set_aside(target: Path) -> Path | None:
    """Keep the file --force replaces beside it, as NAME.old; None when it is the example."""
    from importlib.resources import files

    from standup.config.settings import read_config_text
    from standup.files import write_atomic

    try:
        old = read_config_text(target)
    except ConfigError:
        return None  # not a file that can be kept (a directory, a FIFO): nothing to keep
    example = files("standup").joinpath("data/config.example.toml").read_text(encoding="utf-8")
    if old is None or old == example:
        return None
    kept = _unused_name(target, ".old")
    write_atomic(kept, old.encode("utf-8"), mode=_private_mode(target))
    return kept


def _unused_name(target: Path, suffix: str) -> Path:
    """NAME.suffix, else NAME.suffix.1, ...: what an earlier run kept there stays."""
    name, number = target.with_name(target.name + suffix), 0
    while os.path.lexists(name):
        number += 1
        name = target.with_name(f"{target.name}{suffix}.{number}")
    return name


def _private_mode(target: Path) -> int:
    """The config's own permissions, for a copy of what it holds (hook commands may be
    private); 0600 when it has none to read."""
    try:
        return os.stat(target).st_mode & 0o777
    except OSError:
        return 0o600


def _set(args: argparse.Namespace) -> int:
    from standup.config import edit as config_edit, settings as config
    from standup.files import follow_own_links

    _files, target, _named = config.candidate_files(args.config)
    follow_own_links(target)  # refused before the file a link leads to is read
    key = config_edit.parse_key(args.key)
    config_edit.check_key(key, config.allowed_keys, str(target), _ARRAYS_OF_TABLES)
    old = config.read_config_text(target)
    literal = config_edit.value_literal(args.value)
    try:
        _replace_validated(target, config_edit.set_value(old or "", key, literal))
    except ConfigError:
        # A file that was not TOML gets its own message, not one about what the edit made of
        # it. Read only now: on a config of many megabytes each reading takes seconds.
        if old is not None:
            config.read_toml(target)
        raise
    # Translators: `config set`'s report, e.g. "schedule.sit = "40m" in /home/me/...".
    done = _("{key} = {value} in {file}")
    print(done.format(key=config_edit.dotted(key), value=literal, file=target))
    _reload_daemon()
    return 0


# Keys holding [[arrays.of.tables]]: `set` cannot address one entry, `edit` can.
_ARRAYS_OF_TABLES: set[tuple[str, ...]] = {("exercises", "custom")}


# Tried in turn when neither $VISUAL nor $EDITOR is set: Debian's chosen editor, then two
# found almost everywhere. Each needs a terminal.
FALLBACK_EDITORS = ("editor", "nano", "vi")


def _editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, split like a shell would, else the first fallback installed; a
    value that cannot be split, or is blank, is a usage error rather than a traceback, and so
    is a fallback with no terminal to run in (or none installed), said in one line."""
    import shlex

    name = next((n for n in ("VISUAL", "EDITOR") if os.environ.get(n)), None)
    if name is None:
        return [_fallback_editor()]
    value = os.environ[name]
    shown = f"${name}={value if len(value) <= 80 else value[:79] + chr(0x2026)!r}"
    hint = _("set ${name} to your editor's command, like `nano` or `code --wait`").format(name=name)
    try:
        command = shlex.split(value, posix=os.name != "nt")
    except ValueError as error:  # an unclosed quote, a trailing backslash
        message = _("cannot read {variable}: {error}").format(variable=shown, error=error)
        raise UsageError(message, hint=hint) from None
    if not command:
        raise UsageError(_("{variable} names no command").format(variable=shown), hint=hint)
    return command


def _fallback_editor() -> str:
    import shutil

    found = next((n for n in FALLBACK_EDITORS if shutil.which(n)), None)
    if found is None:
        text = _(
            "no editor to open: $VISUAL and $EDITOR are not set and none of {tried} is installed"
        )
        raise UsageError(text.format(tried=", ".join(FALLBACK_EDITORS)))
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        text = _(
            "no editor to open: $VISUAL and $EDITOR are not set, and {editor} needs a terminal; "
            "set EDITOR to one that opens its own window, like EDITOR='code --wait'"
        )
        raise UsageError(text.format(editor=found))
    return found


def _edit(args: argparse.Namespace) -> int:
    import subprocess
    import tempfile
    from importlib.resources import files

    from standup.config import settings as config
    from standup.files import FileWriteError, follow_own_links, write_atomic

    _files, target, _named = config.candidate_files(args.config)
    follow_own_links(target)  # refused before the file a link leads to is read
    original = config.read_config_text(target)
    if original is None:
        original = files("standup").joinpath("data/config.example.toml").read_text("utf-8")
    editor = _editor_command()
    fd, name = tempfile.mkstemp(prefix="standup-config-", suffix=".toml")
    copy, keep_copy = Path(name), False
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(original)
        while True:
            try:
                done = subprocess.run([*editor, str(copy)], check=False)
            except OSError as error:
                why = _("cannot run the editor {editor}: {error}")
                raise UsageError(
                    why.format(editor=repr(editor[0]), error=error.strerror or error),
                    hint=_("set $VISUAL or $EDITOR to your editor's command"),
                ) from None
            if done.returncode != 0:
                why = _("the editor exited with status {status}; {file} is unchanged")
                raise UsageError(why.format(status=done.returncode, file=target))
            text = copy.read_text(encoding="utf-8")
            if text == original:
                print(_("no changes to {file}").format(file=target))
                return 0
            interactive = sys.stdin.isatty()
            kept = target.with_name(target.name + ".rejected")
            try:
                # Line numbers in an error count lines of the edit, so they name where it is.
                # Translators: names the edited text where an error names a file.
                _replace_validated(target, text, _("your edit") if interactive else str(kept))
                break
            except FileWriteError as error:  # a read-only folder: the edit stays where it is
                keep_copy = True
                why = _("{error}; your edit is kept in {file}").format(error=error, file=copy)
                raise FileWriteError(why) from None
            except ConfigError as error:
                print(f"standup: {error}", file=sys.stderr)
                # Translators: the answer read is y, yes or none (Y): keep "[Y/n]" as it is.
                if not interactive or not _ask(_("Edit again? [Y/n] ")):
                    # Keep the work: the edit is saved beside the config for another try.
                    replacing = kept.is_file() and not kept.is_symlink()
                    try:
                        write_atomic(kept, text.encode("utf-8"), mode=_private_mode(target))
                    except FileWriteError:
                        keep_copy, kept, replacing = True, copy, False
                    why = _("{file} is unchanged; your edit is kept in {kept}")
                    if replacing:
                        why = _(
                            "{file} is unchanged; your edit is kept in {kept} "
                            "(replacing the one kept there before)"
                        )
                    hint = _("fix it there, then `standup config check {kept}` and move it over")
                    raise ConfigError(
                        why.format(file=target, kept=kept), hint=hint.format(kept=kept)
                    ) from None
    finally:
        if not keep_copy:
            copy.unlink(missing_ok=True)
    print(_("saved {file}").format(file=target))
    _reload_daemon()
    return 0


def _ask(prompt: str) -> bool:
    try:
        answer = input(prompt)
    except EOFError:
        return False
    return answer.strip().lower() in ("", "y", "yes")


def _replace_validated(
    target: Path, text: str, holder: str | None = None, same_as: Any = None
) -> None:
    """Write `text` next to `target`, load it with every other layer, then rename it over.

    An error names the new text by `holder`, a file that holds it (line numbers then apply to
    it); with no holder (`config set`: the text is in no file) by `target`, without lines.
    With `same_as` (settings), the new text must leave exactly those settings in force.
    """
    from standup.config import edit as config_edit
    from standup.config.errors import renamed
    from standup.config.settings import load_config
    from standup.files import follow_own_links, write_atomic

    def check(tmp: Path) -> None:
        try:
            loaded = load_config(tmp)
        except ConfigError as error:
            message = renamed(str(error), tmp, holder or str(target), lines=holder is not None)
            hint = error.hint or _("nothing was written to {file}").format(file=target)
            raise ConfigError(message, hint=hint if holder is None or error.hint else "") from None
        if same_as is not None and loaded.settings != same_as:
            changed = config_edit.changed_keys(same_as.model_dump(), loaded.settings.model_dump())
            why = _("{file} is unchanged: the new file would change {keys}")
            raise ConfigError(
                why.format(file=target, keys=", ".join(changed)),
                hint=_("change keys with `standup config set KEY VALUE` or `standup config edit`"),
            )

    # A config symlinked from a dotfiles repository stays a link: write the file it points to,
    # when the link (and the directory holding it) is ours: another user's link is refused.
    write_atomic(follow_own_links(target), text.encode("utf-8"), check=check)


def _reload_daemon() -> None:
    from standup.control.client import ReloadUnfinished, reload

    try:
        reload()  # waits for the end of a reload that takes long (a config of megabytes)
    except DaemonNotRunning:
        return
    except ReloadUnfinished as error:  # neither done nor failed: it may still apply
        print(f"standup: {error}", file=sys.stderr)
        return
    except StandupError as error:
        why = _("the running daemon did not reload: {error}").format(error=error)
        print(f"standup: {why}", file=sys.stderr)
        return
    print(_("the running standup reloaded its config"))


def to_toml(data: dict[str, Any], origins: Any = None) -> str:
    """Our config as TOML: tables of scalars and lists, plus arrays of tables."""
    lines: list[str] = []
    for section, table in data.items():
        simple = {
            k: v for k, v in table.items() if not isinstance(v, dict) and not _is_table_list(v)
        }
        lines.append(f"[{section}]")
        for key, value in simple.items():
            lines.append(_assign(key, value, origins, (section, key)))
        for key, value in table.items():
            if isinstance(value, dict):
                lines.append(f"\n[{section}.{key}]")
                for sub, item in value.items():
                    lines.append(_assign(sub, item, origins, (section, key, sub)))
            elif _is_table_list(value):
                for item in value:
                    lines.append(f"\n[[{section}.{key}]]")
                    lines.extend(_assign(k, v, None, ()) for k, v in item.items())
        lines.append("")
    return "\n".join(lines)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _assign(key: str, value: Any, origins: Any, path: tuple[str, ...]) -> str:
    line = f"{_key(key)} = {_value(value)}"
    if origins is not None:
        line += "  # " + (origins.get(path) or _("built-in default"))
    return line


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else _value(key)


def _value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)
