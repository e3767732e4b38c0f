"""The rotation: weighted category shares, shuffle-bag rules, persistence and peeking."""

from __future__ import annotations

import itertools
import json
from collections import Counter

import pytest
from counted_ids import CountedId, counted_pool
from hypothesis import given, settings, strategies as st

from hostile_json import GOOD, HOSTILE, KINDS
from standup.exercises import (
    CATEGORIES,
    EQUIPMENT,
    FOCUS_WEIGHTS,
    POSITIONS,
    Exercise,
    ExerciseOptions,
    Rotation,
    builtin_catalogue,
    eligible,
    load_rotation,
    pick,
)

EVERYTHING = {"positions": list(POSITIONS), "equipment": list(EQUIPMENT)}


def run(rotation: Rotation, pool: list[Exercise], weights: dict[str, float], n: int) -> list[str]:
    return [rotation.next(pool, weights).id for _ in range(n)]


def positive(pool: list[Exercise], weights: dict[str, float]) -> list[Exercise]:
    return [e for e in pool if weights.get(e.category, 0) > 0]


def expected_shares(pool: list[Exercise], weights: dict[str, float]) -> dict[str, float]:
    present = {e.category for e in positive(pool, weights)}
    total = sum(weights[c] for c in present)
    return {c: weights[c] / total for c in present}


@pytest.mark.parametrize("focus", sorted(FOCUS_WEIGHTS))
@pytest.mark.parametrize("filters", [{}, EVERYTHING], ids=["desk", "everything"])
def test_category_shares_follow_the_weights_over_ten_thousand_picks(
    focus: str, filters: dict[str, list[str]]
) -> None:
    options = ExerciseOptions.model_validate({"focus": focus, **filters})
    pool, weights = eligible(options), options.category_weights()
    picks = run(Rotation(seed=7), pool, weights, 10_000)
    by_id = {e.id: e for e in pool}
    counts = Counter(by_id[i].category for i in picks)
    for category, share in expected_shares(pool, weights).items():
        assert abs(counts[category] / 10_000 - share) < 0.02, category
    assert all(a != b for a, b in itertools.pairwise(picks))


def test_balanced_focus_alternates_hip_flexors_and_hamstrings() -> None:
    options = ExerciseOptions(focus="balanced")
    rotation = Rotation(seed=3)
    picks = [pick(rotation, options) for _ in range(40)]
    targets = [p.target for p in picks]
    assert all(a != b for a, b in itertools.pairwise(targets))


def test_shares_settle_quickly() -> None:
    options = ExerciseOptions.model_validate({"focus": "anterior-tilt", **EVERYTHING})
    pool, weights = eligible(options), options.category_weights()
    picks = run(Rotation(seed=1), pool, weights, 100)
    by_id = {e.id: e for e in pool}
    counts = Counter(by_id[i].category for i in picks)
    for category, share in expected_shares(pool, weights).items():
        assert abs(counts[category] / 100 - share) <= 0.02, category


pools = st.lists(st.sampled_from(builtin_catalogue()), min_size=1, unique_by=lambda e: e.id)
weight_tables = st.one_of(
    st.sampled_from(list(FOCUS_WEIGHTS.values())),
    st.fixed_dictionaries({c: st.sampled_from([0, 0.05, 0.3, 1, 5]) for c in CATEGORIES}),
)


@settings(max_examples=200, deadline=None)
@given(pool=pools, weights=weight_tables, seed=st.integers(0, 2**63 - 1))
def test_no_repeat_within_a_category_round_and_never_twice_in_a_row(
    pool: list[Exercise], weights: dict[str, float], seed: int
) -> None:
    usable = positive(pool, weights)
    if not usable:
        with pytest.raises(ValueError, match="positive weight"):
            Rotation(seed=seed).next(pool, weights)
        return
    picks = run(Rotation(seed=seed), pool, weights, 3 * len(usable) + 5)
    assert set(picks) <= {e.id for e in usable}
    if len(usable) > 1:
        assert all(a != b for a, b in itertools.pairwise(picks))
    for category in {e.category for e in usable}:
        members = {e.id for e in usable if e.category == category}
        seq = [p for p in picks if p in members]
        for start in range(0, len(seq), len(members)):
            chunk = seq[start : start + len(members)]
            assert len(set(chunk)) == len(chunk), (category, seq)


@settings(max_examples=100, deadline=None)
@given(pool=pools, seed=st.integers(0, 2**63 - 1), before=st.integers(0, 30))
def test_peek_tells_the_truth_and_changes_nothing(
    pool: list[Exercise], seed: int, before: int
) -> None:
    weights = {c: 1.0 for c in CATEGORIES}
    rotation = Rotation(seed=seed)
    run(rotation, pool, weights, before)
    state = rotation.to_json()
    peeked = [rotation.peek(pool, weights) for _ in range(3)]
    assert rotation.to_json() == state
    assert peeked[0] == peeked[1] == peeked[2] == rotation.next(pool, weights)


@settings(max_examples=50, deadline=None)
@given(pool=pools, seed=st.integers(0, 2**63 - 1), before=st.integers(0, 30))
def test_json_round_trip_replays_the_same_sequence(
    pool: list[Exercise], seed: int, before: int
) -> None:
    weights = FOCUS_WEIGHTS["posterior-tilt"] | {"hip_flexors.stretch": 0.1}
    rotation = Rotation(seed=seed)
    run(rotation, pool, weights, before)
    copy = Rotation.from_json(rotation.to_json())
    assert copy.to_json() == rotation.to_json()
    assert run(copy, pool, weights, 20) == run(rotation, pool, weights, 20)


def test_state_is_small_plain_json() -> None:
    options = ExerciseOptions()
    rotation = Rotation(seed=5)
    pick(rotation, options)
    data = json.loads(rotation.to_json())
    assert data["version"] == 1
    assert isinstance(data["seed"], int)
    assert data["last"] in {e.id for e in eligible(options)}
    assert len(rotation.to_json()) < 2_000


def test_a_filter_change_takes_effect_at_the_next_pick() -> None:
    options = ExerciseOptions()
    rotation = Rotation(seed=11)
    first = pick(rotation, options)
    narrowed = ExerciseOptions(exclude=[first.id, pick(rotation, options, advance=False).id])
    upcoming = pick(rotation, narrowed, advance=False)
    assert upcoming.id not in narrowed.exclude
    assert pick(rotation, narrowed) == upcoming
    for _ in range(50):
        assert pick(rotation, narrowed).id not in narrowed.exclude
    widened = ExerciseOptions(
        include_only=["glute-bridge", "leg-swings"], positions=["floor", "standing"]
    )
    assert {pick(rotation, widened).id for _ in range(4)} == {"glute-bridge", "leg-swings"}


def test_an_exercise_added_mid_round_joins_the_current_round() -> None:
    pool = [e for e in builtin_catalogue() if e.category == "hamstrings.strength"]
    weights = {"hamstrings.strength": 1.0}
    rotation = Rotation(seed=2)
    first = run(rotation, pool[:3], weights, 2)
    rest = run(rotation, pool, weights, len(pool) - 2)
    assert sorted(first + rest) == sorted(e.id for e in pool)


def test_a_category_with_one_exercise_gives_way_rather_than_repeat() -> None:
    by_id = {e.id: e for e in builtin_catalogue()}
    pool = [by_id["leg-swings"], by_id["couch-stretch"], by_id["glute-bridge"]]
    weights = {"hamstrings.mobility": 10.0, "hip_flexors.stretch": 1.0, "hamstrings.strength": 1}
    picks = run(Rotation(seed=0), pool, weights, 30)
    assert all(a != b for a, b in itertools.pairwise(picks))
    assert picks.count("leg-swings") == 15


def test_a_single_eligible_exercise_repeats() -> None:
    pool = [builtin_catalogue()[0]]
    assert run(Rotation(seed=0), pool, {pool[0].category: 1.0}, 3) == [pool[0].id] * 3


def test_stale_state_is_tolerated() -> None:
    options = ExerciseOptions()
    stale = {
        "version": 1,
        "seed": 42,
        "last": "retired-exercise",
        "targets": {"hip_flexors": 0.7, "calves": 3},
        "categories": {
            "hip_flexors.stretch": {
                "credit": 0.2,
                "queue": ["retired", "couch-stretch"],
                "seen": [],
            },
            "calves.stretch": {"credit": 1, "queue": ["calf-raise"], "seen": []},
        },
    }
    rotation = Rotation.from_json(json.dumps(stale))
    picks = [pick(rotation, options) for _ in range(30)]
    assert {p.id for p in picks} <= {e.id for e in eligible(options)}
    assert "calves.stretch" not in rotation.to_json()


@pytest.mark.parametrize("text", ["", None, "{", "[]", '{"version": 9}', '{"version": 1}'])
def test_unreadable_state_loads_as_none(text: str | None) -> None:
    assert load_rotation(text) is None


def test_from_json_rejects_what_is_not_a_state() -> None:
    with pytest.raises(ValueError, match="rotation state"):
        Rotation.from_json('{"version": 1, "seed": "x"}')


def test_a_fresh_rotation_gets_a_random_seed_and_keeps_it() -> None:
    assert Rotation().seed != Rotation().seed
    assert Rotation.from_json(Rotation(seed=9).to_json()).seed == 9


def _pick_ops(n: int) -> int:
    """Id operations for a pick sequence: a fresh rotation, a filter that widens mid-round
    (new ids join the bags), later picks, and a peek."""
    pool = counted_pool(n)
    weights = FOCUS_WEIGHTS["balanced"]
    CountedId.reset(budget=200 * n)  # linear is about 30 per entry
    rotation = Rotation(seed=4)
    rotation.next(pool[: n // 2], weights)
    for _ in range(3):
        rotation.next(pool, weights)
    rotation.peek(pool, weights)
    return CountedId.ops


def test_a_pick_among_twenty_thousand_entries_is_not_quadratic() -> None:
    small, large = _pick_ops(5_000), _pick_ops(20_000)
    # Four times the entries: about four times the work when linear, sixteen when quadratic.
    assert large / small < 6, (small, large)


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_stored_rotation_is_refused_as_a_value_error(kind: str) -> None:
    """Deep nesting, numbers out of range, wrong types, truncated text: ValueError (which the
    daemon sets aside), never RecursionError or OverflowError; the loader gives None."""
    text = HOSTILE["rotation"][kind]
    with pytest.raises(ValueError, match="unreadable rotation state"):
        Rotation.from_json(text)
    assert load_rotation(text) is None


def test_the_good_fixture_is_a_rotation() -> None:
    rotation = Rotation.from_json(GOOD["rotation"])
    assert (rotation.seed, rotation.last) == (42, "couch-stretch")
    assert rotation.bags["hamstrings.mobility"].queue == ["leg-swings"]
