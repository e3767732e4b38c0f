"""Where standup keeps its files. Resolved when asked, never at import.

Each path honours, in order: a STANDUP_* override (tests, unusual setups), the XDG variable,
then the XDG default under $HOME.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "standup"


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
