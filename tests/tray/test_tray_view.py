"""What the tray shows for each state, with no bus: icon, status, words, label and menu."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from standup.tray import protocol
from standup.tray.view import IDS, PAUSE_30, build, next_minute, spoken

T0 = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
SNOOZE = timedelta(minutes=10)


def _status(state: str, sat_minutes: float = 0, **more: Any) -> dict[str, Any]:
    sitting = state in ("sitting", "snoozed", "reminding")
    now = T0 + timedelta(minutes=sat_minutes)
    return {
        "state": state,
        "now": now.isoformat(),
        "sitting_since": T0.isoformat() if sitting else None,
        "sitting_seconds": int(sat_minutes * 60) if sitting else None,
        "next_reminder_at": (T0 + timedelta(minutes=50)).isoformat() if sitting else None,
        "paused_until": None,
        "active_again_at": None,
        "away_since": None,
        "exercise": None,
        "snoozes_used": 0,
        **more,
    }


def _labels(status: dict[str, Any], refused: frozenset[str] = frozenset()) -> list[str]:
    view = build(status, label=True, snooze=SNOOZE, breaks_today=2, refused=refused)
    return [e.label for e in view.menu]


def test_sitting() -> None:
    view = build(_status("sitting", 32.5), label=True, snooze=SNOOZE, breaks_today=2)
    assert (view.look, view.status) == ("sitting", "Active")
    assert view.step == 5  # 32 of 50 minutes: five eighths
    assert view.tooltip == "Sitting 32 min; next reminder at 14:50"
    # The accessible description leaves out the minutes: hosts re-read it with the icon only.
    assert view.spoken == "standup: next reminder at 14:50"
    assert view.label == "18m"
    assert _labels(_status("sitting", 32)) == [
        "Exercise now", "-", "Pause 30 min", "Pause 1 hour", "Pause until tomorrow",
        "-", "2 breaks today",
    ]  # fmt: skip


def test_the_label_can_be_switched_off() -> None:
    view = build(_status("sitting", 10), label=False, snooze=SNOOZE, breaks_today=0)
    assert view.label == ""


def test_reminding_asks_for_attention_and_offers_the_answers() -> None:
    exercise = {"name": "Hip-flexor stretch"}
    status = _status("reminding", 50, exercise=exercise)
    view = build(status, label=True, snooze=SNOOZE, breaks_today=0)
    assert (view.look, view.status, view.step) == ("reminding", "NeedsAttention", 8)
    assert view.tooltip == "Time to stand up: Hip-flexor stretch"
    assert _labels(status)[:4] == ["Done", "Snooze 10 min", "Skip", "-"]


def test_snoozed_after_a_reminder_still_offers_the_answers() -> None:
    status = _status(
        "snoozed", 55, snoozes_used=1, next_reminder_at=(T0 + timedelta(minutes=60)).isoformat()
    )
    view = build(status, label=True, snooze=SNOOZE, breaks_today=0)
    assert view.look == "snoozed"
    assert view.tooltip == "Sitting 55 min; snoozed until 15:00"
    assert _labels(status)[:3] == ["Done", "Snooze 10 min", "Skip"]


@pytest.mark.parametrize(
    ("state", "extra", "words", "kind"),
    [
        ("paused", {"paused_until": "2026-12-07T15:30:00+00:00"}, "Paused until 15:30", "Active"),
        (
            "away",
            {"away_since": "2026-12-07T13:40:00+00:00"},
            "Away from the desk since 13:40",
            "Passive",
        ),
        (
            "off_hours",
            {"active_again_at": "2026-12-08T09:00:00+00:00"},
            "Outside working hours until 09:00",
            "Passive",
        ),
    ],
)
def test_resting_states_are_quiet(state: str, extra: dict[str, Any], words: str, kind: str) -> None:
    """Passive lets a host hide the item (Xfce does); paused stays shown, for its Resume."""
    status = _status(state, **extra)
    view = build(status, label=True, snooze=SNOOZE, breaks_today=0)
    assert (view.look, view.status, view.step, view.label) == (state, kind, 0, "")
    assert view.tooltip == view.spoken == words
    words = "Time to stand up: Lunge; then rest"
    assert spoken(words, "reminding") == words
    assert next_minute(state, T0, T0) is None  # nothing moves: no wake-up planned


def test_paused_offers_resume_instead_of_pauses() -> None:
    labels = _labels(_status("paused"))
    assert "Resume" in labels
    assert not any(label.startswith("Pause") for label in labels)


def test_refused_entries_are_greyed_out_not_dropped() -> None:
    view = build(
        _status("sitting"), label=True, snooze=SNOOZE, breaks_today=1, refused=frozenset({PAUSE_30})
    )
    entries = {e.label: e.enabled for e in view.menu}
    assert entries["Pause 30 min"] is False
    assert entries["Pause 1 hour"] is True
    assert entries["1 break today"] is False  # a line to read


def test_minutes_move_on_the_stretch_grid_always_ahead() -> None:
    since = T0 + timedelta(microseconds=889_000)  # the status cuts this to whole seconds
    assert next_minute("sitting", since, since + timedelta(minutes=32.5)) == since + timedelta(
        minutes=33
    )
    # Run at (or a hair past) the change: the next one is a minute on, never the same instant,
    # so the job cannot run again at once.
    at = since + timedelta(minutes=33)
    assert next_minute("snoozed", since, at) == since + timedelta(minutes=34)
    assert next_minute("sitting", since, at - timedelta(microseconds=1)) == at


def test_layout_and_clicks() -> None:
    view = build(
        _status("sitting"), label=True, snooze=SNOOZE, breaks_today=0, refused=frozenset({PAUSE_30})
    )
    root, props, children = protocol.layout(view, 0, -1, [])
    assert (root, props) == (0, {"children-display": ("s", "submenu")})
    assert [c[0] for c in children] == ["(ia{sv}av)"] * len(view.menu)
    separators = [c[1][1] for c in children if c[1][1].get("type") == ("s", "separator")]
    assert len(separators) == 2
    assert protocol._clicked(view, IDS["now"], "clicked") == "now"
    assert protocol._clicked(view, IDS[PAUSE_30], "clicked") is None  # greyed out
    assert protocol._clicked(view, IDS["now"], "hovered") is None
    assert protocol._clicked(view, IDS["done"], "clicked") is None  # not in this menu


def test_introspection_names_every_property_the_item_serves() -> None:
    view = build(_status("sitting"), label=True, snooze=SNOOZE, breaks_today=0)
    assert set(protocol.item_properties(view)) == set(protocol._ITEM_PROPS)
    sigs = {name: sig for name, (sig, _) in protocol.item_properties(view).items()}
    assert sigs == protocol._ITEM_PROPS
