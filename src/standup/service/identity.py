"""standup's desktop file and icon in the user's data directory, installed with the service.

With them GNOME files standup's notifications under standup's own entry in its settings (it
keys them by the `desktop-entry` hint every notification carries), and servers that look an
icon up by name find ours.
"""

from __future__ import annotations

import os
from pathlib import Path

from standup.notify import identity

# The first line: `service uninstall` removes a desktop file only when it is standup's.
_MARK = "# Written by `standup service install`; `standup service uninstall` removes it."


def data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def desktop_file_path() -> Path:
    return data_home() / "applications" / identity.DESKTOP_FILE


def icon_file_path() -> Path:
    return data_home() / "icons" / "hicolor" / "scalable" / "apps" / f"{identity.ICON_NAME}.svg"


def identity_files(exec_line: str) -> tuple[tuple[Path, bytes], ...]:
    """(path, content) of the desktop file, its Exec= set to `exec_line`, and the icon."""
    lines = [
        f"Exec={exec_line}" if line.startswith("Exec=") else line
        for line in identity.desktop_entry().splitlines()
    ]
    desktop = ("\n".join([_MARK, *lines]) + "\n").encode("utf-8")
    return ((desktop_file_path(), desktop), (icon_file_path(), identity.icon_svg()))


def identity_paths() -> tuple[Path, ...]:
    return (desktop_file_path(), icon_file_path())
