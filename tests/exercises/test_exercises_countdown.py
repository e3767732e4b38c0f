"""The countdown frames: pure, with elapsed seconds given."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from standup.exercises import Exercise, builtin_catalogue
from standup.exercises.countdown import (
    SWITCH_SECONDS,
    frame,
    progress_bar,
    terminal_line,
    total_seconds,
)


def exercise(**fields: object) -> Exercise:
    data = {
        "id": "test-hold",
        "name": "Test hold",
        "target": "hip_flexors",
        "kind": "stretch",
        "position": "standing",
        "equipment": ["none"],
        "dose": "20 s each side",
        "steps": ["Stand tall."],
        "cue": "A mild pull, never pain.",
        "hold": 20,
        "sides": 2,
    }
    data.update(fields)
    return Exercise.model_validate(data)


def test_a_two_sided_hold_counts_each_side_with_a_change_over() -> None:
    ex = exercise()
    assert total_seconds(ex) == 40 + SWITCH_SECONDS
    assert frame(ex, 0).text == "20 s left, left side"
    assert frame(ex, 0.4).text == "20 s left, left side"
    assert frame(ex, 1).text == "19 s left, left side"
    assert frame(ex, 19.5).text == "1 s left, left side"
    assert frame(ex, 20).text == f"Switch sides: the right side starts in {SWITCH_SECONDS} s"
    assert frame(ex, 20 + SWITCH_SECONDS).text == "20 s left, right side"
    assert frame(ex, 42.9).text == "1 s left, right side"
    end = frame(ex, 43)
    assert end.finished and end.percent == 100
    assert "well held" in end.text
    assert frame(ex, 500).finished


def test_a_hold_that_says_what_a_side_means_names_the_leg_first() -> None:
    ex = exercise(side="leg back")
    assert frame(ex, 0).text == "Left leg back: 20 s"
    assert frame(ex, 8).text == "Left leg back: 12 s"
    assert frame(ex, 20).text == f"Switch sides: right leg back in {SWITCH_SECONDS} s"
    assert frame(ex, 20 + SWITCH_SECONDS).text == "Right leg back: 20 s"
    assert terminal_line(frame(ex, 1), 10).endswith(" Left leg back: 19 s")
    assert "well held" in frame(ex, 43).text


def test_the_terminal_copy_without_a_side_counts_as_before() -> None:
    @dataclass(frozen=True)
    class Shown:  # what `standup now --guide` builds from the daemon's answer
        id: str = "x"
        name: str = "X"
        hold: int | None = 20
        sides: int = 2

    assert frame(Shown(), 8).text == "12 s left, left side"


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"side": "Leg back"}, "start it lower-case"),
        ({"side": "x" * 21}, "keep it under 20"),
        ({"side": "leg back", "sides": 1, "dose": "20 s"}, "names a side ('leg back') but has"),
    ],
)
def test_a_bad_side_is_refused(fields: dict[str, object], text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(text)):
        exercise(**fields)


def test_every_shipped_two_sided_hold_says_what_a_side_means() -> None:
    two_sided = [e for e in builtin_catalogue() if e.sides == 2]
    assert two_sided and all(e.side for e in two_sided)
    # The side is worded as the first step words it: "leg back" over "a long stride back".
    for e in two_sided:
        words = set(re.findall(r"[a-z]+", " ".join(e.steps).lower()))
        assert set(e.side.split()) - {"the", "held", "hanging", "up", "down", "out"} <= words | {
            "leg"
        }, (e.id, e.side)


def test_a_one_sided_hold_names_no_side_and_has_no_change_over() -> None:
    ex = exercise(sides=1, hold=30)
    assert total_seconds(ex) == 30
    assert frame(ex, 0).text == "30 s left"
    assert frame(ex, 29.9).text == "1 s left"
    assert not frame(ex, 29.9).finished
    assert frame(ex, 30).finished


def test_progress_grows_and_only_the_end_is_full() -> None:
    ex = exercise()
    percents = [frame(ex, t).percent for t in range(44)]
    assert percents == sorted(percents)
    assert percents[0] == 0 and max(percents[:-1]) < 100 and percents[-1] == 100


def test_a_clock_behind_the_start_shows_the_first_frame() -> None:
    assert frame(exercise(), -5).text == "20 s left, left side"


def test_the_title_names_the_exercise() -> None:
    assert frame(exercise(), 3).title == "Hold: Test hold"


def test_a_move_counted_in_reps_has_no_frames() -> None:
    reps = exercise(hold=None, sides=1)
    assert total_seconds(reps) == 0
    with pytest.raises(ValueError, match="reps"):
        frame(reps, 0)


def test_the_terminal_line_is_the_bar_and_the_same_text() -> None:
    assert progress_bar(0, 10) == "[..........]"
    assert progress_bar(50, 10) == "[#####.....]"
    assert progress_bar(150, 10) == "[##########]"
    current = frame(exercise(), 1)
    assert terminal_line(current, 10).endswith(" 19 s left, left side")
