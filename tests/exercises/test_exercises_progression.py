"""Progressions: answers move later picks along the links, through eligible entries only."""

from __future__ import annotations

import pytest

from hostile_json import GOOD, HOSTILE, KINDS
from standup.exercises import Exercise
from standup.exercises.progression import (
    MAX_STEPS,
    Progression,
    by_id,
    load_progression,
    read_progression,
    walk,
)


def exercise(exercise_id: str, easier: str | None = None, harder: str | None = None) -> Exercise:
    return Exercise.model_validate(
        {
            "id": exercise_id,
            "name": exercise_id.title(),
            "target": "hamstrings",
            "kind": "strength",
            "position": "standing",
            "equipment": ["none"],
            "dose": "2 x 10 reps",
            "steps": ["Do it."],
            "cue": "Slowly.",
            "easier": easier,
            "harder": harder,
        }
    )


# a -> b -> c -> d, easiest to hardest
A = exercise("a", harder="b")
B = exercise("b", easier="a", harder="c")
C = exercise("c", easier="b", harder="d")
D = exercise("d", easier="c")
ALL = by_id([A, B, C, D])


def test_too_easy_moves_the_next_pick_one_step_harder_and_again() -> None:
    progression = Progression()
    assert progression.substitute(A, ALL) is A
    assert progression.rate(A, "too_easy", ALL)
    assert progression.substitute(A, ALL) is B
    assert progression.rate(A, "too_easy", ALL)
    assert progression.substitute(A, ALL) is C
    assert progression.rate(A, "too_hard", ALL)
    assert progression.substitute(A, ALL) is B
    # Other bases are untouched.
    assert progression.substitute(C, ALL) is C


def test_too_hard_walks_down_and_back_up_through_the_base() -> None:
    progression = Progression()
    progression.rate(C, "too_hard", ALL)
    progression.rate(C, "too_hard", ALL)
    assert progression.substitute(C, ALL) is A
    progression.rate(C, "too_easy", ALL)
    progression.rate(C, "too_easy", ALL)
    assert progression.substitute(C, ALL) is C
    assert progression.steps == {}


def test_the_end_of_a_progression_stops_the_walk_and_builds_no_debt() -> None:
    progression = Progression()
    for _ in range(6):
        progression.rate(B, "too_easy", ALL)
    assert progression.substitute(B, ALL) is D
    assert progression.steps == {"b": 2}
    assert not progression.rate(B, "too_easy", ALL)  # nothing harder: nothing moves
    progression.rate(B, "too_hard", ALL)
    assert progression.substitute(B, ALL) is C  # one answer back, not five


def test_an_ineligible_entry_stops_the_walk_at_the_last_eligible_one() -> None:
    progression = Progression({"a": 3})
    without_c = by_id([A, B, D])
    assert progression.substitute(A, without_c) is B  # d is eligible but lies beyond c
    assert progression.substitute(A, ALL) is D  # the filter lifted: the stored steps hold
    # An answer under the filter moves from where the walk got to.
    progression.rate(A, "too_hard", without_c)
    assert progression.substitute(A, ALL) is A


def test_unknown_links_and_loops_end_the_walk() -> None:
    lost = exercise("lost", harder="nowhere")
    assert walk(lost, 2, by_id([lost])) == (lost, 0)
    x = exercise("x", harder="y")
    y = exercise("y", harder="x")
    assert walk(x, 5, by_id([x, y])) == (y, 1)


def test_can_move_tells_whether_a_neighbour_is_eligible() -> None:
    progression = Progression()
    assert progression.can_move(A, "too_easy", ALL)
    assert not progression.can_move(A, "too_hard", ALL)
    assert not progression.can_move(D, "too_easy", ALL)
    assert not progression.can_move(A, "too_easy", by_id([A]))


def test_the_state_survives_json_and_bad_values_are_dropped() -> None:
    progression = Progression({"a": 2, "c": -1})
    again = load_progression(progression.to_json())
    assert again.steps == {"a": 2, "c": -1}
    assert again.substitute(A, ALL) is C
    bad = (
        '{"version": 1, "steps": {"a": 1, "b": "2", "c": true, "d": 1.5, "e": 0, '
        f'"f": {MAX_STEPS + 1}, "g": null}}}}'
    )
    assert load_progression(bad).steps == {"a": 1}


def test_unreadable_state_is_an_empty_progression() -> None:
    for text in (None, "", "not json", "[1, 2]", '{"version": 2, "steps": {"a": 1}}',
                 '{"version": 1, "steps": [1]}', '{"version": 1}'):  # fmt: skip
        assert load_progression(text).steps == {}


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_stored_progression_is_refused_as_a_value_error(kind: str) -> None:
    """Deep nesting, numbers out of range, wrong types, truncated text: ValueError (which the
    daemon sets aside), never RecursionError; the loader gives an empty progression."""
    text = HOSTILE["progression"][kind]
    with pytest.raises(ValueError):
        read_progression(text)
    assert load_progression(text).steps == {}


def test_the_good_fixture_is_a_progression() -> None:
    assert read_progression(GOOD["progression"]).steps == {"leg-swings": 1}
