"""Fullscreen on X11: the root's _NET_ACTIVE_WINDOW, then that window's _NET_WM_STATE.

Both are EWMH properties the window manager maintains; two round trips through ctypes libX11,
no subprocess. Without a window manager (or under Wayland) there is no active window: not busy.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence

from standup.idle.xlib import SUCCESS, Atom, XDisplay, XlibError

ANY_PROPERTY_TYPE = 0
MAX_ITEMS = 64  # a window's state list is short; more is never needed


def is_fullscreen(active: Sequence[int], states: Sequence[int], fullscreen_atom: int) -> bool:
    """Pure part: an active window exists and its state list holds the fullscreen atom."""
    return bool(active) and active[0] != 0 and fullscreen_atom in states


class FullscreenProbe:
    """True when the active window is fullscreen (a presentation, a film, a game)."""

    def __init__(self, display: str | None = None) -> None:
        self._display_name = display
        self._display: XDisplay | None = None
        self._atoms: dict[str, int] = {}

    def _open(self) -> XDisplay:
        if self._display is not None and self._display.dead:
            self.close()
        if self._display is None:
            display = XDisplay(self._display_name)
            for name in ("_NET_ACTIVE_WINDOW", "_NET_WM_STATE", "_NET_WM_STATE_FULLSCREEN"):
                self._atoms[name] = int(display.lib.XInternAtom(display.ptr, name.encode(), 0))
            self._display = display
        return self._display

    def _read(self, display: XDisplay, window: int, prop: str) -> list[int]:
        """A 32-bit property as a list of ints; [] when unset or the window is gone."""
        actual_type, actual_format = Atom(), ctypes.c_int()
        count, after, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        status = display.lib.XGetWindowProperty(
            display.ptr, window, self._atoms[prop], 0, MAX_ITEMS, 0, ANY_PROPERTY_TYPE,
            ctypes.byref(actual_type), ctypes.byref(actual_format), ctypes.byref(count),
            ctypes.byref(after), ctypes.byref(data),
        )  # fmt: skip
        try:
            if status != SUCCESS or actual_format.value != 32 or not data.value:
                return []
            # Format 32 items arrive as C longs, whatever their size on this machine.
            items = ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))
            return [int(items[i]) for i in range(count.value)]
        finally:
            if data.value:
                display.lib.XFree(data)

    def __call__(self) -> bool:
        display = self._open()
        active = self._read(display, display.root, "_NET_ACTIVE_WINDOW")
        states = self._read(display, active[0], "_NET_WM_STATE") if active and active[0] else []
        if display.dead:
            raise XlibError(f"lost the connection to X display {display.name}")
        return is_fullscreen(active, states, self._atoms["_NET_WM_STATE_FULLSCREEN"])

    def close(self) -> None:
        display, self._display = self._display, None
        if display is not None:
            display.close()
