"""`auto`: which source is tried first on which desktop, and what the reason says."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from standup.idle import (
    CombinedSource,
    Environment,
    IdleError,
    IdleSample,
    NoneSource,
    candidates,
    open_idle_source,
)

ACTIVE = IdleSample(0.0)


class Fake:
    def __init__(self, name: str, sample: IdleSample | Exception = ACTIVE) -> None:
        self.name = name
        self._sample = sample
        self.closed = False

    def sample(self) -> IdleSample:
        if isinstance(self._sample, Exception):
            raise self._sample
        return self._sample

    def watch(self, on_change: Callable[[], None], idle_after: float) -> bool:
        return self.name == "mutter"

    def close(self) -> None:
        self.closed = True


def _openers(answering: set[str]) -> dict[str, Callable[[Environment], tuple[Fake, str]]]:
    def opener(name: str) -> Callable[[Environment], tuple[Fake, str]]:
        def open_(env: Environment) -> tuple[Fake, str]:
            if name != "none" and name not in answering:
                raise IdleError(f"{name} does not answer")
            return Fake(name), f"{name} answers"

        return open_

    names = ("mutter", "screensaver", "x11", "logind", "macos", "windows", "none")
    return {name: opener(name) for name in names}


GNOME_WAYLAND = Environment("linux", "wayland", "ubuntu:GNOME", ":0")
KDE_X11 = Environment("linux", "x11", "KDE", ":0")
SWAY = Environment("linux", "wayland", "sway", ":1")
XFCE = Environment("linux", "x11", "XFCE", ":0.0")
RIG = Environment("linux", "", "", ":99")
TTY = Environment("linux", "tty", "", "")


@pytest.mark.parametrize(
    ("env", "order"),
    [
        (GNOME_WAYLAND, ["mutter", "screensaver", "logind", "none"]),
        (KDE_X11, ["screensaver", "x11", "logind", "none"]),
        (SWAY, ["screensaver", "logind", "none"]),  # XWayland's idle would be wrong
        (XFCE, ["screensaver", "x11", "logind", "none"]),
        (TTY, ["screensaver", "logind", "none"]),
        (Environment("darwin"), ["macos", "none"]),
        (Environment("win32"), ["windows", "none"]),
    ],
)
def test_candidates(env: Environment, order: list[str]) -> None:
    assert candidates(env) == order


@pytest.mark.parametrize(
    ("env", "answering", "chosen"),
    [
        (GNOME_WAYLAND, {"mutter", "logind"}, "mutter"),
        (GNOME_WAYLAND, {"logind"}, "logind"),  # Mutter not up yet
        (KDE_X11, {"screensaver", "x11", "logind"}, "screensaver"),
        (KDE_X11, {"x11", "logind"}, "x11"),  # KDE Wayland-style NotSupported
        (XFCE, {"x11"}, "x11"),
        (RIG, {"x11"}, "x11"),
        (SWAY, {"x11"}, "none"),
        (TTY, set(), "none"),
        (Environment("darwin"), {"macos"}, "macos"),
    ],
)
def test_auto_picks_the_first_that_answers(
    env: Environment, answering: set[str], chosen: str
) -> None:
    source, reason = open_idle_source(env=env, openers=_openers(answering))
    assert source.name == chosen
    assert reason.startswith(f"{chosen}: ")


def test_auto_reason_names_the_session() -> None:
    _, reason = open_idle_source(env=KDE_X11, openers=_openers({"x11"}))
    assert reason == "x11: x11 answers (XDG_SESSION_TYPE=x11, XDG_CURRENT_DESKTOP=KDE)"


def test_nothing_answers_gives_none_with_every_failure_in_the_reason() -> None:
    source, reason = open_idle_source(env=GNOME_WAYLAND, openers=_openers(set()))
    assert isinstance(source, Fake) and source.name == "none"
    assert "mutter does not answer" in reason and "logind does not answer" in reason


def test_an_explicit_choice_that_fails_falls_back_to_none_and_says_why() -> None:
    source, reason = open_idle_source("x11", env=XFCE, openers=_openers(set()))
    assert source.name == "none"
    assert "x11: x11 does not answer" in reason


def test_an_opener_that_crashes_is_skipped() -> None:
    openers = _openers({"x11"})

    def broken(env: Environment) -> tuple[Fake, str]:
        raise RuntimeError("desktop misbehaves")

    openers["screensaver"] = broken
    source, _ = open_idle_source(env=XFCE, openers=openers)
    assert source.name == "x11"


def test_unknown_choice_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown idle source 'gnome'"):
        open_idle_source("gnome", env=XFCE, openers=_openers(set()))


def test_real_auto_on_a_bare_machine_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_CURRENT_DESKTOP"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/standup-test")
    source, reason = open_idle_source(env=Environment("linux", "tty", "", ""))
    assert source.name == "none" and source.sample() == IdleSample(0.0)
    assert "screensaver:" in reason and "logind:" in reason


# -- combining -------------------------------------------------------------------------------


def test_combined_fills_lock_and_inhibition_from_the_helper_only() -> None:
    primary = Fake("x11", IdleSample(12.0))
    helper = Fake("logind", IdleSample(0.0, locked=True, inhibited=False))
    combined = CombinedSource(primary, helper)
    assert combined.name == "x11"
    assert combined.sample() == IdleSample(12.0, locked=True, inhibited=False)
    combined.close()
    assert primary.closed and helper.closed


def test_combined_keeps_the_primary_answer_when_the_helper_fails() -> None:
    primary = Fake("screensaver", IdleSample(5.0, locked=False))
    combined = CombinedSource(primary, Fake("logind", IdleError("system bus gone")))
    assert combined.sample() == IdleSample(5.0, locked=False, inhibited=None)


def test_combined_primary_failure_is_raised() -> None:
    combined = CombinedSource(Fake("x11", IdleError("X gone")), Fake("logind"))
    with pytest.raises(IdleError, match="X gone"):
        combined.sample()


def test_none_source_is_always_active() -> None:
    assert NoneSource().sample() == IdleSample(0.0)
    assert NoneSource().watch(lambda: None, 300.0) is False
