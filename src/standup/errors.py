"""One error hierarchy; each error carries a hint and maps to a documented exit code."""

from __future__ import annotations


class StandupError(Exception):
    """Something the user can act on. `str()` is the message, `hint` says what to do."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class UsageError(StandupError):
    """Bad command-line usage or a bad argument value."""

    exit_code = 1


class ConfigError(StandupError):
    """The configuration cannot be used; the message names file, key, value and what is allowed."""

    exit_code = 2


class DaemonNotRunning(StandupError):
    """A client command found no daemon listening on the control socket."""

    exit_code = 3


class AlreadyRunning(StandupError):
    """A second daemon was started for the same user."""

    exit_code = 1


class RuntimeDirError(StandupError):
    """The runtime directory, or a file in it, cannot be used or trusted; the hint says how."""

    exit_code = 1


class UntrustedPeer(StandupError):
    """The process at the other end of the control socket does not run as this user."""

    exit_code = 1
