"""Busy probes on fake /proc trees and fake probes: what counts, what is ignored, never raising."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from standup.busy.probes import BusyOptions, Probes, busy_reasons, open_probes
from standup.busy.proc import camera_in_use, microphone_in_use
from standup.busy.x11 import is_fullscreen


def _pcm(root: Path, name: str, state: str) -> None:
    status = root / name / "status"
    status.parent.mkdir(parents=True)
    status.write_text(f"state: {state}\nowner_pid   : 4242\n" if state else "closed\n")


def test_microphone_running_capture_counts(tmp_path: Path) -> None:
    _pcm(tmp_path, "card0/pcm0c/sub0", "")
    _pcm(tmp_path, "card1/pcm0c/sub0", "RUNNING")
    assert microphone_in_use(tmp_path)


@pytest.mark.parametrize("state", ["", "SETUP", "PREPARED", "PAUSED"])
def test_microphone_not_running_does_not_count(tmp_path: Path, state: str) -> None:
    _pcm(tmp_path, "card0/pcm0c/sub0", state)
    assert not microphone_in_use(tmp_path)


def test_playback_is_not_the_microphone(tmp_path: Path) -> None:
    _pcm(tmp_path, "card0/pcm0p/sub0", "RUNNING")
    assert not microphone_in_use(tmp_path)


def test_no_sound_card_means_no_microphone(tmp_path: Path) -> None:
    assert not microphone_in_use(tmp_path / "asound-missing")


def _process(root: Path, pid: int, fds: dict[int, str]) -> None:
    fd_dir = root / str(pid) / "fd"
    fd_dir.mkdir(parents=True)
    for fd, target in fds.items():
        (fd_dir / str(fd)).symlink_to(target)


def test_camera_open_in_one_of_our_processes(tmp_path: Path) -> None:
    _process(tmp_path, 100, {0: "/dev/null", 1: "pipe:[123]"})
    _process(tmp_path, 200, {0: "/dev/null", 7: "/dev/video0"})
    (tmp_path / "self").mkdir()  # non-numeric entries are skipped
    assert camera_in_use(tmp_path)


def test_camera_closed_or_owned_by_someone_else(tmp_path: Path) -> None:
    _process(tmp_path, 100, {3: "/dev/video0"})
    assert not camera_in_use(tmp_path, uid=os.getuid() + 1)
    _process(tmp_path, 200, {3: "/dev/snd/pcmC0D0c"})
    assert not camera_in_use(tmp_path / "200", uid=os.getuid())  # no numeric dirs below


def test_camera_shortcut_when_the_machine_has_no_video_device(tmp_path: Path) -> None:
    _process(tmp_path / "proc", 100, {3: "/dev/video0"})
    (tmp_path / "dev").mkdir()
    assert not camera_in_use(tmp_path / "proc", dev=tmp_path / "dev")
    (tmp_path / "dev" / "video0").touch()
    assert camera_in_use(tmp_path / "proc", dev=tmp_path / "dev")


def test_env_hooks_point_the_real_probes_at_fake_trees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pcm(tmp_path / "asound", "card0/pcm0c/sub0", "RUNNING")
    _process(tmp_path / "proc", 300, {4: "/dev/video2"})
    monkeypatch.setenv("STANDUP_PROC_ASOUND", str(tmp_path / "asound"))
    monkeypatch.setenv("STANDUP_PROC_ROOT", str(tmp_path / "proc"))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    probes = open_probes()
    try:
        assert busy_reasons(BusyOptions(), probes) == ["microphone in use", "camera in use"]
    finally:
        probes.close()


def _probes(**answers: bool | Exception) -> Probes:
    def probe(name: str):  # type: ignore[no-untyped-def]
        def run() -> bool:
            answer = answers.get(name, False)
            if isinstance(answer, Exception):
                raise answer
            return answer

        return run

    names = ("do_not_disturb", "fullscreen", "microphone", "camera")
    return Probes(**{name: probe(name) for name in names})


def test_reasons_in_order_and_only_for_enabled_signals() -> None:
    probes = _probes(do_not_disturb=True, fullscreen=True, microphone=True)
    assert busy_reasons(BusyOptions(), probes) == [
        "microphone in use",
        "do not disturb",
        "fullscreen window",
    ]
    options = BusyOptions(fullscreen=False, microphone=False)
    assert busy_reasons(options, probes) == ["do not disturb"]
    assert busy_reasons(BusyOptions(), _probes()) == []


def test_a_failing_probe_is_not_busy_and_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    probes = _probes(camera=True, fullscreen=RuntimeError("BadWindow"))
    with caplog.at_level(logging.DEBUG, logger="standup.busy"):
        for _ in range(3):
            assert busy_reasons(BusyOptions(), probes) == ["camera in use"]
    assert [r.message for r in caplog.records if "fullscreen" in r.message] == [
        "busy probe fullscreen failed, counted as not busy: RuntimeError('BadWindow')"
    ]


def test_the_do_not_disturb_probe_is_made_with_the_configured_modes() -> None:
    from standup.busy.dnd import DEFAULT_MODES, DoNotDisturbProbe

    configured = open_probes(BusyOptions(dnd_modes=["meeting", "focus"]))
    default = open_probes()
    try:
        assert isinstance(configured.do_not_disturb, DoNotDisturbProbe)
        assert configured.do_not_disturb.modes == ("meeting", "focus")
        assert isinstance(default.do_not_disturb, DoNotDisturbProbe)
        assert default.do_not_disturb.modes == DEFAULT_MODES
    finally:
        configured.close()
        default.close()


def test_options_forbid_unknown_keys() -> None:
    with pytest.raises(ValidationError, match="extra"):
        BusyOptions.model_validate({"microphone": False, "meetings": True})


def test_fullscreen_needs_an_active_window_with_the_state() -> None:
    assert is_fullscreen([0x400001], [300, 301], fullscreen_atom=301)
    assert not is_fullscreen([0x400001], [300], fullscreen_atom=301)
    assert not is_fullscreen([], [301], fullscreen_atom=301)
    assert not is_fullscreen([0], [301], fullscreen_atom=301)
