"""`service install` where standup came from a distribution package: the package's unit in
/usr/lib/systemd/user is enabled, nothing of our own is written, and what an earlier install
from a checkout left in the user's folders (which would hide the package's files) goes."""

from __future__ import annotations

from pathlib import Path

import pytest

import standup
from standup.service import install as service, packaged

from systemctl_fake import actions


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_systemctl: Path) -> Path:
    """This checkout played as the package's install, with the package's unit at a path of
    the test's; returns that unit's path."""
    unit = tmp_path / "usr-lib-systemd-user" / service.UNIT_NAME
    unit.parent.mkdir()
    unit.write_text(packaged.unit_text())
    source = str(Path(standup.__file__).resolve().parent.parent) + "/"
    monkeypatch.setattr(packaged, "PACKAGED_UNIT", unit)
    monkeypatch.setattr(packaged, "PACKAGED_PREFIXES", (source,))
    return unit


def test_the_packaged_unit_is_the_template_run_by_the_packages_command() -> None:
    text = packaged.unit_text()
    assert "ExecStart=/usr/bin/standup run\n" in text
    assert "ExecReload=/usr/bin/standup reload\n" in text
    # Only the note on ExecStart= differs from what `service install` writes.
    ours = service.render_unit("/usr/bin/standup run").splitlines()
    differ = [line for line in text.splitlines() if line not in ours]
    assert differ and all(line.startswith("# ") for line in differ)
    assert "/path/to/python" not in text


def test_in_use_needs_both_the_packages_modules_and_its_unit(package: Path) -> None:
    assert packaged.in_use()
    assert not packaged.in_use("/home/me/.local/pipx/venvs/standup/standup/__init__.py")
    package.unlink()
    assert not packaged.in_use()


def test_install_enables_the_packaged_unit_and_writes_nothing(
    run_main, xdg_dirs, package: Path, fake_systemctl: Path, capsys
) -> None:
    assert run_main(["service", "install", "--now"]) == 0
    out = capsys.readouterr().out
    assert actions(fake_systemctl) == [
        "--user daemon-reload",
        "--user enable standup.service",
        "--user restart standup.service",
    ]
    assert f"the unit is the package's: {package}" in out
    written = [p for p in Path(xdg_dirs.config_home).rglob("*") if p.is_file()]
    written += [p for p in Path(xdg_dirs.data_home).rglob("*") if p.is_file()]
    assert written == []


def test_install_removes_what_an_install_from_a_checkout_left(
    run_main, xdg_dirs, package: Path, fake_systemctl: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(packaged, "PACKAGED_PREFIXES", ("/nowhere/",))
    assert run_main(["service", "install"]) == 0
    own_unit = xdg_dirs.config_home / "systemd/user/standup.service"
    left = [p for p in (xdg_dirs.config_home, xdg_dirs.data_home) for p in p.rglob("*")]
    assert own_unit.is_file() and len([p for p in left if p.is_file()]) >= 4
    mine = xdg_dirs.config_home / "systemd/user/standup.service.d/mine.conf"
    mine.parent.mkdir()
    mine.write_text("[Service]\nNice=5\n")
    monkeypatch.setattr(packaged, "PACKAGED_PREFIXES", (str(Path(standup.__file__).parent),))
    capsys.readouterr()

    assert run_main(["service", "install", "--dry-run"]) == 0
    assert f"would remove {own_unit}" in capsys.readouterr().out
    assert own_unit.is_file()
    assert run_main(["service", "install"]) == 0
    files = [p for p in (xdg_dirs.config_home, xdg_dirs.data_home) for p in p.rglob("*")]
    assert [p for p in files if p.is_file()] == [mine]  # the user's drop-in stays
    assert f"removed {own_unit}" in capsys.readouterr().out


def test_install_keeps_a_unit_of_the_users_own_and_says_so(
    run_main, xdg_dirs, package: Path, fake_systemctl: Path, capsys
) -> None:
    own_unit = xdg_dirs.config_home / "systemd/user/standup.service"
    own_unit.parent.mkdir(parents=True)
    own_unit.write_text("[Service]\nExecStart=/opt/my/standup run\n")
    assert run_main(["service", "install"]) == 0
    assert own_unit.read_text() == "[Service]\nExecStart=/opt/my/standup run\n"
    assert "not standup's to remove" in capsys.readouterr().out


def test_status_names_the_packaged_unit(
    run_main, xdg_dirs, package: Path, fake_systemctl: Path, capsys
) -> None:
    assert run_main(["service", "status"]) == 0
    assert f"unit file: {package} (installed)" in capsys.readouterr().out


def test_without_the_package_install_writes_its_own_unit_as_before(
    run_main, xdg_dirs, fake_systemctl: Path
) -> None:
    assert not packaged.in_use()
    assert run_main(["service", "install"]) == 0
    assert (xdg_dirs.config_home / "systemd/user/standup.service").is_file()


def test_doctor_counts_the_packaged_unit_as_installed(
    xdg_dirs, package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from standup.service import doctor

    answers = {"is-system-running": "running", "is-enabled": "enabled", "is-active": "active"}
    manager = {"HOME": "/none", "XDG_CONFIG_HOME": str(xdg_dirs.config_home), "DISPLAY": ":0"}
    monkeypatch.setenv("DISPLAY", ":0")
    check = doctor._systemd(lambda *a: (answers[a[0]], None), lambda: manager)
    assert (check.status, check.finding) == (
        "ok",
        "user manager running; standup.service enabled, active",
    )
    assert check.details["unit_file"] == str(package)


def test_install_with_no_systemctl_fails_like_the_unpackaged_one(
    run_main, xdg_dirs, package: Path, fake_systemctl: Path, monkeypatch, capsys
) -> None:
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    assert run_main(["service", "install"]) == 1
    err = capsys.readouterr().err
    assert "systemctl not found" in err and "does not use systemd" in err
    assert not fake_systemctl.exists()  # never run


def own_unit_of_the_users(xdg_dirs) -> Path:
    own_unit = xdg_dirs.config_home / "systemd/user/standup.service"
    own_unit.parent.mkdir(parents=True)
    own_unit.write_text("[Service]\nExecStart=/opt/my/standup run\n")
    return own_unit


def test_a_kept_unit_of_the_users_own_is_not_called_the_packages(
    run_main, xdg_dirs, package: Path, fake_systemctl: Path, capsys
) -> None:
    own_unit = own_unit_of_the_users(xdg_dirs)
    assert run_main(["service", "install"]) == 0
    out = capsys.readouterr().out
    assert "the unit is the package's" not in out
    assert f"your own unit {own_unit} stays; systemd runs it, not {package}" in out


def test_dry_run_keeping_the_users_unit_has_no_uninstall_wording(
    run_main, xdg_dirs, package: Path, fake_systemctl: Path, capsys
) -> None:
    own_unit = own_unit_of_the_users(xdg_dirs)
    assert run_main(["service", "install", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"would leave {own_unit} (not written by standup)" in out
    assert "not stopped or disabled" not in out


def test_packaged_install_gives_the_same_notes_on_the_manager(
    run_main, xdg_dirs, package: Path, fake_systemctl: Path, monkeypatch, capsys
) -> None:
    from systemctl_fake import fake_manager

    fake_manager(fake_systemctl, env={"HOME": "/home/x", "XDG_CONFIG_HOME": str(
        xdg_dirs.config_home)})  # fmt: skip
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-1")
    monkeypatch.delenv("DISPLAY", raising=False)
    assert run_main(["service", "install", "--now"]) == 0
    out = capsys.readouterr().out
    assert "neither DISPLAY nor WAYLAND_DISPLAY" in out
    assert "the user manager reads units from" not in out  # no unit of ours goes there


def test_packaged_install_disables_standups_old_unit_before_removing_it(
    run_main, xdg_dirs, package: Path, fake_systemctl: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(packaged, "PACKAGED_PREFIXES", ("/nowhere/",))
    assert run_main(["service", "install"]) == 0
    own_unit = xdg_dirs.config_home / "systemd/user/standup.service"
    monkeypatch.setattr(packaged, "PACKAGED_PREFIXES", (str(Path(standup.__file__).parent),))
    fake_systemctl.write_text("")
    capsys.readouterr()

    assert run_main(["service", "install", "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    disable = "would run: systemctl --user disable standup.service"
    assert lines.index(disable) < lines.index(f"would remove {own_unit}")
    monkeypatch.setenv("FAIL_ON", "disable")  # a failure there is no reason to stop
    assert run_main(["service", "install"]) == 0
    assert not own_unit.exists()
    assert actions(fake_systemctl) == [
        "--user disable standup.service",
        "--user daemon-reload",
        "--user enable standup.service",
    ]
