"""Where standup keeps its files. Resolved when asked, never at import.

Each path honours, in order: a STANDUP_* override (tests, unusual setups), the XDG variable,
then the XDG default under $HOME.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from standup.errors import RuntimeDirError

APP = "standup"
# sun_path holds 108 bytes on Linux, 104 on the BSDs; one is the terminating NUL. Longer paths
# fail in bind() or connect() with a bare OSError, so refuse them first with a hint.
MAX_SOCKET_PATH = 107
_SHORTER_HINT = "set STANDUP_RUNTIME_DIR (or XDG_RUNTIME_DIR) to a shorter directory"


def _xdg(var: str, default: str) -> Path:
    value = os.environ.get(var, "")
    # The XDG spec says relative paths are invalid and must be ignored.
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / default


def config_home() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config")


def user_config_file() -> Path:
    """The user's config file: $STANDUP_CONFIG, else $XDG_CONFIG_HOME/standup/config.toml."""
    override = os.environ.get("STANDUP_CONFIG")
    if override:
        return Path(override)
    return config_home() / APP / "config.toml"


def system_config_files() -> list[Path]:
    """Admin defaults, lowest precedence first ($XDG_CONFIG_DIRS lists the most important first)."""
    dirs = os.environ.get("XDG_CONFIG_DIRS", "") or "/etc/xdg"
    found = [Path(d) / APP / "config.toml" for d in dirs.split(":") if d and os.path.isabs(d)]
    return list(reversed(found))


def config_files(explicit: Path | None = None) -> tuple[list[Path], Path, bool]:
    """All config files in precedence order, the user's file, and whether the user named it
    (--config or $STANDUP_CONFIG)."""
    if explicit is not None:
        user, named = explicit, True
    else:
        named = bool(os.environ.get("STANDUP_CONFIG"))
        user = user_config_file()
    return [*system_config_files(), user], user, named


def state_dir() -> Path:
    override = os.environ.get("STANDUP_STATE_DIR")
    if override:
        return Path(override)
    return _xdg("XDG_STATE_HOME", ".local/state") / APP


def database_file() -> Path:
    return state_dir() / "standup.db"


def runtime_dir() -> Path:
    """A private directory for the control socket: $XDG_RUNTIME_DIR/standup, else the state dir."""
    override = os.environ.get("STANDUP_RUNTIME_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_RUNTIME_DIR", "")
    if base and os.path.isabs(base):
        return Path(base) / APP
    return state_dir() / "run"


def control_socket() -> Path:
    return runtime_dir() / "control.sock"


# -- runtime directory checks: the socket's directory must be a real one, ours and private -----


def check_socket_path(path: Path) -> None:
    """Refuse a socket path too long for an AF_UNIX address."""
    size = len(os.fsencode(path))
    if size > MAX_SOCKET_PATH:
        raise RuntimeDirError(
            f"the control socket path is {size} bytes, more than the {MAX_SOCKET_PATH} a Unix "
            f"socket allows: {path}",
            hint=_SHORTER_HINT,
        )


def ensure_private_dir(directory: Path) -> bool:
    """Create the runtime directory 0700, or check it: a directory (not a symlink) of ours.

    Returns True when an existing directory had to be tightened to 0700 (the caller logs it;
    this module stays free of logging, which the client commands do not import).
    """
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        pass  # a file or a dangling symlink is in the way: explained below
    except PermissionError:
        raise RuntimeDirError(
            f"cannot create {directory}: permission denied",
            hint=f"{directory.parent} is not writable by you; point XDG_RUNTIME_DIR at a "
            "directory of your own (usually /run/user/$UID)",
        ) from None
    except OSError as exc:
        raise RuntimeDirError(
            f"cannot create {directory}: {exc.strerror or exc}",
            hint="point XDG_RUNTIME_DIR at a directory of your own (usually /run/user/$UID)",
        ) from None
    problem = runtime_dir_problem(directory)
    if problem:
        raise RuntimeDirError(problem, hint=f"move {directory} away and start again")
    st = os.lstat(directory)
    if st.st_uid != os.getuid():
        raise RuntimeDirError(
            f"{directory} belongs to uid {st.st_uid}, not to you (uid {os.getuid()})",
            hint="set XDG_RUNTIME_DIR to a directory of your own",
        )
    if stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(directory, 0o700)
        return True
    return False


def runtime_dir_problem(directory: Path) -> str:
    """Why `directory` cannot hold our socket ("" when it is a real directory, or missing)."""
    try:
        st = os.lstat(directory)
    except FileNotFoundError:
        return ""
    except OSError as exc:
        return f"cannot look at {directory}: {exc.strerror or exc}"
    if stat.S_ISLNK(st.st_mode):
        target = os.readlink(directory)
        dangling = "" if directory.exists() else " that leads nowhere"
        return f"{directory} is a symbolic link{dangling} (to {target}), not a directory"
    if not stat.S_ISDIR(st.st_mode):
        return f"{directory} is {_kind(st.st_mode)}, not a directory"
    return ""


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    return "a special file"
