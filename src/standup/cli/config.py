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


def cmd_config(args: argparse.Namespace) -> int:
    runner = {
        "path": _path,
        "show": _show,
        "check": _check,
        "init": _init,
        "set": _set,
        "edit": _edit,
    }[args.config_command]
    return runner(args)


def _path(args: argparse.Namespace) -> int:
    from standup.paths import config_files

    files, user, _named = config_files(args.config)
    for path in files:
        mark = "exists " if path.is_file() else "missing"
        role = "user " if path == user else "admin"
        print(f"{mark}  {role}  {path}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from standup.config.settings import load_config

    loaded = load_config(args.config)
    data = loaded.settings.model_dump(mode="json")
    origins = loaded.origins if args.sources else None
    sys.stdout.write(to_toml(data, origins))
    return 0


def _check(args: argparse.Namespace) -> int:
    from standup.config.settings import load_config

    loaded = load_config(args.file or args.config)
    read = ", ".join(map(str, loaded.files)) or "no file (built-in defaults)"
    print(f"config OK: {read}")
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
    if not real.exists():
        write_atomic(real, text.encode("utf-8"))
        print(f"wrote {target}")
        return 0
    if args.force:
        kept = _set_aside(target)
        write_atomic(real, text.encode("utf-8"))
        print(f"wrote {target}" + (f"; what it held before is in {kept}" if kept else ""))
        return 0
    hint = (
        "change keys with `standup config set KEY VALUE` or `standup config edit`; "
        f"--force replaces it with the example, keeping the old one as {target.name}.old"
    )
    try:
        old = read_config_text(target) or ""
        if old == text:
            raise UsageError(f"{target} is the commented example already", hint=hint)
        if old.partition("\n")[0] == text.partition("\n")[0]:  # the example's first line
            message = f"{target} looks like the example, with changes of its own"
            raise UsageError(message, hint=hint)
        merged, carried = config_edit.carry_over(old, text)
        in_force = load_config(args.config).settings
    except ConfigError as error:
        message = f"{target} exists, and init cannot keep what it holds: {error}"
        raise UsageError(message, hint=hint) from None
    _replace_validated(target, merged, same_as=in_force)
    names = ", ".join(config_edit.dotted(key) for key in carried)
    print(f"wrote {target}: the commented example" + (f", keeping {names}" if names else ""))
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
    print(f"{config_edit.dotted(key)} = {literal} in {target}")
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
    shown = value if len(value) <= 80 else value[:79] + "\u2026"
    hint = f"set ${name} to your editor's command, like `nano` or `code --wait`"
    try:
        command = shlex.split(value, posix=os.name != "nt")
    except ValueError as error:  # an unclosed quote, a trailing backslash
        raise UsageError(f"cannot read ${name}={shown!r}: {error}", hint=hint) from None
    if not command:
        raise UsageError(f"${name}={shown!r} names no command", hint=hint)
    return command


def _fallback_editor() -> str:
    import shutil

    unset = "$VISUAL and $EDITOR are not set"
    found = next((n for n in FALLBACK_EDITORS if shutil.which(n)), None)
    if found is None:
        tried = ", ".join(FALLBACK_EDITORS)
        raise UsageError(f"no editor to open: {unset} and none of {tried} is installed")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            f"no editor to open: {unset}, and {found} needs a terminal; "
            "set EDITOR to one that opens its own window, like EDITOR='code --wait'"
        )
    return found


def _edit(args: argparse.Namespace) -> int:
    import subprocess
    import tempfile
    from importlib.resources import files

    from standup.config import settings as config
    from standup.files import FileWriteError, follow_own_links

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
                raise UsageError(
                    f"cannot run the editor {editor[0]!r}: {error.strerror or error}",
                    hint="set $VISUAL or $EDITOR to your editor's command",
                ) from None
            if done.returncode != 0:
                raise UsageError(
                    f"the editor exited with status {done.returncode}; {target} is unchanged"
                )
            text = copy.read_text(encoding="utf-8")
            if text == original:
                print(f"no changes to {target}")
                return 0
            interactive = sys.stdin.isatty()
            kept = target.with_name(target.name + ".rejected")
            try:
                # Line numbers in an error count lines of the edit, so they name where it is.
                _replace_validated(target, text, "your edit" if interactive else str(kept))
                break
            except FileWriteError as error:  # a read-only folder: the edit stays where it is
                keep_copy = True
                raise FileWriteError(f"{error}; your edit is kept in {copy}") from None
            except ConfigError as error:
                print(f"standup: {error}", file=sys.stderr)
                if not interactive or not _ask("Edit again? [Y/n] "):
                    # Keep the work: the edit is saved beside the config for another try.
                    replacing = kept.is_file() and not kept.is_symlink()
                    try:
                        _keep(kept, text, _private_mode(target))
                    except FileWriteError:
                        keep_copy, kept, replacing = True, copy, False
                    again = " (replacing the one kept there before)" if replacing else ""
                    raise ConfigError(
                        f"{target} is unchanged; your edit is kept in {kept}{again}",
                        hint=f"fix it there, then `standup config check {kept}` and move it over",
                    ) from None
    finally:
        if not keep_copy:
            copy.unlink(missing_ok=True)
    print(f"saved {target}")
    _reload_daemon()
    return 0


def _keep(kept: Path, text: str, mode: int) -> None:
    from standup.files import write_atomic

    write_atomic(kept, text.encode("utf-8"), mode=mode)


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
    from standup.config.settings import load_config
    from standup.files import follow_own_links, write_atomic

    def check(tmp: Path) -> None:
        try:
            loaded = load_config(tmp)
        except ConfigError as error:
            message = _renamed(str(error), tmp, holder or str(target), lines=holder is not None)
            hint = error.hint or (f"nothing was written to {target}" if holder is None else "")
            raise ConfigError(message, hint=hint) from None
        if same_as is not None and loaded.settings != same_as:
            changed = config_edit.changed_keys(same_as.model_dump(), loaded.settings.model_dump())
            raise ConfigError(
                f"{target} is unchanged: the new file would change {', '.join(changed)}",
                hint="change keys with `standup config set KEY VALUE` or `standup config edit`",
            )

    # A config symlinked from a dotfiles repository stays a link: write the file it points to,
    # when the link (and the directory holding it) is ours: another user's link is refused.
    write_atomic(follow_own_links(target), text.encode("utf-8"), check=check)


def _renamed(message: str, tmp: Path, name: str, *, lines: bool) -> str:
    """`message` with the temporary file's name replaced, and its line numbers dropped when
    `name` does not hold the text they count (an error in another layer keeps its own)."""
    import re

    pattern = re.escape(str(tmp)) + r"(, line \d+)?"
    return re.sub(pattern, lambda m: name + (m.group(1) or "" if lines else ""), message)


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
        print(f"standup: the running daemon did not reload: {error}", file=sys.stderr)
        return
    print("the running standup reloaded its config")


def to_toml(data: dict[str, Any], origins: Any = None) -> str:
    """Our config as TOML: tables of scalars and lists, plus arrays of tables."""
    lines: list[str] = []
    for section, table in data.items():
        simple = {k: v for k, v in table.items() if not _is_table(v) and not _is_table_list(v)}
        lines.append(f"[{section}]")
        for key, value in simple.items():
            lines.append(_assign(key, value, origins, (section, key)))
        for key, value in table.items():
            if _is_table(value):
                lines.append(f"\n[{section}.{key}]")
                for sub, item in value.items():
                    lines.append(_assign(sub, item, origins, (section, key, sub)))
            elif _is_table_list(value):
                for item in value:
                    lines.append(f"\n[[{section}.{key}]]")
                    lines.extend(_assign(k, v, None, ()) for k, v in item.items())
        lines.append("")
    return "\n".join(lines)


def _is_table(value: Any) -> bool:
    return isinstance(value, dict)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _assign(key: str, value: Any, origins: Any, path: tuple[str, ...]) -> str:
    line = f"{_key(key)} = {_value(value)}"
    if origins is not None:
        line += f"  # {origins.get(path, 'built-in default')}"
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
