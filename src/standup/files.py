"""Writing a file so that no one else can redirect the write: the one helper every writer uses.

The new text goes into a temporary file of a random name made with O_CREAT | O_EXCL | O_NOFOLLOW
in the target's own directory (a link planted at any name is never followed: the name is simply
taken), is fsynced, then renamed over the target; the directory is fsynced after. A link at the
target itself is replaced, not followed. A directory that another user owns (or reaches through
a link another user owns) is refused: root running with someone else's $HOME, as `sudo` keeping
HOME does, must not write where that user can point it. The checks run on the path, and once
more on the directory actually opened, so a swap between the two is caught.
"""

from __future__ import annotations

import contextlib
import enum
import os
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from standup.errors import StandupError

_TRUSTED_OWNER = 0  # root owns /, /home, /tmp: directories no one else can swap under us


_MAX_LINKS = 40  # as the kernel's own limit on links followed in one path


class FileWriteError(StandupError):
    """A file could not be written, or its directory is not one we may write into."""

    exit_code = 1


class ProblemKind(enum.Enum):
    FOREIGN = "foreign"  # another user owns it, or a link on the way to it
    NOT_A_DIRECTORY = "not a directory"  # a file (or a dangling link) where one must go
    IS_A_DIRECTORY = "is a directory"  # a directory where a file must go
    READ_ONLY = "read-only"
    UNREADABLE = "unreadable"  # cannot even be looked at


_HINTS = {
    ProblemKind.FOREIGN: "run it as the user whose files these are "
    "(e.g. `sudo -u NAME -i`, not `sudo -E`)",
    ProblemKind.NOT_A_DIRECTORY: "move that away, "
    "or point the XDG variable at a directory of your own",
    ProblemKind.IS_A_DIRECTORY: "move that away, "
    "or point the XDG variable at a directory of your own",
}


@dataclass(frozen=True)
class DirProblem:
    """Why files cannot be written somewhere: a kind to act on and a sentence to show."""

    kind: ProblemKind
    message: str

    def __str__(self) -> str:
        return self.message

    @property
    def hint(self) -> str:
        return _HINTS.get(self.kind, "")

    def error(self, path: Path, verb: str = "write") -> FileWriteError:
        return FileWriteError(f"cannot {verb} {path}: {self.message}", hint=self.hint)


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
        problem = opened_dir_problem(dir_fd, directory)
        if problem:
            raise problem.error(path)
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
        raise problem.error(named)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _cannot(named, error) from None
    problem = dir_problem(directory)  # again: made in a shared place, it may be someone else's
    if problem:
        raise problem.error(named)


def follow_own_links(path: Path) -> Path:
    """Where `path` leads when it is a symbolic link (a config kept in a dotfiles repository),
    following only links that we (or root) own, in directories no other user owns: a link
    planted by another user must not choose where we write. `path` itself when it is no link."""
    for _hop in range(_MAX_LINKS):
        try:
            st = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return path
        except OSError as error:
            raise _cannot(path, error) from None
        if not stat.S_ISLNK(st.st_mode):
            return path
        problem = dir_problem(path.parent)
        if problem and problem.kind is ProblemKind.FOREIGN:
            raise problem.error(path)
        foreign = _foreign_uid(st.st_uid)
        if foreign:
            raise DirProblem(ProblemKind.FOREIGN, f"the link {path} {foreign}").error(path)
        path = Path(os.path.realpath(path.parent)) / os.readlink(path)
    raise FileWriteError(f"cannot write {path}: too many symbolic links on the way")


def dir_problem(directory: Path) -> DirProblem | None:
    """Why files cannot be written into `directory` (None when they can, or when it does not
    exist yet and can be made): a file in the way, a read-only or foreign directory on the way."""
    directory = Path(os.path.abspath(directory))
    existing = directory
    while True:
        try:
            st = os.stat(existing)
            break
        except (FileNotFoundError, NotADirectoryError):
            if os.path.islink(existing):  # mkdir would find the name taken
                message = f"{existing} is a symbolic link that leads nowhere, not a directory"
                return DirProblem(ProblemKind.NOT_A_DIRECTORY, message)
            existing = existing.parent
        except OSError as error:
            message = f"cannot look at {existing}: {error.strerror or error}"
            return DirProblem(ProblemKind.UNREADABLE, message)
    if not stat.S_ISDIR(st.st_mode):
        message = f"{existing} is {_kind(st.st_mode)}, not a directory"
        return DirProblem(ProblemKind.NOT_A_DIRECTORY, message)
    foreign = foreign_owner(existing)
    if foreign:
        return DirProblem(ProblemKind.FOREIGN, foreign)
    if not os.access(existing, os.W_OK | os.X_OK):
        return DirProblem(ProblemKind.READ_ONLY, f"{existing} is read-only")
    return None


def opened_dir_problem(dir_fd: int, directory: Path) -> DirProblem | None:
    """The checks on an opened directory itself: what the path named may have been swapped
    since it was checked, but the handle cannot be."""
    st = os.fstat(dir_fd)
    if not stat.S_ISDIR(st.st_mode):  # O_DIRECTORY already refuses one; never trust one flag
        return DirProblem(ProblemKind.NOT_A_DIRECTORY, f"{directory} is not a directory")
    foreign = _foreign_uid(st.st_uid)
    if foreign:
        real = _fd_path(dir_fd) or directory
        return DirProblem(ProblemKind.FOREIGN, f"{real} {foreign}")
    return None


def foreign_owner(directory: Path) -> str:
    """Which directory (or link) on the way to `directory` another user owns, as a sentence;
    "" when each is ours or root's. Both the path as written and the one its links lead to."""
    for chain in (Path(os.path.abspath(directory)), Path(os.path.realpath(directory))):
        for part in (chain, *chain.parents):
            try:
                owner = os.lstat(part).st_uid
            except OSError:
                continue  # not there (yet): nothing to trust or distrust
            foreign = _foreign_uid(owner)
            if foreign:
                return f"{part} {foreign}"
    return ""


def _foreign_uid(owner: int) -> str:
    """The words `belongs to X, not to Y` when `owner` is neither us nor root, else nothing."""
    if not hasattr(os, "geteuid"):
        return ""  # Windows: ownership is not this kind of question there
    me = os.geteuid()
    if owner in (me, _TRUSTED_OWNER):
        return ""
    return f"belongs to {_user(owner)}, not to {_user(me)}"


def _fd_path(fd: int) -> Path | None:
    """The path an open directory has now, where the system says (Linux's /proc)."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
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
    return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask. Setting it to read it back changes it, for a moment, for every
    thread (a file another thread makes then gets the wrong mode), so Linux's own report of it
    comes first; the set-and-restore only where there is none."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


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


def _user(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def _kind(mode: int) -> str:
    # Only from stat, which follows links: a link that leads nowhere is named where it is met.
    if stat.S_ISREG(mode):
        return "a file"
    return "a special file"
