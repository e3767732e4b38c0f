"""Writing a file so that no one else can redirect the write: the one helper every writer uses.

The new text goes into a temporary file of a random name made with O_CREAT | O_EXCL | O_NOFOLLOW
in the target's own directory (a link planted at any name is never followed: the name is simply
taken), is fsynced, then renamed over the target; the directory is fsynced after. A link at the
target itself is replaced, not followed. A directory that another user owns (or reaches through
a link another user owns) is refused: root running with someone else's $HOME, as `sudo` keeping
HOME does, must not write where that user can point it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from standup.errors import StandupError

_TRUSTED_OWNER = 0  # root owns /, /home, /tmp: directories no one else can swap under us


class FileWriteError(StandupError):
    """A file could not be written, or its directory is not one we may write into."""

    exit_code = 1


def write_atomic(
    path: Path,
    data: bytes,
    mode: int | None = None,
    check: Callable[[Path], None] | None = None,
) -> None:
    """Replace `path` with `data` in one step; create its missing directories first.

    `mode`: the new file's permissions; by default the old file's, else 0666 less the umask.
    `check(temporary)` may read the new file before it replaces the old; what it raises stops
    the write and leaves the old file as it was.
    """
    directory = path.parent
    make_dirs(directory, for_file=path)
    if os.open not in os.supports_dir_fd:  # Windows: no directory handles, no links to fear
        _write_plainly(path, data, mode, check)
        return
    dir_fd = _open_dir(directory, path)
    try:
        if mode is None:
            mode = _current_mode(path.name, dir_fd)
        temp = _write_temp(dir_fd, path, data, mode)
        try:
            if check is not None:
                check(directory / temp)
            os.replace(temp, path.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except OSError as error:
            _unlink_quietly(temp, dir_fd)
            raise _cannot(path, error) from None
        except BaseException:
            _unlink_quietly(temp, dir_fd)
            raise
        os.fsync(dir_fd)  # the rename itself survives a crash
    finally:
        os.close(dir_fd)


def make_dirs(directory: Path, for_file: Path | None = None) -> None:
    """Create `directory` and its parents as needed, then check that it is ours to write in."""
    named = for_file or directory
    problem = dir_problem(directory)
    if problem:
        raise FileWriteError(f"cannot write {named}: {problem}", hint=hint_for(problem))
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _cannot(named, error) from None
    problem = dir_problem(directory)  # again: made in a shared place, it may be someone else's
    if problem:
        raise FileWriteError(f"cannot write {named}: {problem}", hint=hint_for(problem))


def dir_problem(directory: Path) -> str:
    """Why files cannot be written into `directory` ("" when they can, or when it does not exist
    yet and can be made): a file in the way, a read-only or foreign directory on the way."""
    directory = Path(os.path.abspath(directory))
    existing = directory
    while True:
        try:
            st = os.stat(existing)
            break
        except (FileNotFoundError, NotADirectoryError):
            existing = existing.parent
        except OSError as error:
            return f"cannot look at {existing}: {error.strerror or error}"
    if not stat.S_ISDIR(st.st_mode):
        return f"{existing} is {_kind(st.st_mode)}, not a directory"
    foreign = foreign_owner(existing)
    if foreign:
        return foreign
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{existing} is read-only"
    return ""


def foreign_owner(directory: Path) -> str:
    """Which directory (or link) on the way to `directory` another user owns, as a sentence;
    "" when each is ours or root's. Both the path as written and the one its links lead to."""
    if not hasattr(os, "geteuid"):
        return ""  # Windows: ownership is not this kind of question there
    me = os.geteuid()
    for chain in (Path(os.path.abspath(directory)), Path(os.path.realpath(directory))):
        for part in (chain, *chain.parents):
            try:
                owner = os.lstat(part).st_uid
            except OSError:
                continue  # not there (yet): nothing to trust or distrust
            if owner not in (me, _TRUSTED_OWNER):
                return f"{part} belongs to {_user(owner)}, not to {_user(me)}"
    return ""


def linked_dir(path: Path, depth: int) -> Path | None:
    """The first of the `depth` directories above `path` that is a symbolic link, if any."""
    for part in list(path.parents)[:depth]:
        if part.is_symlink():
            return part
    return None


def _write_plainly(
    path: Path, data: bytes, mode: int | None, check: Callable[[Path], None] | None
) -> None:
    import tempfile

    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        if check is not None:
            check(Path(temp))
        os.replace(temp, path)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        raise _cannot(path, error) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _open_dir(directory: Path, path: Path) -> int:
    try:
        return os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise _cannot(path, error) from None


def _current_mode(name: str, dir_fd: int) -> int:
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISREG(st.st_mode):
        return stat.S_IMODE(st.st_mode)
    umask = os.umask(0o022)  # read it back: there is no other portable way
    os.umask(umask)
    return 0o666 & ~umask


def _write_temp(dir_fd: int, path: Path, data: bytes, mode: int) -> str:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _attempt in range(100):
        temp = f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(temp, flags, 0o600, dir_fd=dir_fd)
        except FileExistsError:
            continue  # a name someone took, or planted a link at: take another
        except OSError as error:
            raise _cannot(path, error) from None
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fchmod(out.fileno(), mode)
                os.fsync(out.fileno())
        except OSError as error:
            _unlink_quietly(temp, dir_fd)
            raise _cannot(path, error) from None
        return temp
    raise FileWriteError(f"cannot write {path}: no free temporary name in {path.parent}")


def _unlink_quietly(name: str, dir_fd: int) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name, dir_fd=dir_fd)


def _cannot(path: Path, error: OSError) -> FileWriteError:
    return FileWriteError(f"cannot write {path}: {error.strerror or error}")


def hint_for(problem: str) -> str:
    """What to do about a problem `dir_problem` named."""
    if "belongs to" in problem:
        return "run it as the user whose files these are (e.g. `sudo -u NAME -i`, not `sudo -E`)"
    if "not a directory" in problem or "is a directory" in problem:
        return "move that away, or point the XDG variable at a directory of your own"
    return ""


def _user(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "a special file"
