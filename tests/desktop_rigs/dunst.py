"""dunst on Xvfb, the rig every other end-to-end test uses, as one more server of the matrix.

dunst lists only closed notifications (`dunstctl history`), so what is on screen is the count
dunst reports (`dunstctl count displayed`) paired with the Notify calls a bus monitor saw and the
NotificationClosed signals dunst sent.
"""

from __future__ import annotations

from .base import Bubble, RigError, ServerRig, wait_until
from .gtk import NotifyLog, render_markup
from rig import Rig


class DunstRig(ServerRig):
    name = "dunst"
    packages = ("dunst", "xvfb", "dbus")
    binaries = ("dunst", "dunstctl", "Xvfb", "dbus-daemon")
    has_dnd = True

    def __init__(self) -> None:
        self._rig = Rig()
        self._notes: NotifyLog | None = None

    def start(self) -> None:
        self._rig.start()
        self._notes = NotifyLog(self._rig.bus_address)
        self._notes.start()

    def stop(self) -> None:
        if self._notes is not None:
            self._notes.stop()
            self._notes = None
        self._rig.stop()

    @property
    def env(self) -> dict[str, str]:
        return dict(self._rig.env)

    def _owner(self) -> str:
        out = self._rig._run(
            "dbus-send", "--session", "--print-reply=literal", "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus", "org.freedesktop.DBus.GetNameOwner",
            "string:org.freedesktop.Notifications", check=False,
        )  # fmt: skip
        return out.stdout.strip()

    def bubbles(self) -> list[Bubble]:
        assert self._notes is not None
        shown = self._rig.displayed_count()
        open_ = [s for s in self._notes.of(self._owner()) if s.closed is None]
        open_.sort(key=lambda s: s.seq)
        return [
            Bubble(s.id, s.summary, render_markup(s.body), tuple(k for k, _ in s.actions),
                   s.app_name)
            for s in open_[len(open_) - shown :] if shown
        ]  # fmt: skip

    def press(self, bubble: Bubble, key: str) -> None:
        if key not in bubble.actions:
            raise RigError(f"dunst: no action {key!r} on {bubble}")
        self._rig.press(key)

    def set_dnd(self, on: bool) -> None:
        self._rig._run("dunstctl", "set-paused", "true" if on else "false")
        wait_until(
            lambda: self._rig._run("dunstctl", "is-paused").stdout.strip() == str(on).lower()
        )

    def reset(self) -> None:
        self.set_dnd(False)
        self._rig.reset()

    def log(self) -> str:
        return self._rig.dunst_log()
