"""X11: XScreenSaverQueryInfo's `idle` (ms since the last input) through ctypes, no subprocess.

The display is opened once; a query is one round trip (about 0.02 ms on a local server). Lock
state is not visible here, so `auto` pairs this source with logind's LockedHint.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

from .base import IdleError, IdleSample
from .xlib import Window, XDisplay, XlibError


class XScreenSaverInfo(ctypes.Structure):
    _fields_ = [
        ("window", Window),
        ("state", ctypes.c_int),
        ("kind", ctypes.c_int),
        ("til_or_since", ctypes.c_ulong),
        ("idle", ctypes.c_ulong),
        ("event_mask", ctypes.c_ulong),
    ]


def _load_xss() -> Any:
    try:
        lib = ctypes.CDLL("libXss.so.1")
    except OSError as exc:
        raise IdleError(f"libXss not found ({exc}); install libxss1") from exc
    lib.XScreenSaverQueryExtension.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_int),
    ]
    lib.XScreenSaverQueryExtension.restype = ctypes.c_int
    lib.XScreenSaverQueryInfo.argtypes = [
        ctypes.c_void_p,
        Window,
        ctypes.POINTER(XScreenSaverInfo),
    ]
    lib.XScreenSaverQueryInfo.restype = ctypes.c_int
    return lib


class X11Source:
    name = "x11"

    def __init__(self, display: str | None = None, load_xss: Callable[[], Any] = _load_xss) -> None:
        try:
            self._display = XDisplay(display)
        except XlibError as exc:
            raise IdleError(str(exc)) from exc
        try:
            self._xss = load_xss()
            base, error = ctypes.c_int(), ctypes.c_int()
            if not self._xss.XScreenSaverQueryExtension(
                self._display.ptr, ctypes.byref(base), ctypes.byref(error)
            ):
                raise IdleError(f"X display {self._display.name} has no MIT-SCREEN-SAVER extension")
        except BaseException:
            self._display.close()
            raise
        self._info = XScreenSaverInfo()

    @property
    def display_name(self) -> str:
        return self._display.name

    def sample(self) -> IdleSample:
        try:
            self._display.check()
        except XlibError as exc:
            raise IdleError(str(exc)) from exc
        ok = self._xss.XScreenSaverQueryInfo(
            self._display.ptr, self._display.root, ctypes.byref(self._info)
        )
        if not ok or self._display.dead:
            raise IdleError(f"XScreenSaverQueryInfo failed on {self._display.name}")
        return IdleSample(self._info.idle / 1000.0)

    def watch(self, on_change: Callable[[], None], idle_after: float) -> bool:
        """Unsupported: XScreenSaver's notify events only cover the server's own saver timeout."""
        return False

    def close(self) -> None:
        self._display.close()
