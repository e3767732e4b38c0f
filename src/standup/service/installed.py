"""The files `service install` writes and `service uninstall` takes away, and the checks on both.

Install checks every directory it needs before it changes anything, so a file in the way or a
read-only or foreign directory leaves no half-done install; each file is written with
`files.write_atomic`. Uninstall removes a file only when it is standup's (it carries one of
standup's marks, or is the desktop file install writes), where install would have written it: a
directory reached through links we (or root) own, that no other user owns (a stow-style
`~/.config/fish` -> `~/dotfiles/fish` is the user's own). Anything else stays, named in one line.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from standup.files import (
    DirProblem,
    ProblemKind,
    dir_problem,
    opened_dir_problem,
    write_atomic,
)
from standup.i18n import _

# Lines only standup's own files hold: the unit's comment on ExecStart=, the desktop file's
# first line, the completion scripts' first line, the icon's comment, the launchd agent's label.
MARKS = (
    b"`standup service install`",
    b"completion for standup, made by `standup completion",
    b"<!-- standup's icon",
    b"<string>org.standup</string>",
)
_MAX_READ = 1 << 20  # far more than any file install writes


# Files written (path, bytes) or removed (path, None) beside the unit.
ExtraFiles = tuple[tuple[Path, bytes | None], ...]


def check(path: Path, installing: bool, extra: ExtraFiles) -> None:
    """Before anything changes: every file can be written (or removed)."""
    targets = [path, *(other for other, _data in extra)]
    if installing:
        check_writable(targets)
    else:
        check_removable(targets)


def carry_out(
    path: Path,
    content: str | None,
    extra: ExtraFiles,
    echo: Callable[[str], None],
    *,
    not_stopped: bool = False,
) -> None:
    """Write the unit (`path`) and the files beside it, or, when `content` is None, remove
    what of them is standup's, naming the rest in one line (`not_stopped`: the unit, when it
    stays, was not stopped or disabled either)."""
    if content is not None:
        write_atomic(path, content.encode("utf-8"))
        echo(_("wrote {file}").format(file=path))
        for other, data in extra:
            if data is not None:
                write_atomic(other, data)
        return
    outcome = remove(path)
    left = []
    if outcome == "removed":
        echo(_("removed {file}").format(file=path))
    elif outcome == "absent":
        echo(_("{file} was not there").format(file=path))
    elif not_stopped:
        left.append(
            _("{file} ({reason}; not stopped or disabled)").format(file=path, reason=outcome)
        )
    else:
        left.append(_("{file} ({reason})").format(file=path, reason=outcome))
    # The desktop file, icon and completions: gone, or named when they are not standup's.
    for other, data in extra:
        outcome = remove(other) if data is None else "absent"
        if outcome not in ("removed", "absent"):
            left.append(_("{file} ({reason})").format(file=other, reason=outcome))
    if left:
        # Translators: {files} lists each file with why it stays, separated by "; ".
        echo(_("left in place, not standup's to remove: {files}").format(files="; ".join(left)))


def check_writable(targets: Sequence[Path]) -> None:
    """FileWriteError naming the first of `targets` that cannot be written, before any is."""
    for path in targets:
        problem = dir_problem(path.parent)
        if not problem and path.is_dir():
            said = _("{file} is a directory").format(file=path)
            problem = DirProblem(ProblemKind.IS_A_DIRECTORY, said)
        if problem:
            raise problem.error(path)


def check_removable(targets: Sequence[Path]) -> None:
    """Refuse to remove anything in a directory another user owns, or reached through a link
    another user owns (nor to look there)."""
    for path in targets:
        problem = dir_problem(path.parent)
        if problem and problem.kind is ProblemKind.FOREIGN:
            raise problem.error(path, "remove")


def remove(path: Path) -> str:
    """Remove `path` if it is standup's: "removed", "absent", or why it was left."""
    return _in_directory_of(path, _remove_if_ours)


def why_kept(path: Path) -> str:
    """Why `remove(path)` would leave the file there, asked before anything is removed; ""
    when it would remove it, or there is nothing to remove."""
    reason = _in_directory_of(path, _not_ours)
    return "" if reason == "absent" else reason


def _in_directory_of(path: Path, act: Callable[[str, int], str]) -> str:
    """`act(name, dir_fd)` on the directory holding `path`, checked as opened, not as named:
    a link swapped in since `check_removable` is seen."""
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        return "absent"
    except OSError as error:
        return _("cannot look at it: {error}").format(error=error.strerror or error)
    try:
        problem = opened_dir_problem(dir_fd, path.parent)
        return str(problem) if problem else act(path.name, dir_fd)
    finally:
        os.close(dir_fd)


def _remove_if_ours(name: str, dir_fd: int) -> str:
    reason = _not_ours(name, dir_fd)
    if reason:
        return reason
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        return "absent"
    except OSError as error:
        return _("cannot remove it: {error}").format(error=error.strerror or error)
    return "removed"


def is_standups(data: bytes) -> bool:
    """Whether a file's bytes are standup's: one of its marks, or the desktop file an older
    install wrote (before it carried a mark), whatever its Exec= line."""
    if any(mark in data for mark in MARKS):
        return True
    from standup.notify import identity

    return _without_exec(data) == _without_exec(identity.desktop_entry().encode("utf-8"))


def _not_ours(name: str, dir_fd: int) -> str:
    """Why the file `name` in the open directory is not ours to remove ("" when it is,
    "absent" when it is not there)."""
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except (FileNotFoundError, NotADirectoryError):
        return "absent"
    except OSError as error:
        return _("cannot look at it: {error}").format(error=error.strerror or error)
    if stat.S_ISLNK(st.st_mode):
        return _("a symbolic link")
    if not stat.S_ISREG(st.st_mode):
        return _("not a plain file")
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        fd = os.open(name, flags, dir_fd=dir_fd)
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(_MAX_READ)
    except OSError as error:
        return _("cannot read it: {error}").format(error=error.strerror or error)
    return "" if is_standups(data) else _("not written by standup")


def _without_exec(data: bytes) -> list[bytes]:
    return [line for line in data.splitlines() if not line.startswith((b"Exec=", b"#"))]
