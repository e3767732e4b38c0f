"""Is the user busy: a reminder that comes due now is held, not dropped.

Four signals, each switchable in the `[busy]` table: do not disturb, a fullscreen window, the
microphone in use, the camera in use. Every probe is cheap and none ever raises: a probe that
fails counts as "not busy" and is logged at debug level once.

A probe's configuration (the do-not-disturb modes) is given when it is made: whoever keeps
probes opens new ones when the `[busy]` table names other modes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Protocol

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from standup.config.durations import format_duration, parse_positive_duration

logger = logging.getLogger("standup.busy")


class Probe(Protocol):
    """One busy signal, asked only when a reminder comes due: True holds the reminder back.

    It should answer in milliseconds (one D-Bus call, one X request, a look through /proc).
    It may raise: `Probes.run` counts a failure as not busy."""

    def __call__(self) -> bool: ...


class BusyOptions(BaseModel):
    """The `[busy]` table: which signals hold a reminder back."""

    model_config = ConfigDict(extra="forbid")

    do_not_disturb: bool = True
    # mako's do-not-disturb is a mode; any of these names active counts.
    dnd_modes: list[str] = ["do-not-disturb"]
    fullscreen: bool = True
    microphone: bool = True
    camera: bool = True
    # How soon a held reminder is looked at again: it shows at most this long after you are free.
    recheck: Annotated[
        timedelta,
        BeforeValidator(parse_positive_duration),
        PlainSerializer(format_duration, return_type=str),
    ] = timedelta(seconds=30)


# Option name -> the reason shown to the user, in the order they are checked (cheapest first).
REASONS = {
    "microphone": "microphone in use",
    "camera": "camera in use",
    "do_not_disturb": "do not disturb",
    "fullscreen": "fullscreen window",
}


@dataclass
class Probes:
    """One callable per signal, plus whatever must be closed when the daemon stops."""

    do_not_disturb: Probe
    fullscreen: Probe
    microphone: Probe
    camera: Probe
    closers: list[Callable[[], None]] = field(default_factory=list)
    _failed: set[str] = field(default_factory=set)  # probes already logged as failing

    def run(self, name: str) -> bool:
        """The probe's answer; False (logged once) when it fails."""
        probe: Probe = getattr(self, name)
        try:
            result = bool(probe())
        except Exception as exc:
            if name not in self._failed:
                self._failed.add(name)
                logger.debug("busy probe %s failed, counted as not busy: %r", name, exc)
            return False
        self._failed.discard(name)  # log again if it breaks after working
        return result

    def close(self) -> None:
        for closer in self.closers:
            try:
                closer()
            except Exception:  # closing is best effort; the daemon is stopping anyway
                logger.debug("closing a busy probe failed", exc_info=True)


def open_probes(
    options: BusyOptions | None = None,
    *,
    asound: Path | None = None,
    proc: Path | None = None,
    display: str | None = None,
) -> Probes:
    """The real probes, made for `options` (its `dnd_modes`; None: the defaults). Nothing is
    opened until a probe first runs; close() when done.

    `asound` and `proc` default to $STANDUP_PROC_ASOUND / $STANDUP_PROC_ROOT (test hooks), then
    /proc/asound and /proc.
    """
    from standup.busy.dnd import DEFAULT_MODES, DoNotDisturbProbe
    from standup.busy.proc import asound_root, camera_in_use, microphone_in_use, proc_root
    from standup.busy.x11 import FullscreenProbe

    asound_dir = asound or asound_root()
    proc_dir = proc or proc_root()
    # The /dev/video shortcut would hide a fake tree's camera from the tests.
    dev = None if (proc or os.environ.get("STANDUP_PROC_ROOT")) else Path("/dev")
    dnd = DoNotDisturbProbe(modes=DEFAULT_MODES if options is None else options.dnd_modes)
    fullscreen = FullscreenProbe(display)
    return Probes(
        do_not_disturb=dnd,
        fullscreen=fullscreen,
        microphone=lambda: microphone_in_use(asound_dir),
        camera=lambda: camera_in_use(proc_dir, dev=dev),
        closers=[dnd.close, fullscreen.close],
    )


def busy_reasons(options: BusyOptions, probes: Probes) -> list[str]:
    """Why the user is busy now, asking only the signals `options` switches on; [] means not
    busy. Never raises."""
    return [
        reason for name, reason in REASONS.items() if getattr(options, name) and probes.run(name)
    ]
