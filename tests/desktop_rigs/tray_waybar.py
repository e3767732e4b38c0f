"""A real tray host: waybar's `tray` module, in a headless sway, on a private bus.

waybar's tray module serves org.kde.StatusNotifierWatcher itself and is its only host. It runs
with a config of its own: one bar at the top, only the tray, on a black background, so the
icon is the only thing drawn on the bar's strip and a screenshot (`grim -t ppm`) finds it.

sway's headless seat has no pointer, so `swaymsg seat - cursor ...` reaches no client. A
virtual pointer (wlr-virtual-pointer, held open by the rig) gives the seat one; from then on
sway's own cursor commands move, hover and click as a user would: a right click on the icon
opens the item's menu (a GTK menu waybar builds from the dbusmenu layout), a left click on an
entry sends the item the dbusmenu Event. Keys from wtype do not reach the menu: the bar is a
layer surface that takes no keyboard focus.

The rig records every method call waybar makes (desktop_rigs.tray_bus), so a test can see it
read the item's properties and menu and send the clicks (as dbusmenu EventGroup calls, with
AboutToShowGroup before the menu opens).

Verified with Debian 12's waybar 0.9.17 under sway 1.7 and Debian 13's waybar 0.12 under sway
1.10 (whose background is black, not grey: the tooltip is found by what changed on hover).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from desktop_rigs.base import PrivateBus, RigError
from desktop_rigs.tray_bus import TrayBus
from desktop_rigs.wlroots import SwaySession
from standup.idle.wayland_wire import DISPLAY_ID, MessageBuffer, pack_message, unpack_args

from rig import _kill_group, wait_until

PACKAGES = {"waybar": "waybar", "sway": "sway", "swaymsg": "sway", "grim": "grim",
            "setpriv": "util-linux", "dbus-monitor": "dbus-bin"}  # fmt: skip
BAR_HEIGHT = 30
BACKGROUND = (0, 0, 0)  # the bar's, so anything else on its strip is the icon
_CONFIG = {"layer": "top", "position": "top", "height": BAR_HEIGHT, "modules-right": ["tray"],
           "tray": {"icon-size": 22, "spacing": 4}}  # fmt: skip
_STYLE = "* { font-family: sans-serif; font-size: 12px; }\nwindow#waybar { background: #000000; }\n"
MENU_BACKGROUND = (255, 255, 255)
INK = 180  # a menu entry's text, sensitive or greyed out, is darker; a separator is lighter
NEAR_THE_TRAY = 480  # pixels from the right edge: where the tray's menu and tooltip show
_POINTER_MANAGER = "zwlr_virtual_pointer_manager_v1"

Colour = tuple[int, int, int]


def missing() -> list[str]:
    """What this machine lacks for the rig, with the Debian package that brings it."""
    return [f"{b} ({p})" for b, p in PACKAGES.items() if shutil.which(b) is None]


@dataclass(frozen=True)
class Shot:
    """A screenshot of a region: rows of RGB pixels, and where the region starts."""

    x: int
    y: int
    width: int
    height: int
    data: bytes

    def pixel(self, col: int, row: int) -> Colour:
        at = (row * self.width + col) * 3
        return self.data[at], self.data[at + 1], self.data[at + 2]

    def colours(self) -> set[Colour]:
        data = self.data
        return {(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data) - 2, 3)}

    def box(self, wanted: Colour) -> tuple[int, int, int, int] | None:
        """(left, top, right, bottom), in the region, of the pixels of one colour; None if none."""
        cols, rows = set(), set()
        for row in range(self.height):
            for col in range(self.width):
                if self.pixel(col, row) == wanted:
                    cols.add(col)
                    rows.add(row)
        return (min(cols), min(rows), max(cols), max(rows)) if cols else None


def _ppm(data: bytes, x: int, y: int) -> Shot:
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    if header is None:
        raise RigError(f"grim gave no PPM image ({data[:20]!r})")
    width, height = int(header[1]), int(header[2])
    return Shot(x, y, width, height, data[header.end() :])


class VirtualPointer:
    """A pointer device on the compositor's seat, for as long as this connection lasts."""

    def __init__(self, socket_path: Path) -> None:
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(10)
        self._sock.connect(str(socket_path))
        registry, done, manager, pointer = 2, 3, 4, 5
        self._sock.sendall(
            pack_message(DISPLAY_ID, 1, "n", (registry,))  # get_registry
            + pack_message(DISPLAY_ID, 0, "n", (done,))  # sync: every global is listed before
        )
        found: dict[str, int] = {}
        buffer = MessageBuffer()
        synced = False
        while not synced:
            chunk = self._sock.recv(65536)
            if not chunk:
                raise RigError("sway closed the connection of the virtual pointer")
            for message in buffer.feed(chunk):
                if message.object_id == registry and message.opcode == 0:  # global
                    name, interface, _version = unpack_args("usu", message.payload)
                    found[str(interface)] = int(str(name))
                synced = synced or message.object_id == done
        if _POINTER_MANAGER not in found:
            raise RigError(f"the compositor offers no {_POINTER_MANAGER}")
        bind = pack_message(registry, 0, "usun", (found[_POINTER_MANAGER], _POINTER_MANAGER, 1,
                                                  manager))  # fmt: skip
        create = pack_message(manager, 0, "?on", (None, pointer))  # create_virtual_pointer
        self._sock.sendall(bind + create)

    def close(self) -> None:
        self._sock.close()


class WaybarTray(TrayBus):
    """waybar with its tray, in a headless sway of its own, on a bus of its own."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="standup-waybar-"))
        self.session = SwaySession(self.dir)
        # waybar runs as the session's user (the rig user when we are root): let it connect.
        self.bus = PrivateBus(dir=self.dir / "dbus", allow_all_users=True,
                              env={"WLROOTS_RIG_DIR": str(self.dir)})  # fmt: skip
        self.calls_log = self.dir / "calls.log"
        self._waybar: subprocess.Popen[bytes] | None = None
        self._pointer: VirtualPointer | None = None

    @property
    def bus_address(self) -> str:
        return self.bus.address

    @property
    def env(self) -> dict[str, str]:
        """What standup needs to find this host: only the bus (it draws nothing itself)."""
        return {"DBUS_SESSION_BUS_ADDRESS": self.bus.address}

    def start(self) -> None:
        try:
            self.session.start()
            self.bus.start()
            self.record_calls()
            self._pointer = VirtualPointer(self.session.runtime_dir / self.session.wayland_display)
            wait_until(self._has_pointer, timeout=10)
            for name, text in (("waybar.json", json.dumps(_CONFIG)), ("style.css", _STYLE)):
                (self.dir / name).write_text(text)
                (self.dir / name).chmod(0o644)
            self.start_waybar()
        except BaseException:
            self.stop()
            raise

    def _has_pointer(self) -> bool:
        seats = json.loads(self.session.swaymsg("-t", "get_seats"))
        return any(seat["capabilities"] & 1 for seat in seats)  # WL_SEAT_CAPABILITY_POINTER

    def start_waybar(self) -> None:
        """waybar, up once its watcher owns the name."""
        argv = ["waybar", "-c", str(self.dir / "waybar.json"), "-s", str(self.dir / "style.css")]
        env = {**self.session.user_env, **self.env}
        with (self.dir / "waybar.log").open("ab") as log:
            self._waybar = subprocess.Popen(
                self.session.as_user(argv), env=env, stdout=log, stderr=log,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        self.wait_for_watcher("waybar", self.log)

    def stop_waybar(self) -> None:
        _kill_group(self._waybar)
        self._waybar = None
        self.wait_watcher_gone()

    def stop(self) -> None:
        if self._pointer is not None:
            self._pointer.close()
            self._pointer = None
        _kill_group(self._waybar)
        self._waybar = None
        self.stop_recording()
        self.bus.stop()
        self.session.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self) -> str:
        path = self.dir / "waybar.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    # ---- what the host shows, and a user's hand ------------------------------------------------

    def screenshot(self, x: int, y: int, width: int, height: int) -> Shot:
        out = subprocess.run(
            ["grim", "-t", "ppm", "-g", f"{x},{y} {width}x{height}", "-"],
            env={**os.environ, **self.session.env}, capture_output=True, timeout=20, check=False,
        )  # fmt: skip
        if out.returncode != 0:
            raise RigError(f"grim failed: {out.stderr.decode(errors='replace')}")
        return _ppm(out.stdout, x, y)

    def bar(self) -> Shot:
        return self.screenshot(0, 0, self.screen_width(), BAR_HEIGHT)

    def screen_width(self) -> int:
        outputs = json.loads(self.session.swaymsg("-t", "get_outputs"))
        return int(outputs[0]["rect"]["width"])

    def icon_centre(self) -> tuple[int, int] | None:
        """Where the icon is drawn: the middle of whatever is not the bar's background."""
        bar = self.bar()
        spots = [(col, row) for row in range(bar.height) for col in range(bar.width)
                 if bar.pixel(col, row) != BACKGROUND]  # fmt: skip
        if not spots:
            return None
        cols, rows = [c for c, _ in spots], [r for _, r in spots]
        return (min(cols) + max(cols)) // 2, (min(rows) + max(rows)) // 2

    def move(self, x: int, y: int) -> None:
        self.session.swaymsg("seat", "-", "cursor", "set", str(x), str(y))

    def park_pointer(self) -> None:
        """The pointer to the screen's bottom-left corner: sway draws it into screenshots."""
        self.move(0, self.screen_height() - 1)

    def screen_height(self) -> int:
        outputs = json.loads(self.session.swaymsg("-t", "get_outputs"))
        return int(outputs[0]["rect"]["height"])

    def click(self, x: int, y: int, button: str = "button1") -> None:
        self.move(x, y)
        self.session.swaymsg("seat", "-", "cursor", "press", button)
        self.session.swaymsg("seat", "-", "cursor", "release", button)

    def open_menu(self) -> list[tuple[int, int]]:
        """Right-click the icon; the middle of each entry of the menu waybar opens, top down."""
        self.park_pointer()
        x, y = wait_until(self.icon_centre, timeout=10)
        self.click(x, y, "button3")
        self.park_pointer()
        return wait_until(self.menu_entries, timeout=10, interval=0.1)  # type: ignore[no-any-return]

    def menu_entries(self) -> list[tuple[int, int]]:
        """The entries of the open menu (white, in GTK's default theme): a band of rows with
        text in them each, separators (light lines) left out; [] while no menu is open."""
        shot = self._near_the_tray(0, 300)
        box = shot.box(MENU_BACKGROUND)
        if box is None:
            return []
        left, top, right, bottom = box
        area = [shot.pixel(c, r) for r in range(top, bottom + 1) for c in range(left, right + 1)]
        if area.count(MENU_BACKGROUND) * 2 < len(area):
            return []  # white text on something dark (a tooltip's), not a menu
        inked = [
            row for row in range(top + 2, bottom - 1)
            if any(max(shot.pixel(col, row)) < INK for col in range(left + 2, right - 1))
        ]  # fmt: skip
        bands: list[list[int]] = []
        for row in inked:
            if bands and row == bands[-1][-1] + 1:
                bands[-1].append(row)
            else:
                bands.append([row])
        middle = shot.x + (left + right) // 2
        return [(middle, shot.y + (band[0] + band[-1]) // 2) for band in bands if len(band) >= 3]

    def below_bar(self) -> Shot:
        """The strip under the bar at its right end, where waybar shows the tooltip."""
        return self._near_the_tray(BAR_HEIGHT + 1, 120)

    def calm_below_bar(self) -> Shot:
        """The strip under the bar once it stays the same (a menu just closed is repainted)."""
        shots = [self.below_bar()]

        def settled() -> bool:
            shots.append(self.below_bar())
            return shots[-1] == shots[-2]

        wait_until(settled, timeout=10, interval=0.1)
        return shots[-1]

    def tooltip_box(self, calm: Shot) -> tuple[int, int, int, int] | None:
        """Where a tooltip is drawn: what changed under the bar since `calm` was taken with none
        showing (GTK's tooltip is near black; sway 1.7's background grey, 1.10's black, so no
        colour tells it apart). None when nothing did."""
        shot = self.below_bar()
        changed = [(col, row) for row in range(shot.height) for col in range(shot.width)
                   if shot.pixel(col, row) != calm.pixel(col, row)]  # fmt: skip
        if len(changed) < 200:  # a tooltip's border alone is more
            return None
        cols, rows = [c for c, _ in changed], [r for _, r in changed]
        return shot.x + min(cols), shot.y + min(rows), shot.x + max(cols), shot.y + max(rows)

    def _near_the_tray(self, top: int, height: int) -> Shot:
        """The screen's right-hand part (the tray is at the bar's right end), from `top` down."""
        width = self.screen_width()
        return self.screenshot(width - NEAR_THE_TRAY, top, NEAR_THE_TRAY, height)
