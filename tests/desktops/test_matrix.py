"""The desktop matrix: standup against every real notification server our users run.

Each server runs from its Debian package on a private session bus that can start nothing but
that server (see desktop_rigs/). What is checked is what a user sees and does: the reminder
arrives with Done, Snooze and Skip; a pressed button comes back as that answer; a re-show
replaces the bubble; an answer or a withdrawal takes it down; text arrives as written; and,
where the desktop has do-not-disturb, a reminder due during it waits and arrives after; and
a timed hold counts down in its bubble (desktop_rigs/countdown.py).
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop_rigs import countdown
from desktop_rigs.base import Bubble, RigError, ServerRig
from notice_seen import mark_notice_seen
from standup.busy.dnd import DoNotDisturbProbe
from standup.notify import Reminder, open_notifier
from standup.notify.freedesktop import FreedesktopNotifier

from rig import Answers, rig_unavailable, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.desktop]

RIGS = {
    "dunst": ("desktop_rigs.dunst", "DunstRig"),
    "gnome-shell": ("desktop_rigs.gnome", "GnomeShellRig"),
    "plasma": ("desktop_rigs.plasma", "PlasmaRig"),
    "xfce4-notifyd": ("desktop_rigs.gtk", "XfceNotifydRig"),
    "mate": ("desktop_rigs.gtk", "MateNotificationRig"),
    "notification-daemon": ("desktop_rigs.gtk", "NotificationDaemonRig"),
    "mako": ("desktop_rigs.wlroots", "MakoRig"),
    "swaync": ("desktop_rigs.wlroots", "SwayncRig"),
}
BUTTONS = (("done", "Done"), ("snooze", "Snooze 10 min"), ("skip", "Skip"))
LABELS = dict(BUTTONS)
WAIT = 10.0
USER_TEXT = "1 < 2 & <i>x</i> > 0"


@pytest.fixture(scope="module", params=sorted(RIGS))
def server(request: pytest.FixtureRequest) -> Iterator[ServerRig]:
    module, cls = RIGS[request.param]
    rig: ServerRig = getattr(importlib.import_module(module), cls)()
    missing = rig.missing()
    if missing:
        rig_unavailable(f"{rig.name}: missing {', '.join(missing)} (packages: {rig.packages})")
    try:
        rig.start()
    except RigError as exc:
        rig.stop()
        pytest.fail(f"{rig.name} rig did not start: {exc}", pytrace=False)
    try:
        yield rig
    finally:
        rig.stop()


@pytest.fixture
def desk(server: ServerRig, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerRig]:
    """The server with an empty screen, do-not-disturb off, and our environment on its bus."""
    server.reset()
    for key, value in server.env.items():
        monkeypatch.setenv(key, value)
    yield server
    server.reset()


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
def notifier(desk: ServerRig, answers: Answers) -> Iterator[FreedesktopNotifier]:
    notifier = open_notifier("freedesktop", answers)
    assert isinstance(notifier, FreedesktopNotifier)
    yield notifier
    notifier.close()
    notifier.shutdown()


def _reminder(title: str = "Stand up: hip-flexor stretch", body: str = "Hold 30 s.") -> Reminder:
    return Reminder(title, body, timeout=timedelta(0), actions=BUTTONS)


def _ours(rig: ServerRig, title: str | None = None) -> list[Bubble]:
    return [
        b
        for b in rig.bubbles()
        if (title is None and b.summary.startswith("Stand up")) or b.summary == title
    ]


def _one(rig: ServerRig, title: str) -> Bubble:
    [bubble] = wait_until(lambda: _ours(rig, title), WAIT, interval=0.05)
    return bubble


def _offers_buttons(bubble: Bubble) -> bool:
    offered = set(bubble.actions)
    return all(key in offered or label in offered for key, label in BUTTONS)


def test_a_reminder_arrives_with_done_snooze_and_skip(
    desk: ServerRig, notifier: FreedesktopNotifier
) -> None:
    assert notifier.show(_reminder()) == "freedesktop"
    bubble = _one(desk, "Stand up: hip-flexor stretch")
    assert _offers_buttons(bubble), bubble
    assert desk.displayed_body(bubble) == "Hold 30 s."
    server = notifier.server()
    assert server is not None and server.actions


@pytest.mark.parametrize("key", ["done", "snooze", "skip"])
def test_a_pressed_button_is_that_answer_and_the_bubble_goes(
    desk: ServerRig, notifier: FreedesktopNotifier, answers: Answers, key: str
) -> None:
    # A title of its own: Plasma refuses a Notify identical to one a second before.
    notifier.show(_reminder(f"Stand up: press {key}"))
    desk.press(_one(desk, f"Stand up: press {key}"), key)
    wait_until(lambda: answers.keys, WAIT)
    assert answers.keys == [key]
    wait_until(lambda: not _ours(desk), WAIT, interval=0.05)


def test_a_reshow_replaces_the_bubble_and_keeps_its_buttons(
    desk: ServerRig, notifier: FreedesktopNotifier, answers: Answers
) -> None:
    notifier.show(_reminder("Stand up: first"))
    _one(desk, "Stand up: first")
    notifier.show(_reminder("Stand up: again"))
    bubble = _one(desk, "Stand up: again")
    wait_until(lambda: not _ours(desk, "Stand up: first"), WAIT, interval=0.05)
    assert len(_ours(desk)) == 1
    assert _offers_buttons(bubble), bubble
    desk.press(bubble, "skip")
    wait_until(lambda: answers.keys, WAIT)
    assert answers.keys == ["skip"]


def test_a_withdrawn_reminder_leaves_the_screen(
    desk: ServerRig, notifier: FreedesktopNotifier, answers: Answers
) -> None:
    notifier.show(_reminder())
    _one(desk, "Stand up: hip-flexor stretch")
    notifier.close()
    wait_until(lambda: not _ours(desk), WAIT, interval=0.05)
    assert answers.keys == []  # our own withdrawal is no answer


def test_text_arrives_as_the_user_wrote_it(desk: ServerRig, notifier: FreedesktopNotifier) -> None:
    notifier.show(_reminder("Stand up: markup", USER_TEXT))
    bubble = _one(desk, "Stand up: markup")
    assert desk.displayed_body(bubble) == USER_TEXT


def test_control_characters_neither_arrive_nor_cost_the_connection(
    desk: ServerRig, notifier: FreedesktopNotifier
) -> None:
    assert notifier.show(_reminder("Stand up: nul\x00", "a\x00b\x1b")) == "freedesktop"
    bubble = _one(desk, "Stand up: nul")
    assert desk.displayed_body(bubble) == "ab"
    assert notifier.show(_reminder("Stand up: after")) == "freedesktop"
    _one(desk, "Stand up: after")


def test_do_not_disturb_is_read_from_the_server(desk: ServerRig) -> None:
    probe = DoNotDisturbProbe()
    try:
        assert probe() is False
        if not desk.has_dnd:
            return  # a server without the switch never reads as do-not-disturb
        desk.set_dnd(True)
        assert probe() is True
        desk.set_dnd(False)
        assert probe() is False
    finally:
        probe.close()


# -- standup itself, as a process on each desktop ---------------------------------------------


def _status(env: dict[str, str]) -> dict[str, Any] | None:
    out = subprocess.run(
        [sys.executable, "-m", "standup", "status", "--json"],
        capture_output=True, text=True, env=env, timeout=30,
    )  # fmt: skip
    return json.loads(out.stdout) if out.returncode == 0 else None


@pytest.fixture
def daemon_env(desk: ServerRig) -> Iterator[dict[str, str]]:
    # A short runtime folder: under pytest's numbered, per-worker tmp_path the socket's path
    # can pass the 107 bytes a Unix socket allows.
    runtime = Path(tempfile.mkdtemp(prefix="standup-rt-"))
    yield {
        **os.environ,
        **desk.env,
        "XDG_RUNTIME_DIR": str(runtime),
        "STANDUP_SCHEDULE__SIT": "3s",
        "STANDUP_IDLE__SOURCE": "none",
        "STANDUP_BUSY__RECHECK": "2s",  # a held reminder shows 2 s after do-not-disturb ends
    }
    shutil.rmtree(runtime, ignore_errors=True)


def test_the_daemon_reminds_holds_during_dnd_and_takes_the_answer(
    desk: ServerRig, daemon_env: dict[str, str]
) -> None:
    mark_notice_seen()  # the reminder is the one bubble: the notice has its own tests
    if desk.has_dnd:
        desk.set_dnd(True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "standup", "run"], env=daemon_env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_until(lambda: proc.poll() is not None or _status(daemon_env), 15, interval=0.1)
        assert proc.poll() is None, proc.communicate()[1]
        if desk.has_dnd:
            held = wait_until(lambda: (_status(daemon_env) or {}).get("held_because"), 15, 0.2)
            assert held == ["do not disturb"]
            assert not desk.bubbles()  # nothing was sent into do-not-disturb
            desk.set_dnd(False)
        # The held reminder is checked again every `busy.recheck`: it arrives soon after.
        [bubble] = wait_until(desk.bubbles, 15, interval=0.2)
        assert _offers_buttons(bubble), bubble
        status = _status(daemon_env)
        assert status is not None
        assert status["state"] == "reminding"
        assert status["notifier"] == "freedesktop"
        desk.press(bubble, "done")
        answered = wait_until(
            lambda: (s := _status(daemon_env)) and s["state"] == "sitting" and s, WAIT, 0.1
        )
        assert answered["reminder_shown_at"] is None
        wait_until(lambda: not desk.bubbles(), WAIT, interval=0.1)
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err


def test_a_timed_hold_counts_down_in_its_own_bubble(desk: ServerRig, tmp_path: Path) -> None:
    config = tmp_path / "countdown.toml"
    countdown.write_config(config)
    env = {
        **os.environ,
        **desk.env,
        "STANDUP_CONFIG": str(config),  # the GTK rigs bring an XDG_CONFIG_HOME of their own
        "STANDUP_SCHEDULE__SIT": "1h",
        "STANDUP_IDLE__SOURCE": "none",
        "STANDUP_NOTIFICATIONS__BACKEND": "freedesktop",
    }
    mark_notice_seen()
    monitor = countdown.FrameLog(desk.env["DBUS_SESSION_BUS_ADDRESS"])
    monitor.start()
    try:
        countdown.check_countdowns(desk, env, monitor)
    finally:
        monitor.stop()


SERVER_NAMES = {
    "dunst": "dunst",
    "gnome-shell": "gnome-shell",
    "plasma": "Plasma",
    "xfce4-notifyd": "Xfce Notify Daemon",
    "mate": "Notification Daemon",
    "notification-daemon": "Notification Daemon",
    "mako": "mako",
    "swaync": "SwayNotificationCenter",
}


def test_the_server_is_named_as_doctor_shows_it(desk: ServerRig) -> None:
    from standup.notify import server_info

    for _ in range(3):  # asked again and again: mako's duplicate replies must not break it
        info = server_info()
        assert info is not None
        assert info["name"] == SERVER_NAMES[desk.name]
        assert "actions" in info["capabilities"]


@pytest.mark.parametrize("cls", ["MakoRig", "SwayncRig"])
def test_the_first_reminder_has_buttons_when_notify_starts_the_server(
    cls: str, monkeypatch: pytest.MonkeyPatch, answers: Answers
) -> None:
    """The usual case for mako, swaync and dunst: the server is D-Bus-activatable and not
    running yet. `auto` must count it as present, so that the first reminder has buttons."""
    from desktop_rigs import wlroots

    rig = getattr(wlroots, cls)()
    rig.activatable_only = True
    if rig.missing():
        rig_unavailable(f"{rig.name}: missing {', '.join(rig.missing())}")
    rig.start()
    try:
        for key, value in rig.env.items():
            monkeypatch.setenv(key, value)
        assert not rig.server_running()
        notifier = open_notifier("auto", answers)
        try:
            assert notifier.show(_reminder("Stand up: first of the day")) == "freedesktop"
            bubble = _one(rig, "Stand up: first of the day")
            assert _offers_buttons(bubble), bubble
            rig.press(bubble, "done")
            wait_until(lambda: answers.keys, WAIT)
            assert answers.keys == ["done"]
        finally:
            notifier.shutdown()
    finally:
        rig.stop()
