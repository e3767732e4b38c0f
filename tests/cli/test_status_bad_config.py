"""`status` and `status --waybar` against a real daemon that refused a huge bad value."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from config_daemon import daemon_on_config, standup


@pytest.fixture
def daemon(xdg_dirs: object) -> Iterator[tuple[dict[str, str], Path]]:
    """A daemon running a good config file; yields its environment and that file."""
    with daemon_on_config('[schedule]\nsit = "40m"\n') as running:
        yield running


def test_status_survives_a_huge_bad_sit_value(daemon: tuple[dict[str, str], Path]) -> None:
    env, config = daemon
    # Just under the config size bound: the whole value is read, and must not be quoted whole.
    config.write_text('[schedule]\nsit = "' + "9" * 1_000_000 + '"\n')
    assert standup(env, "reload").returncode == 2
    plain = standup(env, "status")
    assert plain.returncode == 0, plain.stderr
    assert "Config not reloaded" in plain.stdout and len(plain.stdout) < 1_000
    bar = standup(env, "status", "--waybar")
    assert bar.returncode == 0, bar.stderr
    line = json.loads(bar.stdout)
    assert line["class"] == "sitting" and "Config not reloaded" in line["tooltip"]
    assert len(bar.stdout) < 1_000
    info = json.loads(standup(env, "status", "--json").stdout)
    assert info["interval_seconds"] == 40 * 60  # the last good config stays


def test_a_twenty_megabyte_value_is_refused_as_too_large(
    daemon: tuple[dict[str, str], Path],
) -> None:
    env, config = daemon
    config.write_text('[schedule]\nsit = "' + "9" * 20_000_000 + '"\n')
    assert standup(env, "reload").returncode == 2
    bar = standup(env, "status", "--waybar")
    assert bar.returncode == 0 and len(bar.stdout) < 1_000
    info = json.loads(standup(env, "status", "--json").stdout)
    assert info["interval_seconds"] == 40 * 60
