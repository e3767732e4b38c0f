"""Choosing an idle source: by platform, session type and desktop, then by what answers.

The choice is a small table (`candidates`) plus one opener per source; both are injectable so
the table is tested without a desktop.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .base import CombinedSource, IdleError, IdleSource, NoneSource

logger = logging.getLogger("standup.idle")


@dataclass(frozen=True)
class Environment:
    """What the choice depends on, read once from the process environment."""

    platform: str = "linux"
    session_type: str = ""  # XDG_SESSION_TYPE: x11, wayland, tty
    desktop: str = ""  # XDG_CURRENT_DESKTOP, e.g. "ubuntu:GNOME"
    display: str = ""  # DISPLAY
    wayland_display: str = ""  # WAYLAND_DISPLAY

    @classmethod
    def current(cls) -> Environment:
        return cls(
            platform=sys.platform,
            session_type=os.environ.get("XDG_SESSION_TYPE", "").lower(),
            desktop=os.environ.get("XDG_CURRENT_DESKTOP", ""),
            display=os.environ.get("DISPLAY", ""),
            wayland_display=os.environ.get("WAYLAND_DISPLAY", ""),
        )

    def desktops(self) -> list[str]:
        return [part.strip().lower() for part in self.desktop.split(":") if part.strip()]

    @property
    def gnome(self) -> bool:
        return any(d in ("gnome", "gnome-classic", "gnome-flashback") for d in self.desktops())

    @property
    def kde(self) -> bool:
        return "kde" in self.desktops()

    def describe(self) -> str:
        parts = []
        if self.session_type:
            parts.append(f"XDG_SESSION_TYPE={self.session_type}")
        if self.desktop:
            parts.append(f"XDG_CURRENT_DESKTOP={self.desktop}")
        return ", ".join(parts) or f"platform {self.platform}"


def candidates(env: Environment) -> list[str]:
    """Sources to try, best first; "none" always closes the list."""
    if env.platform == "darwin":
        return ["macos", "none"]
    if env.platform in ("win32", "cygwin"):
        return ["windows", "none"]
    order: list[str] = []
    if env.gnome:
        order.append("mutter")
    elif env.wayland_display:
        # The compositor's own idle protocol; Mutter offers none, so GNOME is left out.
        order.append("wayland")
    order.append("screensaver")
    # Under Wayland an X display is XWayland, which sees input to X clients only: wrong idle.
    if env.display and env.session_type != "wayland":
        order.append("x11")
    order += ["logind", "none"]
    return order


Opener = Callable[[Environment], tuple[IdleSource, str]]


def _with_logind_lock(source: IdleSource) -> IdleSource:
    """Pair a source that cannot see the lock with logind, when logind knows our session."""
    from .logind import LogindSource

    helper = LogindSource()
    try:
        helper.find_session()
    except IdleError as exc:
        logger.debug("no logind session for lock state: %s", exc)
        helper.close()
        return source
    return CombinedSource(source, helper)


def _open_mutter(env: Environment) -> tuple[IdleSource, str]:
    from .mutter import MutterSource

    source = MutterSource()
    try:
        source.idle_seconds()
    except IdleError:
        source.close()
        raise
    return source, "org.gnome.Mutter.IdleMonitor answers"


def _open_wayland(env: Environment) -> tuple[IdleSource, str]:
    from .wayland import open_wayland_source

    source = open_wayland_source(env.wayland_display or None)
    return _with_logind_lock(source), f"{source.protocol} on {source.path}"


def _open_screensaver(env: Environment) -> tuple[IdleSource, str]:
    from .screensaver import ScreenSaverSource

    source = ScreenSaverSource(unit="ms" if env.kde else "s")
    try:
        path = source.find_path()
    except IdleError:
        source.close()
        raise
    unit = "milliseconds (KDE)" if env.kde else "seconds"
    return _with_logind_lock(source), f"org.freedesktop.ScreenSaver at {path}, idle in {unit}"


def _open_x11(env: Environment) -> tuple[IdleSource, str]:
    from .x11 import X11Source

    source = X11Source(env.display or None)
    return _with_logind_lock(source), f"XScreenSaver extension on {source.display_name}"


def _open_logind(env: Environment) -> tuple[IdleSource, str]:
    from .logind import LogindSource

    source = LogindSource()
    try:
        path = source.find_session()
        source.sample()
    except IdleError:
        source.close()
        raise
    return source, f"session {path} IdleHint/LockedHint (coarse: set after the desktop's delay)"


def _open_macos(env: Environment) -> tuple[IdleSource, str]:
    from .macos import MacOSSource

    return MacOSSource(), "CGEventSourceSecondsSinceLastEventType"


def _open_windows(env: Environment) -> tuple[IdleSource, str]:
    from .windows import WindowsSource

    return WindowsSource(), "GetLastInputInfo"


def _open_none(env: Environment) -> tuple[IdleSource, str]:
    return NoneSource(), "always active"


OPENERS: Mapping[str, Opener] = {
    "mutter": _open_mutter,
    "wayland": _open_wayland,
    "screensaver": _open_screensaver,
    "x11": _open_x11,
    "logind": _open_logind,
    "macos": _open_macos,
    "windows": _open_windows,
    "none": _open_none,
}
# What `idle.source` may name (the config's Literal is checked against this by a test).
IDLE_CHOICES = ("auto", *OPENERS)


def open_idle_source(
    choice: str = "auto",
    *,
    env: Environment | None = None,
    openers: Mapping[str, Opener] | None = None,
) -> tuple[IdleSource, str]:
    """The source to use and a sentence saying why. Never raises for an unavailable source:
    what does not answer is skipped (auto) or replaced by "none" with the failure in the reason.
    """
    if choice not in IDLE_CHOICES:
        raise ValueError(f"unknown idle source {choice!r}; choose from {', '.join(IDLE_CHOICES)}")
    env = env or Environment.current()
    openers = openers or OPENERS
    names = candidates(env) if choice == "auto" else [choice, "none"]
    failures: list[str] = []
    for name in names:
        if name == "none" and failures:
            source, _ = openers["none"](env)
            return source, f"none: always active; no idle source answered ({'; '.join(failures)})"
        try:
            source, why = openers[name](env)
        except Exception as exc:  # IdleError, and anything a broken desktop throws at us
            logger.debug("idle source %s unavailable: %s", name, exc)
            text = str(exc).removeprefix(f"{name}:").strip()  # sources name themselves too
            failures.append(f"{name}: {text}")
            continue
        return source, f"{name}: {why} ({env.describe()})"
    raise AssertionError("unreachable: 'none' always opens")
