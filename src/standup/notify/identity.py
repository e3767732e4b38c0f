"""How standup presents itself to the desktop: its icon and its desktop file.

The package ships both. Notifications name the icon by its path, which works before
`standup service install` has put the icon into the user's icon theme; the `desktop-entry`
hint names the desktop file, which GNOME uses for standup's own notification settings.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

ICON_NAME = "standup"
DESKTOP_FILE = "standup.desktop"


def _data(name: str) -> Path:
    return Path(str(resources.files("standup") / "data" / name))


def icon_path() -> str:
    """The shipped SVG icon as an absolute path ("" when the package has none on disk)."""
    path = _data("standup.svg")
    return str(path) if path.is_file() else ""


def icon_svg() -> bytes:
    return _data("standup.svg").read_bytes()


def desktop_entry() -> str:
    return _data(DESKTOP_FILE).read_text(encoding="utf-8")
