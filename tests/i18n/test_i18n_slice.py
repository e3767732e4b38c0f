"""The first slice speaks the user's language: bubbles, countdown, tray, `status`.

A pseudo-language ("xx") alters every message of the template, so a text on screen without
its mark was never asked of gettext; German shows the real catalogue at work.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from standup.cli import client as cli_client
from standup.cli.client import describe_status, waybar
from standup.config.settings import Settings
from standup.core import Notify
from standup.daemon.reminders import build_frame, build_notice, build_reminder
from standup.daemon.snapshot import status_line
from standup.exercises import builtin_catalogue
from standup.exercises.countdown import frame, total_seconds
from standup.tray.view import build

import pokit
from pokit import po

T0 = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
OPEN, CLOSE = pokit.OPEN, pokit.CLOSE


def _mark(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}" if text else text


@pytest.fixture
def pseudo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every message and exercise text between OPEN and CLOSE, placeholders kept: "xx"."""
    pokit.pseudo_tree(tmp_path)
    monkeypatch.setenv("STANDUP_LOCALEDIR", str(tmp_path))
    monkeypatch.setenv("LANGUAGE", "xx")


def _status(state: str, **more: Any) -> dict[str, Any]:
    sitting = state in ("sitting", "snoozed", "reminding")
    return {
        "state": state,
        "now": (T0 + timedelta(minutes=32)).isoformat(),
        "sitting_since": T0.isoformat() if sitting else None,
        "sitting_seconds": 32 * 60 if sitting else None,
        "interval_seconds": 3000,
        "next_reminder_at": (T0 + timedelta(minutes=50)).isoformat() if sitting else None,
        "paused_until": None,
        "active_again_at": None,
        "away_since": None,
        "exercise": None,
        "snoozes_used": 0,
        "snoozes_left": 3,
        **more,
    }


STATES = [
    _status("sitting"),
    _status("snoozed", snoozes_used=1),
    _status("snoozed"),
    _status("reminding", exercise={"id": "leg-swings", "name": "Leg swings"}),
    _status("reminding", exercise={"id": "mine", "name": "My own move"}),
    _status("sitting", held_because=["presenting"]),
    _status("paused", paused_until=(T0 + timedelta(hours=1)).isoformat()),
    _status("paused", paused_until=(T0 + timedelta(days=2)).isoformat()),
    _status("paused"),
    _status("away", away_since=T0.isoformat()),
    _status("off_hours", active_again_at=(T0 + timedelta(hours=3)).isoformat()),
    _status("off_hours", active_again_at=(T0 + timedelta(days=3)).isoformat()),
    _status("off_hours"),
]


@pytest.mark.parametrize("exercise", builtin_catalogue(), ids=lambda e: e.id)
def test_every_bubble_text_is_asked_of_gettext(pseudo: None, exercise: Any) -> None:
    effect = Notify(new=True, can_snooze=True, critical=False)
    extras = ("start", "too_easy", "too_hard")
    reminder = build_reminder(exercise, effect, Settings(), extras=extras)
    assert reminder.title == _mark(exercise.name)
    for line in reminder.body.splitlines():  # each field, and each of the other steps
        assert line.startswith(OPEN) and line.rstrip(".").endswith(CLOSE), line
    assert all(label.startswith(OPEN) for _key, label in reminder.actions)
    if exercise.hold is None:
        return
    for second in range(total_seconds(exercise) + 1):
        shown = build_frame(frame(exercise, second), Settings())
        assert shown.title.startswith(OPEN) and shown.body.startswith(OPEN), shown
        assert all(label.startswith(OPEN) for _key, label in shown.actions)


def test_the_safety_notice_is_asked_of_gettext(pseudo: None) -> None:
    notice = build_notice()
    assert notice.title.startswith(OPEN)
    assert all(line.startswith(OPEN) for line in notice.body.splitlines())


@pytest.mark.parametrize("status", STATES, ids=lambda s: s["state"])
def test_status_tray_and_bar_texts_are_asked_of_gettext(pseudo: None, status: dict) -> None:
    assert describe_status(status).startswith(OPEN)
    bar = waybar(status)
    assert bar["text"].startswith(OPEN) and bar["class"] == status["state"]
    view = build(status, label=True, snooze=timedelta(minutes=10), breaks_today=2)
    assert view.tooltip.startswith(OPEN)
    assert view.label in ("", _mark("{minutes}m").format(minutes=18))
    assert all(e.label.startswith(OPEN) for e in view.menu if not e.separator)
    assert status_line(status).startswith(OPEN)


def test_a_custom_exercise_keeps_its_own_words(pseudo: None) -> None:
    status = _status("reminding", exercise={"id": "mine", "name": "My own move"})
    assert _mark("My own move") not in describe_status(status)
    assert "My own move" in describe_status(status)


def test_german_speaks_in_the_bubble_the_countdown_and_the_tray(
    speak: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    speak("de")
    monkeypatch.setattr(cli_client, "to_local", lambda moment: moment.astimezone(UTC))
    catalogue = {e.id: e for e in builtin_catalogue()}
    effect = Notify(new=True, can_snooze=True, critical=False)
    reminder = build_reminder(catalogue["leg-swings"], effect, Settings())
    assert reminder.title == "Beinpendeln"
    assert reminder.body.splitlines()[:2] == [
        "Seitlich zum Tisch; ein Bein pendeln.",
        "10-mal je Seite.",
    ]
    assert [label for _key, label in reminder.actions] == [
        "Erledigt", "Später (10 min)", "Überspringen"
    ]  # fmt: skip
    lunge = catalogue["split-stance-hip-flexor-stretch"]
    assert frame(lunge, 18).text == "Links (Bein hinten): 12 s"
    assert frame(lunge, 31).text == "Seitenwechsel: rechts (Bein hinten) in 2 s"
    view = build(STATES[0], label=True, snooze=timedelta(minutes=10), breaks_today=1)
    assert view.menu[-1].label == "Heute 1 Pause"
    assert view.tooltip == "Seit 32 min im Sitzen; nächste Erinnerung um 14:50"
    assert describe_status(STATES[0]) == (
        "Sie sitzen seit 32 min; nächste Erinnerung um 14:50 (in 18 min)."
    )
    assert (
        build(STATES[0], label=True, snooze=timedelta(minutes=10), breaks_today=3).menu[-1].label
        == "Heute 3 Pausen"
    )


_XGETTEXT = shutil.which("xgettext")


@pytest.mark.skipif(_XGETTEXT is None and not os.environ.get("CI"), reason="needs xgettext")
def test_gnu_xgettext_finds_the_same_messages_in_the_code(tmp_path: Path) -> None:
    """Our extractor against GNU's, with the same keywords."""
    keywords = ["-k_", "-kN_", "-kngettext:1,2", "-kpgettext:1c,2", "-knpgettext:1c,2,3"]
    sources = sorted(str(p) for p in (pokit.ROOT / "src" / "standup").rglob("*.py"))
    out = tmp_path / "gnu.pot"
    subprocess.run(
        ["xgettext", "--language=Python", "--from-code=UTF-8", *keywords, "-o", str(out), *sources],
        check=True,
    )
    gnu = {e.key for e in po.read_po(out.read_text("utf-8")) if e.msgid}
    ours = {e.key for e in po.extract_code(pokit.ROOT, pokit.ROOT / "src" / "standup")}
    assert ours == gnu
