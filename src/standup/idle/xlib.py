"""libX11 through ctypes: load once, open a display, survive a dead server and bad windows.

Xlib's default handlers call exit(): a BadWindow (a window closed between two of our requests) or
a lost X connection would end the daemon. We install handlers that only record what happened;
the caller then sees a failed status (or `XDisplay.dead`) and raises its own error.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import threading
from typing import Any

Window = ctypes.c_ulong
Atom = ctypes.c_ulong
SUCCESS = 0


class XlibError(Exception):
    """libX11 is missing, or the display cannot be opened or was lost."""


_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_IO_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)
_IO_EXIT_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
_dead_displays: set[int] = set()  # display pointers whose connection broke
_dead_lock = threading.Lock()


def _on_x_error(_display: int, _event: int) -> int:
    return 0  # the request's own status tells the caller; never exit


def _on_io_error(display: int) -> int:
    # The default handler prints and calls exit(); returning lets the exit handler below run.
    with _dead_lock:
        _dead_displays.add(display)
    return 0


def _on_io_exit(display: int, _user_data: int) -> None:
    with _dead_lock:
        _dead_displays.add(display)


# The handlers as C function pointers, made once and kept: Xlib may call them at any time.
_X_ERROR_CALLBACK = _ERROR_HANDLER(_on_x_error)
_IO_ERROR_CALLBACK = _IO_ERROR_HANDLER(_on_io_error)
_IO_EXIT_CALLBACK = _IO_EXIT_HANDLER(_on_io_exit)


def _find(soname: str, short: str) -> str:
    return soname if os.name == "posix" else (ctypes.util.find_library(short) or soname)


@functools.cache
def load_xlib() -> Any:
    """libX11 with the prototypes we use, threads enabled, exit-free error handler installed."""
    try:
        lib = ctypes.CDLL(_find("libX11.so.6", "X11"))
    except OSError as exc:
        raise XlibError(f"libX11 not found: {exc}") from exc
    lib.XInitThreads.restype = ctypes.c_int
    lib.XInitThreads()  # before any other call: the idle source and the busy probe may share it
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    lib.XDefaultRootWindow.restype = Window
    lib.XDisplayString.argtypes = [ctypes.c_void_p]
    lib.XDisplayString.restype = ctypes.c_char_p
    lib.XFree.argtypes = [ctypes.c_void_p]
    lib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.XInternAtom.restype = Atom
    lib.XGetWindowProperty.argtypes = [
        ctypes.c_void_p,  # display
        Window,
        Atom,  # property
        ctypes.c_long,  # offset (32-bit units)
        ctypes.c_long,  # length (32-bit units)
        ctypes.c_int,  # delete
        Atom,  # requested type
        ctypes.POINTER(Atom),  # actual type
        ctypes.POINTER(ctypes.c_int),  # actual format
        ctypes.POINTER(ctypes.c_ulong),  # item count
        ctypes.POINTER(ctypes.c_ulong),  # bytes after
        ctypes.POINTER(ctypes.c_void_p),  # data
    ]
    lib.XGetWindowProperty.restype = ctypes.c_int
    lib.XSetErrorHandler.argtypes = [_ERROR_HANDLER]
    lib.XSetErrorHandler.restype = ctypes.c_void_p
    lib.XSetErrorHandler(_X_ERROR_CALLBACK)
    lib.XSetIOErrorHandler.argtypes = [_IO_ERROR_HANDLER]
    lib.XSetIOErrorHandler.restype = ctypes.c_void_p
    lib.XSetIOErrorHandler(_IO_ERROR_CALLBACK)
    if hasattr(lib, "XSetIOErrorExitHandler"):  # libX11 >= 1.7; older ones exit on a lost server
        lib.XSetIOErrorExitHandler.argtypes = [ctypes.c_void_p, _IO_EXIT_HANDLER, ctypes.c_void_p]
    return lib


class XDisplay:
    """One connection to an X server; `dead` once the server went away."""

    def __init__(self, name: str | None = None) -> None:
        self.lib = load_xlib()
        name = name if name is not None else os.environ.get("DISPLAY", "")
        if not name:
            raise XlibError("DISPLAY is not set")
        self.ptr = self.lib.XOpenDisplay(name.encode())
        if not self.ptr:
            raise XlibError(f"cannot open X display {name}")
        if hasattr(self.lib, "XSetIOErrorExitHandler"):
            self.lib.XSetIOErrorExitHandler(self.ptr, _IO_EXIT_CALLBACK, None)
        self.name = name
        self.root = self.lib.XDefaultRootWindow(self.ptr)

    @property
    def dead(self) -> bool:
        with _dead_lock:
            return self.ptr in _dead_displays

    def check(self) -> None:
        if not self.ptr:
            raise XlibError("X display is closed")
        if self.dead:
            raise XlibError(f"lost the connection to X display {self.name}")

    def close(self) -> None:
        ptr, self.ptr = self.ptr, None
        if not ptr:
            return
        with _dead_lock:
            dead = ptr in _dead_displays
            _dead_displays.discard(ptr)
        if not dead:  # closing a broken connection would only raise the I/O error again
            self.lib.XCloseDisplay(ptr)
            # A server that died unnoticed fails the close: forget the pointer all the same, or
            # the next display malloc puts at that address would be taken as dead.
            with _dead_lock:
                _dead_displays.discard(ptr)
