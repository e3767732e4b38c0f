"""Playing a theme sound ourselves: real player processes (fake players first on PATH), the
theme lookup on real files, and the backends that cannot hand the sound to a server."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from sound_fakes import fake_player, recorded, recorded_pid, theme
from standup.notify.base import Reminder
from standup.notify.log import LogNotifier
from standup.notify.plyer_backend import PlyerNotifier
from standup.notify.sound import Player, find_sound_file, player_command

from rig import wait_until


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """PATH holds only our fake players; the theme lives in `data`."""
    data = tmp_path / "data"
    theme(data, "bell.oga", "complete.oga")
    return {"PATH": str(tmp_path / "bin"), "XDG_DATA_DIRS": str(data), "HOME": str(tmp_path)}


def alive(pid: int) -> bool:
    """Running (a zombie is not: an orphan's is left to the test run's subreaper)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def test_canberra_plays_the_name_from_the_users_theme_where_there_is_a_display(
    tmp_path: Path, env: dict[str, str]
) -> None:
    record = tmp_path / "argv"
    canberra = fake_player(tmp_path / "bin", "canberra-gtk-play", record)
    fake_player(tmp_path / "bin", "pw-play", tmp_path / "not-this")
    assert Player(environ={**env, "WAYLAND_DISPLAY": "wayland-0"}).play("bell")
    assert recorded(record) == [str(canberra), "-i", "bell", "-d", "standup"]


def test_without_a_display_pw_play_then_paplay_play_the_themes_file(
    tmp_path: Path, env: dict[str, str]
) -> None:
    fake_player(tmp_path / "bin", "canberra-gtk-play", tmp_path / "not-this")  # needs GTK
    paplay = fake_player(tmp_path / "bin", "paplay", tmp_path / "paplay-argv")
    bell = Path(env["XDG_DATA_DIRS"]) / "sounds/freedesktop/stereo/bell.oga"
    assert Player(environ=env).play("bell")
    assert recorded(tmp_path / "paplay-argv") == [str(paplay), str(bell)]
    pw_play = fake_player(tmp_path / "bin", "pw-play", tmp_path / "pw-argv")
    assert Player(environ=env).play("complete")
    assert recorded(tmp_path / "pw-argv") == [str(pw_play), str(bell.with_name("complete.oga"))]
    assert not (tmp_path / "not-this").exists()


def test_the_player_runs_without_a_shell(tmp_path: Path) -> None:
    # A theme under a path a shell would expand or split reaches the player as one argument.
    data = tmp_path / "my data; $(touch pwned) `touch pwned2` *"
    bell = theme(data, "bell.oga") / "bell.oga"
    fake_player(tmp_path / "bin", "pw-play", tmp_path / "argv")
    env = {"PATH": str(tmp_path / "bin"), "XDG_DATA_DIRS": str(data), "HOME": str(tmp_path)}
    assert Player(environ=env).play("bell")
    assert recorded(tmp_path / "argv")[1:] == [str(bell)]
    assert not list(tmp_path.glob("pwned*")) and not list(Path.cwd().glob("pwned*"))


def test_a_hanging_player_never_holds_the_caller_and_is_killed_with_what_it_started(
    tmp_path: Path, env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="standup.notify")
    child = tmp_path / "child"
    fake_player(tmp_path / "bin", "pw-play", tmp_path / "argv",
                then=f'/bin/sleep 60 &\necho $! > "{child}"\nwait')  # fmt: skip
    started = time.monotonic()
    assert Player(limit=0.5, environ=env).play("bell")
    assert time.monotonic() - started < 0.3  # the worker thread went on at once
    pid = recorded_pid(tmp_path / "argv")
    sleeper = int(wait_until(lambda: child.exists() and child.read_text().strip(), 5))
    assert alive(pid) and alive(sleeper)
    # Both killed, and the player reaped by us (no zombie left behind).
    wait_until(lambda: not Path(f"/proc/{pid}").exists() and not alive(sleeper), 5)
    # Said once reaped, on the reaper's thread: a moment after the pid is gone.
    wait_until(lambda: any("still ran after 0.5 s" in r.getMessage() for r in caplog.records), 5)


def test_no_player_or_no_sound_file_is_silent_and_said_once_at_info(
    tmp_path: Path, env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="standup.notify")
    player = Player(environ=env)
    assert [player.play("bell") for _ in range(3)] == [False] * 3
    fake_player(tmp_path / "bin", "paplay", tmp_path / "argv")
    assert [player.play("no-such-sound") for _ in range(3)] == [False] * 3
    said = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert said == [
        (logging.INFO, "no sound: no sound player (canberra-gtk-play, pw-play or paplay) is "
                       "installed"),
        (logging.INFO, "no sound: no sound file for 'no-such-sound' (package "
                       "sound-theme-freedesktop)"),
    ]  # fmt: skip
    assert not (tmp_path / "argv").exists()


def test_a_failing_player_is_said_once(
    tmp_path: Path, env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="standup.notify")
    fake_player(tmp_path / "bin", "paplay", tmp_path / "argv", then="exit 3")
    player = Player(environ=env)
    for _ in range(3):
        (tmp_path / "argv").unlink(missing_ok=True)
        assert player.play("bell")
        recorded(tmp_path / "argv")
    wait_until(lambda: any("exit 3" in r.getMessage() for r in caplog.records), 5)
    time.sleep(0.2)  # the last reaper had its chance to say it again
    assert sum("exit 3" in r.getMessage() for r in caplog.records) == 1


def test_the_theme_lookup_follows_the_sound_naming_spec(tmp_path: Path) -> None:
    home, system = tmp_path / "home-data", tmp_path / "usr-share"
    env = {"XDG_DATA_HOME": str(home), "XDG_DATA_DIRS": f"{tmp_path / 'none'}:{system}"}
    theme(system, "bell.oga", "message.wav", "complete.ogg")
    theme(system, "dialog-warning.oga", subdir="")
    mine = theme(home, "bell.ogg")
    assert find_sound_file("bell", env) == mine / "bell.ogg"  # the user's own first
    assert find_sound_file("complete", env) == system / "sounds/freedesktop/stereo/complete.ogg"
    # A name falls back to its shorter forms, as the spec says.
    assert find_sound_file("message-new-instant", env) == (
        system / "sounds/freedesktop/stereo/message.wav"
    )
    assert find_sound_file("dialog-warning", env) == (
        system / "sounds/freedesktop/dialog-warning.oga"
    )
    assert find_sound_file("alarm-clock-elapsed", env) is None


def test_the_default_data_dirs_are_used_when_unset() -> None:
    command = player_command("bell", {"PATH": "/nonexistent"})
    assert isinstance(command, str) and "no sound player" in command


class FakePlayer:
    def __init__(self) -> None:
        self.played: list[str] = []

    def play(self, name: str) -> bool:
        self.played.append(name)
        return True


def test_the_log_and_plyer_backends_play_the_sound_themselves() -> None:
    bell = Reminder("Stand up", "Now.", sound="bell")
    player = FakePlayer()
    LogNotifier(player=player).show(bell)  # type: ignore[arg-type]
    LogNotifier(player=player).show(Reminder("Stand up", "Now."))  # type: ignore[arg-type]
    assert player.played == ["bell"]

    sent: list[dict[str, object]] = []
    plyer = PlyerNotifier(platform="darwin", notify=lambda **kw: sent.append(kw), player=player)  # type: ignore[arg-type]
    assert plyer.show(Reminder("Hold", "Well held", sound="complete")) == "plyer"
    assert plyer.show(Reminder("Hold", "3 s left", progress=40)) == "plyer"
    assert len(sent) == 2 and player.played == ["bell", "complete"]

    def broken(**kwargs: object) -> None:
        raise NotImplementedError

    # plyer failed: its log fallback plays it, once.
    failing = PlyerNotifier(platform="darwin", notify=broken, player=player)  # type: ignore[arg-type]
    assert failing.show(Reminder("Stand up", "Now.", sound="bell")) == "log"
    assert player.played == ["bell", "complete", "bell"]
