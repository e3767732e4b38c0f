"""Playing a theme sound ourselves, where the notification server plays none.

The sound naming spec's names ("bell", "complete") go to a player the desktop already has:
canberra-gtk-play takes the name and finds it in the user's sound theme itself; pw-play and
paplay take a file, found here in the "freedesktop" theme (the spec's fallback). No shell, no
wait: the player runs in its own session, and a short-lived thread reaps it, or kills it when
it is still running after `PLAY_LIMIT` seconds. Nothing runs while nothing sounds.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path

from .base import valid_sound_name

logger = logging.getLogger("standup.notify")

# The sound naming spec's sounds for our two moments.
REMINDER_SOUND = "bell"
HOLD_DONE_SOUND = "complete"
# A theme sound lasts a second or two; a player still running after this is stuck.
PLAY_LIMIT = 5.0
FALLBACK_THEME = "freedesktop"
EXTENSIONS = (".oga", ".ogg", ".wav")


def sound_dirs(environ: Mapping[str, str]) -> list[Path]:
    """$XDG_DATA_HOME/sounds, then each of $XDG_DATA_DIRS/sounds, as the spec looks."""
    home = environ.get("XDG_DATA_HOME") or str(Path(environ.get("HOME") or "~") / ".local/share")
    dirs = environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    return [Path(base).expanduser() / "sounds" for base in [home, *dirs.split(":")] if base]


def find_sound_file(name: str, environ: Mapping[str, str]) -> Path | None:
    """The file of theme sound `name`, or of the name it falls back to ("message-new-instant",
    then "message-new", then "message"), in the freedesktop theme; None when none is there."""
    while name:
        for root in sound_dirs(environ):
            for subdir in ("stereo", ""):
                for ext in EXTENSIONS:
                    path = root / FALLBACK_THEME / subdir / f"{name}{ext}"
                    if path.is_file():
                        return path
        name = name.rpartition("-")[0]
    return None


def player_command(name: str, environ: Mapping[str, str]) -> list[str] | str:
    """The argv that plays `name`, or why nothing can: the first of canberra-gtk-play (with a
    display to start GTK on), pw-play and paplay found on PATH."""
    path = environ.get("PATH")
    canberra = shutil.which("canberra-gtk-play", path=path)
    if canberra and (environ.get("WAYLAND_DISPLAY") or environ.get("DISPLAY")):
        return [canberra, "-i", name, "-d", "standup"]
    players = [p for p in (shutil.which(n, path=path) for n in ("pw-play", "paplay")) if p]
    if not players:
        return "no sound player (canberra-gtk-play, pw-play or paplay) is installed"
    sound = find_sound_file(name, environ)
    if sound is None:
        return f"no sound file for {name!r} (package sound-theme-freedesktop)"
    return [players[0], str(sound)]


class Player:
    """Plays theme sounds, one short-lived process each; safe from any thread."""

    def __init__(self, limit: float = PLAY_LIMIT, environ: Mapping[str, str] | None = None) -> None:
        self._limit = limit
        self._environ = environ  # None: the process environment at each sound
        self._lock = threading.Lock()
        self._said: set[str] = set()

    def play(self, name: str) -> bool:
        """Start playing `name`; True when a player was started. Never waits, never raises."""
        if not valid_sound_name(name):
            self._say_once(f"not a theme sound name: {name!r}")
            return False
        environ = self._environ if self._environ is not None else os.environ
        try:
            argv = player_command(name, environ)
            if isinstance(argv, str):
                self._say_once(f"no sound: {argv}")
                return False
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its own group, to kill whatever it starts with it
                env=dict(environ),
            )
        except Exception as exc:  # a player that cannot start: a missed sound, nothing worse
            self._say_once(f"no sound: cannot start a player: {exc}")
            return False
        logger.debug("sound %s: %s", name, argv[0])
        threading.Thread(
            target=self._reap, args=(proc, argv[0]), name="standup-sound", daemon=True
        ).start()
        return True

    def _reap(self, proc: subprocess.Popen[bytes], program: str) -> None:
        """Wait for the player (off the caller's thread); kill it when it outstays the limit."""
        try:
            code = proc.wait(timeout=self._limit)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
            proc.wait()
            self._say_once(f"sound player {program} still ran after {self._limit:g} s: stopped")
            return
        if code:
            self._say_once(f"sound player {program} failed (exit {code})")

    def _say_once(self, message: str) -> None:
        with self._lock:
            if message in self._said:
                return
            self._said.add(message)
        logger.info("%s", message)


def open_player() -> Player:
    return Player()
