"""What the running daemon already knows, asked for by commands that would otherwise load and
validate the settings themselves (`exercises`, `doctor`): pydantic alone costs them more than
the whole of `standup status`.

The daemon's answer holds only when it runs the same standup and read the same config the
command would: the same version, the same files (each as it is now, by path, mtime, size and
inode) and the same STANDUP_* variables (in any case: the settings read them so). The client
sends its own `sources()`; the daemon answers {"same_config": false} when they differ from
those it noted just before it read its config, or when its last reload failed. Then, and when
no daemon runs, the command does what it did before: `ask()` returns None.

Standard library only, like the control client: this runs before anything heavy is imported.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from standup import paths

# Variables that change nothing a command asks about: the log level, and where the config
# and the socket are (the files themselves are compared, and a daemon answering on the socket
# is the one asked).
_NOT_SETTINGS = frozenset({"STANDUP_LOG_LEVEL", "STANDUP_CONFIG", "STANDUP_RUNTIME_DIR"})
ASK_WAIT = 2.0  # seconds: past this, doing the work here is quicker than waiting for it


def sources(explicit: Path | None = None) -> dict[str, Any]:
    """The config files standup reads (with `explicit`, as --config names it) and the STANDUP_*
    variables, as JSON-safe lists: what two processes must share to load the same settings."""
    from standup import __version__

    files, _user, _named = paths.config_files(explicit)
    return {
        # A daemon not yet restarted after an upgrade runs other code and another schema.
        "version": __version__,
        "files": [[str(path), _signature(path)] for path in files],
        "env": sorted(
            [name, value]
            for name, value in os.environ.items()
            if name.upper().startswith("STANDUP_") and name.upper() not in _NOT_SETTINGS
        ),
    }


def install() -> list[str]:
    """This interpreter and this standup: a client of the daemon's own install runs the same
    packages, so the daemon may say which."""
    import standup

    return [sys.executable, str(standup.__file__)]


def _signature(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size, st.st_ino]


def ask(cmd: str, args: dict[str, Any], explicit: Path | None = None) -> dict[str, Any] | None:
    """The daemon's answer to `cmd` for the config the command is asked about; None when no
    daemon runs, it runs another config, or it cannot answer (an older daemon)."""
    from standup.control.client import request
    from standup.errors import StandupError
    from standup.i18n import choose_language, environment_language

    # "speaks": the language this terminal asks for, for an answer made of words.
    asked = {**args, "sources": sources(explicit), "speaks": environment_language()}
    try:
        answer = request(cmd, asked, timeout=ASK_WAIT)
    except StandupError:  # not running, busy, or not ours: the command manages without it
        return None
    if answer.get("same_config") is not True:
        return None
    choose_language(answer.get("language"))  # the config's `[general] language`, as loading it
    return answer
