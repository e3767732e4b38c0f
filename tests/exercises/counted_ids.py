"""Ids that count the work done with them: complexity tests count operations, not seconds."""

from __future__ import annotations

from standup.exercises import Exercise


class CountedId(str):
    """An id that counts the comparisons and hashes made with it, and gives up past a budget:
    a quadratic pick over 20,000 ids fails fast instead of running for minutes."""

    ops = 0
    budget = 0

    @classmethod
    def reset(cls, budget: int) -> None:
        cls.ops, cls.budget = 0, budget

    def _count(self) -> None:
        CountedId.ops += 1
        if CountedId.ops > CountedId.budget:
            raise OverflowError("operation budget exceeded: the pick is not O(n log n)")

    def __eq__(self, other: object) -> bool:
        self._count()
        return str.__eq__(self, other)

    def __hash__(self) -> int:
        self._count()
        return str.__hash__(self)


def counted_pool(n: int) -> list[Exercise]:
    """`n` custom entries spread over the six categories, built without validation (which
    would turn the ids back into plain strings)."""
    targets, kinds = ("hip_flexors", "hamstrings"), ("stretch", "strength", "mobility")
    return [
        Exercise.model_construct(
            id=CountedId(f"custom-{i}"),
            name=f"Custom {i}",
            target=targets[i % 2],
            kind=kinds[i % 3],
            position="standing",
            equipment=("none",),
            dose="30 s",
            steps=("Stand up.",),
            cue="Only as far as is comfortable.",
        )
        for i in range(n)
    ]
