"""Microphone and camera use, read from /proc: no library, no subprocess, no daemon to ask.

Both roots can be moved for tests: STANDUP_PROC_ASOUND (default /proc/asound) and
STANDUP_PROC_ROOT (default /proc). They are test hooks, not user settings.
"""

from __future__ import annotations

import os
from pathlib import Path


def asound_root() -> Path:
    return Path(os.environ.get("STANDUP_PROC_ASOUND") or "/proc/asound")


def proc_root() -> Path:
    return Path(os.environ.get("STANDUP_PROC_ROOT") or "/proc")


def microphone_in_use(root: Path) -> bool:
    """Whether any ALSA capture substream is running (PipeWire and PulseAudio included: they sit
    on ALSA, and a capture stream open for a call shows up as RUNNING)."""
    for status in root.glob("card*/pcm*c/sub*/status"):
        try:
            text = status.read_text(errors="replace")
        except OSError:  # the device went away between glob and read
            continue
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "state" and value.strip() == "RUNNING":
                return True
    return False


def camera_in_use(root: Path, uid: int | None = None, dev: Path | None = None) -> bool:
    """Whether one of the user's processes holds a /dev/video* open.

    Only processes owned by `uid` (default: ours) are looked at; others' fds are unreadable
    anyway. With `dev`, a machine without any /dev/video* answers at once.
    """
    if dev is not None and not any(dev.glob("video*")):
        return False
    uid = os.getuid() if uid is None else uid
    try:
        entries = list(os.scandir(root))
    except OSError:
        return False
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat(follow_symlinks=False).st_uid != uid:
                continue
            fds = list(os.scandir(os.path.join(entry.path, "fd")))
        except OSError:  # the process exited, or its fds are not ours to read
            continue
        for fd in fds:
            try:
                target = os.readlink(fd.path)
            except OSError:
                continue
            if target.startswith("/dev/video"):
                return True
    return False
