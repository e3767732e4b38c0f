"""What every idle source returns, the error it raises, and the two sources that need no I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol


class IdleError(Exception):
    """An idle source cannot be opened, or stopped answering."""


def summarize(failures: list[tuple[str, str]]) -> str:
    """ "label: why; label: why", said once when every attempt failed for the same reason
    (no bus at all fails each object path the same way)."""
    reasons = {why for _label, why in failures}
    if len(reasons) == 1:
        return reasons.pop()
    return "; ".join(f"{label}: {why}" for label, why in failures)


@dataclass(frozen=True)
class IdleSample:
    """One reading: input idle time, and what the source knows about lock and idle inhibition."""

    idle_seconds: float  # seconds since the last keyboard/mouse input
    locked: bool | None = None  # None: this source cannot tell
    inhibited: bool | None = None  # idle inhibited (video playing etc.); None: cannot tell


class IdleSource(Protocol):
    name: str

    def sample(self) -> IdleSample:
        """The current reading; raises IdleError when the source stopped answering."""
        ...

    def watch(self, on_change: Callable[[], None], idle_after: float) -> bool:
        """Ask to be called when the user has been idle `idle_after` seconds and when they come
        back; False when unsupported. A source that cannot set a threshold ignores it."""
        ...

    def close(self) -> None: ...


class NoneSource:
    """Always active: the user is taken to sit as long as the daemon runs."""

    name = "none"

    def sample(self) -> IdleSample:
        return IdleSample(0.0)

    def watch(self, on_change: Callable[[], None], idle_after: float) -> bool:
        return False

    def close(self) -> None:
        pass


class CombinedSource:
    """Idle time from `primary`; lock and inhibition from `helper` where primary cannot tell.

    The helper is best effort: when it fails the primary's reading is returned unchanged, so a
    dead system bus never turns into an IdleError.
    """

    def __init__(self, primary: IdleSource, helper: IdleSource) -> None:
        self.primary = primary
        self.helper = helper
        self.name = primary.name

    def sample(self) -> IdleSample:
        sample = self.primary.sample()
        if sample.locked is not None and sample.inhibited is not None:
            return sample
        try:
            extra = self.helper.sample()
        except IdleError:
            return sample
        return merge_samples(sample, extra)

    def watch(self, on_change: Callable[[], None], idle_after: float) -> bool:
        return self.primary.watch(on_change, idle_after)

    def close(self) -> None:
        try:
            self.primary.close()
        finally:
            self.helper.close()


def merge_samples(primary: IdleSample, extra: IdleSample) -> IdleSample:
    """`primary` with its unknown lock/inhibition taken from `extra`; idle time stays primary's."""
    return replace(
        primary,
        locked=primary.locked if primary.locked is not None else extra.locked,
        inhibited=primary.inhibited if primary.inhibited is not None else extra.inhibited,
    )
