"""What a client command says when no daemon answers: the fact once, and a hint that fits."""

from __future__ import annotations

import sys

import pytest

from standup.control import client as control
from standup.errors import DaemonNotRunning

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="systemd hint")


def test_without_a_unit_the_hint_offers_run_and_install(xdg_dirs) -> None:
    with pytest.raises(DaemonNotRunning) as info:
        control.request("status")
    assert str(info.value) == "the standup daemon is not running"
    assert "systemctl" not in info.value.hint
    assert "`standup run`" in info.value.hint and "`standup service install`" in info.value.hint


def test_with_an_installed_unit_the_hint_is_systemctl(xdg_dirs) -> None:
    unit = xdg_dirs.config_home / "systemd" / "user" / "standup.service"
    unit.parent.mkdir(parents=True)
    unit.write_text("[Service]\nExecStart=/bin/true\n")
    with pytest.raises(DaemonNotRunning) as info:
        control.request("status")
    assert info.value.hint.startswith("start it with `systemctl --user start standup`")


def test_the_cli_says_it_once(xdg_dirs, run_main, capsys) -> None:
    assert run_main(["status"]) == 3
    err = capsys.readouterr().err
    assert err.splitlines()[0] == "standup: the standup daemon is not running"
