"""X11: XScreenSaverQueryInfo's `idle` (ms since the last input) through ctypes, no subprocess.

The display is opened once; a query is one round trip (about 0.02 ms on a local server). Lock
state is not visible here, so `auto` pairs this source with logind's LockedHint. Where the
server's SYNC extension has the IDLETIME counter, `watch()` has the server push leaving and
coming back (`xsync`); elsewhere the daemon samples.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Callable
from typing import Any

from .base import IdleError, IdleSample
from .xlib import Window, XDisplay, XlibError
from .xsync import IdletimeWatch, load_xext

logger = logging.getLogger("standup.idle")


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

    def __init__(
        self,
        display: str | None = None,
        load_xss: Callable[[], Any] = _load_xss,
        load_xext: Callable[[Any], Any] = load_xext,
    ) -> None:
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
        self._watch: IdletimeWatch | None = None
        self._load_xext = load_xext

    @property
    def display_name(self) -> str:
        return self._display.name

    def sample(self) -> IdleSample:
        if self._watch is not None and self._watch.error is not None:
            raise IdleError(f"the SYNC idle watch stopped: {self._watch.error}")
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
        """Pushed by SYNC's IDLETIME alarms where the server has them; False (sample) where not,
        said once as a warning."""
        if self._watch is not None:
            self._watch.set(on_change, idle_after)
            return self._watch.error is None
        try:
            self._watch = IdletimeWatch(self._display.name, on_change, idle_after, self._load_xext)
        except IdleError as exc:
            logger.warning("%s: presence is sampled once a minute instead", exc)
            return False
        return True

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        self._display.close()
