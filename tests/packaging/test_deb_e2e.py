"""The Debian package, end to end on a release that packages standup's dependencies (Debian 13
and later): dpkg-buildpackage builds it from this checkout, lintian finds no error, apt
installs it in a fresh root with Debian's packages alone, `man standup` works there, and under
that root's real `systemd --user` the packaged unit starts, reminds and reloads.

The tests run in order and hand the root on. One build and one install per run: the clean root
is debootstrapped once and cached (packaged_root.py).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import packaged_root
import pytest
from packaged_root import PackagedRoot

from user_manager import unavailable_reason

from rig import rig_unavailable, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(1800)]

UNIT = "standup.service"
CONFIG = ".config/standup/config.toml"
# The log backend: the reminder's line in the journal is what the test reads.
QUIET = '[schedule]\nsit = "1h"\n[notifications]\nbackend = "log"\n[idle]\nsource = "none"\n'
SOON = QUIET.replace('"1h"', '"2s"')


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, float]:
    missing = packaged_root.dependencies_missing()
    if missing:
        # Not a missing rig: this release cannot carry the package (Debian 12 has no
        # python3-pydantic-settings), in CI as anywhere.
        pytest.skip(f"this release does not package {', '.join(missing)}")
    if os.geteuid() != 0:
        rig_unavailable("building and installing the package needs root")
    missing = packaged_root.tools_missing()
    if missing:
        rig_unavailable(f"packaging tools missing: {', '.join(missing)}")
    return packaged_root.build_package(tmp_path_factory.mktemp("deb"))


@pytest.fixture(scope="module")
def root(built: tuple[Path, Path, float]) -> Iterator[PackagedRoot]:
    reason = unavailable_reason()
    if reason:
        rig_unavailable(reason)
    packaged = PackagedRoot(packaged_root.clean_root())
    try:
        yield packaged
    finally:
        packaged.stop()


def test_it_builds_and_lintian_finds_no_error(built) -> None:
    deb, changes, took = built
    print(f"dpkg-buildpackage -b: {took:.1f} s; {deb.name}: {deb.stat().st_size / 1024:.0f} KiB")
    started = time.monotonic()
    # As root, which lintian only warns about: pytest's folders are closed to other users.
    done = packaged_root._run(["lintian", str(changes)])
    print(f"lintian ({time.monotonic() - started:.1f} s): {done.stdout.strip() or 'no tags'}")
    assert not [line for line in done.stdout.splitlines() if line.startswith("E:")]
    contents = packaged_root._run(["dpkg-deb", "--contents", str(deb)]).stdout
    for path in (
        "./usr/bin/standup",
        "./usr/lib/systemd/user/standup.service",
        "./usr/share/man/man1/standup.1.gz",
        "./usr/share/man/man5/standup.toml.5.gz",
        "./usr/share/applications/standup.desktop",
        "./usr/share/icons/hicolor/scalable/apps/standup.svg",
        "./usr/share/bash-completion/completions/standup",
        "./usr/share/zsh/vendor-completions/_standup",
        "./usr/share/fish/vendor_completions.d/standup.fish",
        "./usr/lib/python3/dist-packages/standup/locale/de/LC_MESSAGES/standup.mo",
        "./usr/lib/python3/dist-packages/standup/locale/ja/LC_MESSAGES/standup-exercises.mo",
    ):
        assert f" {path}\n" in contents, path
    depends = packaged_root._run(["dpkg-deb", "--field", str(deb), "Depends"]).stdout
    for name in packaged_root.DEPENDENCIES:
        assert name in depends, depends


def test_apt_installs_it_in_a_fresh_root_from_debian_alone(root: PackagedRoot, built) -> None:
    out = root.install(built[0])
    print(f"fresh root: copied in {root.timings['copy']:.1f} s, installed in "
          f"{root.timings['install']:.1f} s")  # fmt: skip
    assert "Setting up standup (" in out
    # Every module standup imports is a file some Debian package installed: nothing from PyPI.
    probe = (
        "import apscheduler, jeepney, plyer, pydantic, pydantic_settings, standup, tomlkit, "
        "tzlocal; print('\\n'.join(m.__file__ for m in (apscheduler, jeepney, plyer, pydantic, "
        "pydantic_settings, standup, tomlkit, tzlocal)))"
    )
    files = root.as_root("python3", "-c", probe).stdout.split()
    owners = root.as_root("dpkg", "-S", *files).stdout
    assert len(owners.splitlines()) == len(files), owners
    assert not list((root.root / "usr/local/lib").glob("python3*/dist-packages/*"))
    assert "standup 0." in root.as_root("standup", "--version").stdout
    # The package speaks the user's language: an exercise's name from the German catalogue.
    listed = root.as_root("env", "LANGUAGE=de", "standup", "exercises", "list").stdout
    assert _german_name("split-stance-hip-flexor-stretch") in listed, listed


def _german_name(exercise: str) -> str:
    """The German name of `exercise`, read from the tree's po/exercises/de.po."""
    text = (Path(__file__).parents[2] / "po" / "exercises" / "de.po").read_text("utf-8")
    found = re.search(rf'msgctxt "{exercise}\.name"\nmsgid "[^"]*"\nmsgstr "([^"]+)"', text)
    assert found is not None
    return found.group(1)


def test_man_standup_works_from_the_package(root: PackagedRoot) -> None:
    def words(page: str) -> str:  # justified lines space words unevenly
        return " ".join(root.as_root("man", "-P", "cat", page).stdout.split())

    assert "To change the interval: standup config set schedule.sit 30m" in words("standup")
    assert 'sit = "50m"' in words("standup.toml")


def test_service_install_enables_the_packaged_unit_and_it_starts(root: PackagedRoot) -> None:
    root.start()
    print(f"user manager up in {root.timings['manager']:.1f} s")
    root.write_home(CONFIG, QUIET)
    assert root.run("systemctl", "--user", "is-enabled", UNIT).stdout.strip() == "disabled"
    done = root.run("standup", "service", "install", "--now")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"the unit is the package's: /usr/lib/systemd/user/{UNIT}" in done.stdout
    assert not root.home_path(f".config/systemd/user/{UNIT}").exists()
    show = root.run("systemctl", "--user", "show", UNIT, "--property=FragmentPath,ActiveState")
    assert f"FragmentPath=/usr/lib/systemd/user/{UNIT}" in show.stdout
    assert "ActiveState=active" in show.stdout
    status = root.run("standup", "status", "--json")
    assert status.returncode == 0, status.stderr
    assert "unit file: /usr/lib/systemd/user/standup.service (installed)" in (
        root.run("standup", "service", "status").stdout
    )


def journal(root: PackagedRoot) -> str:
    return root.run("journalctl", "--user", "-u", UNIT, "-o", "cat", "--no-pager").stdout


def test_the_packaged_unit_reminds(root: PackagedRoot) -> None:
    root.write_home(CONFIG, SOON)
    assert root.run("systemctl", "--user", "reload", UNIT).returncode == 0
    wait_until(lambda: "Reminder: " in journal(root), timeout=30, interval=0.2)


def test_the_packaged_unit_reloads_and_refuses_a_bad_config(root: PackagedRoot) -> None:
    def pid() -> str:
        out = root.run("systemctl", "--user", "show", UNIT, "--property=MainPID").stdout
        return out.strip().split("=")[1]

    before = pid()
    root.write_home(CONFIG, QUIET.replace('"1h"', '"45m"'))
    assert root.run("systemctl", "--user", "reload", UNIT).returncode == 0
    assert root.run("standup", "status").returncode == 0
    root.write_home(CONFIG, '[schedule]\nsit = "forever"\n')
    assert root.run("systemctl", "--user", "reload", UNIT).returncode != 0
    # The daemon keeps running with the config it had, and says why it refused the new one.
    assert pid() == before
    assert root.run("systemctl", "--user", "is-active", UNIT).stdout.strip() == "active"
    assert "config not reloaded" in journal(root)
