"""Which exercise comes next: a weighted, persisted shuffle bag.

Theory of operation. Two promises pull against each other: the category weights should hold over
the long run, and no exercise should repeat before the others have come up. They are kept apart:

1. Choose the category by weight with smooth weighted round-robin, in two levels: first the target
   (hip flexors or hamstrings, weighted by the sum of its categories), then a kind within it. Each
   candidate earns credit equal to its weight on every pick; the richest is chosen and pays the
   total. This is deterministic and keeps every share within a pick or two of its weight, so
   shares settle after a few dozen picks; with equal target weights the targets strictly alternate.
2. Within the category, walk a shuffled bag of its exercises; when the bag is empty, reshuffle.
   Nothing in a category repeats until all of that category has come up.
3. Never the same exercise twice in a row: a fresh bag never starts with the last pick, and when a
   category's only exercise is the last pick, the next best category is taken instead (it pays
   the credit, so the weights still hold). Only a single eligible exercise can repeat.

The eligible set is passed to every pick, so a filter change takes effect at the next one: gone
ids drop out of the bags, new ones join the current bag at a random place. All randomness comes
from `random.Random(seed)` where the seed lives in the state and advances with every pick, so a
state replays the same way and `peek` (a pick on a copy) tells the truth about `next`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from standup.exercises.catalogue import Exercise
from standup.history.stored_json import decode

STATE_VERSION = 1
_SEED_BITS = 63


@dataclass
class _Bag:
    """One category's round: credit for the weighted choice, and its shuffle bag."""

    credit: float = 0.0
    queue: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)


class Rotation:
    """The persisted rotation state; `next` picks and advances, `peek` only looks."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = random.SystemRandom().getrandbits(_SEED_BITS) if seed is None else seed
        self.last: str | None = None
        self.target_credit: dict[str, float] = {}
        self.bags: dict[str, _Bag] = {}

    def next(self, eligible: Sequence[Exercise], weights: Mapping[str, float]) -> Exercise:
        """Pick the next exercise from `eligible` under the category `weights`, and advance."""
        pool, by_id = _pool(eligible, weights)
        rng = random.Random(self.seed)
        self._sync(pool, rng)
        target, category = self._choose(pool, weights)
        self._pay(target, category, pool, weights)
        bag = self.bags[category]
        if bag.queue and bag.queue[0] == self.last and len(bag.queue) > 1:
            bag.queue.append(bag.queue.pop(0))
        picked = bag.queue.pop(0)
        bag.seen.append(picked)
        self.last = picked
        self.seed = rng.getrandbits(_SEED_BITS)
        return by_id[picked]

    def peek(self, eligible: Sequence[Exercise], weights: Mapping[str, float]) -> Exercise:
        """What `next` would return with the same arguments, without changing this state."""
        return Rotation.from_json(self.to_json()).next(eligible, weights)

    def _sync(self, pool: dict[str, list[str]], rng: random.Random) -> None:
        """Bring the bags in line with the eligible set; refill empty ones."""
        self.bags = {c: self.bags.get(c, _Bag()) for c in sorted(pool)}
        targets = {_target(c) for c in pool}
        self.target_credit = {t: self.target_credit.get(t, 0.0) for t in sorted(targets)}
        for category, bag in self.bags.items():
            # Sets, not list scans: a catalogue of many thousand custom entries must stay linear.
            ids = pool[category]
            present = set(ids)
            bag.queue = [i for i in dict.fromkeys(bag.queue) if i in present]
            queued = set(bag.queue)
            bag.seen = [i for i in dict.fromkeys(bag.seen) if i in present and i not in queued]
            known = queued.union(bag.seen)
            bag.queue = _insert_at_random(bag.queue, [i for i in ids if i not in known], rng)
            if not bag.queue:
                bag.queue = ids[:]
                rng.shuffle(bag.queue)
                bag.seen = []
                if bag.queue[0] == self.last and len(bag.queue) > 1:
                    swap = rng.randrange(1, len(bag.queue))
                    bag.queue[0], bag.queue[swap] = bag.queue[swap], bag.queue[0]

    def _choose(self, pool: dict[str, list[str]], weights: Mapping[str, float]) -> tuple[str, str]:
        """The richest (target, category) after this round's credit whose pick is not a repeat."""
        target_weight = _target_weights(pool, weights)
        targets = sorted(
            target_weight, key=lambda t: (-(self.target_credit[t] + target_weight[t]), t)
        )
        options = []
        for target in targets:
            categories = [c for c in pool if _target(c) == target]
            categories.sort(key=lambda c: (-(self.bags[c].credit + weights[c]), c))
            options += [(target, c) for c in categories]
        for target, category in options:
            if self.bags[category].queue != [self.last]:
                return target, category
        return options[0]

    def _pay(
        self,
        target: str,
        category: str,
        pool: dict[str, list[str]],
        weights: Mapping[str, float],
    ) -> None:
        """Smooth weighted round-robin bookkeeping at both levels for the chosen pair."""
        target_weight = _target_weights(pool, weights)
        for t, w in target_weight.items():
            self.target_credit[t] += w
        self.target_credit[target] -= sum(target_weight.values())
        siblings = [c for c in pool if _target(c) == target]
        for c in siblings:
            self.bags[c].credit += weights[c]
        self.bags[category].credit -= sum(weights[c] for c in siblings)

    def to_json(self) -> str:
        """The state as a compact JSON string, for the store."""
        data = {
            "version": STATE_VERSION,
            "seed": self.seed,
            "last": self.last,
            "targets": self.target_credit,
            "categories": {
                c: {"credit": b.credit, "queue": b.queue, "seen": b.seen}
                for c, b in self.bags.items()
            },
        }
        return json.dumps(data, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Rotation:
        """Rebuild a state. Ids or categories that no longer exist are dropped at the next pick.

        Raises ValueError when the text is not a rotation state at all: not bounded JSON
        (history/stored_json.py), another version, or a field of the wrong type.
        """
        try:
            data = _object(decode(text))
            if data.get("version") != STATE_VERSION:
                raise ValueError("not a version 1 rotation state")
            seed = data.get("seed")
            if not isinstance(seed, int) or isinstance(seed, bool):
                raise ValueError(f"the seed is {type(seed).__name__}, not a whole number")
            rotation = cls(seed=seed)
            last = data.get("last")
            rotation.last = last if isinstance(last, str) else None
            rotation.target_credit = {
                t: _credit(c) for t, c in _object(data.get("targets", {})).items()
            }
            rotation.bags = {
                c: _bag(_object(b)) for c, b in _object(data.get("categories", {})).items()
            }
        except ValueError as exc:
            raise ValueError(f"unreadable rotation state: {exc}") from exc
        return rotation


def load_rotation(text: str | None) -> Rotation | None:
    """The stored rotation, or None when there is none or it cannot be read."""
    if not text:
        return None
    try:
        return Rotation.from_json(text)
    except ValueError:
        return None


def _object(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"expected an object, not {type(value).__name__}")
    return value


def _credit(value: object) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ValueError(f"a credit is {type(value).__name__}, not a number")
    return float(value)  # finite: stored_json refuses infinities


def _ids(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
        raise ValueError("a queue is not a list of ids")
    return value


def _bag(data: dict[str, Any]) -> _Bag:
    return _Bag(
        credit=_credit(data.get("credit", 0.0)),
        queue=_ids(data.get("queue", [])),
        seen=_ids(data.get("seen", [])),
    )


def _insert_at_random(queue: list[str], new: list[str], rng: random.Random) -> list[str]:
    """`queue` with `new` at random places, in linear time: each arrangement that keeps the
    queue's order is equally likely, as if each new id were inserted at a random index."""
    if not new:
        return queue
    size = len(queue) + len(new)
    slots = set(rng.sample(range(size), len(new)))
    rng.shuffle(new)
    fresh, old = iter(new), iter(queue)
    return [next(fresh) if index in slots else next(old) for index in range(size)]


def _target(category: str) -> str:
    return category.partition(".")[0]


def _pool(
    eligible: Sequence[Exercise], weights: Mapping[str, float]
) -> tuple[dict[str, list[str]], dict[str, Exercise]]:
    """Eligible ids grouped by category, keeping only categories with a positive weight, and
    the exercises by id. One pass, each property read once: this runs on every pick."""
    pool: dict[str, list[str]] = {}
    by_id: dict[str, Exercise] = {}
    for exercise in eligible:
        exercise_id, category = exercise.id, exercise.category
        if exercise_id not in by_id and weights.get(category, 0.0) > 0:
            pool.setdefault(category, []).append(exercise_id)
            by_id[exercise_id] = exercise
    if not pool:
        raise ValueError("no eligible exercise in a category with a positive weight")
    return pool, by_id


def _target_weights(pool: Mapping[str, Any], weights: Mapping[str, float]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for category in pool:
        totals[_target(category)] = totals.get(_target(category), 0.0) + weights[category]
    return totals
