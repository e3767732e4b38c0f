"""A real tray host: GNOME Shell's top bar with the AppIndicator extension, headless.

The shell comes from the notification rig (desktop_rigs.gnome: headless Wayland, private
buses, Eval through unsafe mode). Debian's gnome-shell-extension-appindicator installs the
extension under /usr/share/gnome-shell/extensions (uuid ubuntu-appindicators@ubuntu.com on
Debian 12 and 13); turning it on in org.gnome.shell enabled-extensions makes the shell serve
org.kde.StatusNotifierWatcher and draw each item in the top bar, and turning it off takes the
watcher away again: that is how this rig restarts the host.

What the host knows is read through Eval from its own objects: the indicator button in
Main.panel.statusArea, its label, its menu's items and the item properties its proxy has read.
What it draws is read from a screenshot of the indicator's icon (org.gnome.Shell.Screenshot,
allowed in unsafe mode). Menu entries are clicked with a virtual pointer inside the shell, so
the shell's own event handling opens the menu and activates the entry. The rig records the
method calls the shell makes (desktop_rigs.tray_bus), so a test can see it read the item and
send its clicks.
"""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, new_method_call

from desktop_rigs.base import RigError, wait_until
from desktop_rigs.gnome import EXTENSION_UUID, GnomeShellRig
from desktop_rigs.tray_bus import TrayBus

EXTENSIONS = Path("/usr/share/gnome-shell/extensions")
SCHEMA = "org.gnome.shell.extensions.appindicator"  # the extension's own settings
PACKAGES = {"dbus-monitor": "dbus-bin"}

Colour = tuple[int, int, int]

# Run through Eval: the shell's modules are in scope from GNOME 45 (ES modules), through
# `imports` before. `ours()` is the indicator button of the item whose Id is `id`.
_JS_HEADER = """
const shell = typeof Main !== 'undefined' ? Main : imports.ui.main;
const ClutterLib = typeof Clutter !== 'undefined' ? Clutter : imports.gi.Clutter;
const GLibLib = typeof GLib !== 'undefined' ? GLib : imports.gi.GLib;
const ours = id => Object.entries(shell.panel.statusArea).map(([, button]) => button).find(
    button => button && button._indicator && button._indicator.id === id);
"""

# How many of the extension's indicators are in the top bar.
_JS_INDICATORS = """
Object.keys(shell.panel.statusArea).filter(
    key => key.startsWith('appindicator-') && shell.panel.statusArea[key]).length;
"""

# Every indicator of the extension, for failure messages.
_JS_DESCRIBE = """
Object.entries(shell.panel.statusArea).filter(([key]) => key.startsWith('appindicator-')).map(
    ([key, b]) => b && ({
        key, visible: b.visible, mapped: b.is_mapped(), label: b._label ? b._label.text : null,
        id: b._indicator && b._indicator.id, status: b._indicator && b._indicator.status}));
"""

# What the top bar shows of the item: null while it shows none.
_JS_SHOWN = """
((id) => {
    const button = ours(id);
    if (!button)
        return null;
    const [x, y] = button._icon.get_transformed_position();
    const [width, height] = button._icon.get_transformed_size();
    return {
        visible: button.visible && button.is_mapped(),
        label: button._label && button._box.contains(button._label) ? button._label.text : '',
        accessibleName: button.get_accessible_name(),
        icon: [x, y, width, height].map(Math.round),
        menuOpen: button.menu.isOpen,
        menu: button.menu._getMenuItems().map(item => ({
            label: item.label ? item.label.text : '-',
            enabled: item.reactive,
            box: [...item.get_transformed_position(), ...item.get_transformed_size()]
                .map(Math.round),
        })),
    };
})
"""

# A virtual pointer inside the shell: moves and clicks arrive as real input events.
_JS_CLICK = """
((x, y, button) => {
    const seat = ClutterLib.get_default_backend().get_default_seat();
    if (!global._standupRigPointer)
        global._standupRigPointer = seat.create_virtual_device(
            ClutterLib.InputDeviceType.POINTER_DEVICE);
    const pointer = global._standupRigPointer;
    const now = () => GLibLib.get_monotonic_time();
    pointer.notify_absolute_motion(now(), x, y);
    pointer.notify_button(now(), button, ClutterLib.ButtonState.PRESSED);
    pointer.notify_button(now(), button, ClutterLib.ButtonState.RELEASED);
    return true;
})
"""


def extension_uuid() -> str | None:
    """The uuid of the installed AppIndicator extension (the one with its settings schema)."""
    for metadata in sorted(EXTENSIONS.glob("*/metadata.json")):
        try:
            if json.loads(metadata.read_text()).get("settings-schema") == SCHEMA:
                return metadata.parent.name
        except (OSError, ValueError):
            continue
    return None


def missing() -> list[str]:
    """What this machine lacks for the rig, with the Debian package that brings it."""
    lacking = [f"{name} (package gnome-shell and co.)" for name in GnomeShellRig().missing()]
    lacking += [f"{b} ({p})" for b, p in PACKAGES.items() if not shutil.which(b)]
    if extension_uuid() is None:
        lacking.append("the AppIndicator extension (gnome-shell-extension-appindicator)")
    return lacking


class GnomeTopBar(GnomeShellRig, TrayBus):
    """GNOME Shell with the AppIndicator extension: a tray host to read and click through."""

    def __init__(self) -> None:
        super().__init__()
        self.uuid = extension_uuid() or ""
        self.calls_log = self.dir / "calls.log"

    @property
    def bus_address(self) -> str:
        return self.session_bus.address if self.session_bus else ""

    def start(self) -> None:
        super().start()
        try:
            self.record_calls()
            # The icon as served: fully opaque (the default is 240/255) and at 22 pixels, one
            # of the sizes the item sends, so the bar draws it unscaled, in its own colours.
            self._run("gsettings", "set", SCHEMA, "icon-opacity", "255")
            self._run("gsettings", "set", SCHEMA, "icon-size", "22")
            self.start_host()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self.stop_recording()
        super().stop()

    def _extensions(self, *uuids: str) -> None:
        self._run("gsettings", "set", "org.gnome.shell", "enabled-extensions", repr(list(uuids)))

    def start_host(self) -> None:
        """The extension on: the watcher is there once it owns the name."""
        self._extensions(EXTENSION_UUID, self.uuid)
        self.wait_for_watcher("the AppIndicator extension", self.log)

    def stop_host(self) -> None:
        """The extension off: its watcher and every indicator it drew go away."""
        self._extensions(EXTENSION_UUID)
        self.wait_watcher_gone()
        # Its indicators go with it; one still there would be found instead of the new one.
        wait_until(lambda: self._eval(_JS_HEADER + _JS_INDICATORS) == 0, timeout=10, interval=0.05)

    # ---- what the host shows ---------------------------------------------------------------------

    def shown(self, item_id: str) -> dict[str, Any] | None:
        """What the top bar shows of the item with Id `item_id`: visible, label, accessibleName,
        icon (x, y, width, height on screen), menuOpen, menu (label, enabled, box of each
        entry); None while the bar has no indicator for it."""
        shown: dict[str, Any] | None = self._eval(f"{_JS_HEADER}{_JS_SHOWN}({json.dumps(item_id)})")
        return shown

    def describe(self) -> str:
        """The extension's indicators as the bar holds them, and the shell's log, for a failure."""
        return f"indicators: {self._eval(_JS_HEADER + _JS_DESCRIBE)}\nlog: {self.log()[-1500:]}"

    # ---- what the host draws, and a user's clicks ------------------------------------------------

    def icon_colours(self, item_id: str) -> set[Colour]:
        """The colours on screen where the top bar draws the item's icon."""
        shown = self.shown(item_id)
        if not shown:
            raise RigError(f"no indicator for {item_id} in the top bar")
        x, y, width, height = shown["icon"]
        path = self.dir / "icon.png"
        path.unlink(missing_ok=True)
        screenshot = DBusAddress(
            "/org/gnome/Shell/Screenshot",
            "org.gnome.Shell.Screenshot",
            "org.gnome.Shell.Screenshot",
        )
        msg = new_method_call(
            screenshot, "ScreenshotArea", "iiiibs", (x, y, width, height, False, str(path))
        )
        ok, _ = self._call(msg)
        if not ok:
            raise RigError("the shell took no screenshot")
        return png_colours(path.read_bytes())

    def click(self, x: int, y: int, button: int = 1) -> None:
        """A press and release of `button` at (x, y), through the shell's own input handling."""
        self._eval(f"{_JS_HEADER}{_JS_CLICK}({x}, {y}, {button})")

    def open_menu(self, item_id: str) -> dict[str, Any]:
        """A right click on the item's icon, as a user opens its menu; what is shown then."""

        def placed() -> dict[str, Any] | None:
            shown = self.shown(item_id)
            return shown if shown and None not in shown["icon"] and shown["icon"][2] else None

        def opened() -> bool:
            shown = wait_until(placed, timeout=10, interval=0.05)
            if shown["menuOpen"]:
                return True
            # A click may land while the bar is still placing the icon: click again then.
            x, y, width, height = shown["icon"]
            self.click(x + width // 2, y + height // 2, button=3)
            try:
                return bool(wait_until(lambda: (self.shown(item_id) or {}).get("menuOpen"), 2))
            except TimeoutError:
                return False

        try:
            wait_until(opened, timeout=15, interval=0.05)
        except TimeoutError:
            raise RigError(f"the menu of {item_id} did not open: {self.describe()}") from None
        # The menu slides in: its entries are where they stay once two reads agree.
        last: list[dict[str, Any] | None] = [None]

        def settled() -> dict[str, Any] | None:
            now = _open(self.shown(item_id))
            before, last[0] = last[0], now
            return now if now is not None and now == before else None

        menu: dict[str, Any] = wait_until(settled, timeout=10, interval=0.05)
        return menu

    def choose(self, item_id: str, label: str) -> None:
        """Open the item's menu and click the entry `label`, as a user would."""
        shown = self.open_menu(item_id)
        entries = [entry for entry in shown["menu"] if entry["label"] == label]
        if not entries or not entries[0]["enabled"]:
            raise RigError(f"no {label!r} to click in the menu: {shown['menu']}")
        x, y, width, height = entries[0]["box"]
        self.click(x + width // 2, y + height // 2)


def _open(shown: dict[str, Any] | None) -> dict[str, Any] | None:
    """`shown` once the menu is open and laid out on screen."""
    if shown and shown["menuOpen"] and shown["menu"] and all(e["box"][2] for e in shown["menu"]):
        return shown
    return None


def png_colours(data: bytes) -> set[Colour]:
    """The distinct colours of an 8-bit RGB or RGBA PNG (as the shell writes screenshots)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise RigError("not a PNG")
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour_type not in (2, 6) or interlace:
        raise RigError(f"unexpected PNG: depth {depth}, colour type {colour_type}")
    channels = 4 if colour_type == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    colours: set[Colour] = set()
    for row in range(height):
        start = row * (stride + 1)
        line = _unfilter(
            raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, channels
        )
        for i in range(0, stride, channels):
            colours.add((line[i], line[i + 1], line[i + 2]))
        previous = line
    return colours


def _unfilter(kind: int, line: bytearray, above: bytearray, bpp: int) -> bytearray:
    """One PNG scanline with its filter (none, sub, up, average, Paeth) undone."""
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = above[i]
        corner = above[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            line[i] = (line[i] + best) & 0xFF
    return line
