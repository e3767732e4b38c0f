"""What `service install` writes and `service uninstall` removes, against planted links, another
user's directory, odd directories and the user's own files beside ours (issue 19, items 4 and 8).

Another user is played by uid 65534 (nobody): those cases need root, so they skip on a laptop
and fail in CI rather than skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from standup.service import install as service

from rig import rig_unavailable
from systemctl_fake import actions

OTHER = 65534  # nobody: any uid not ours will do


@pytest.fixture
def systemctl_log(fake_systemctl: Path) -> Path:
    """The fake systemctl (tests/service/conftest.py): what it was told is logged here."""
    return fake_systemctl


SECRET = "root's own secret\n"


def install_paths(config: Path, data: Path) -> list[Path]:
    return [
        config / "systemd/user/standup.service",
        data / "applications/standup.desktop",
        data / "icons/hicolor/scalable/apps/standup.svg",
        data / "bash-completion/completions/standup",
        data / "zsh/site-functions/_standup",
        config / "fish/completions/standup.fish",
    ]


@pytest.fixture
def every_path(xdg_dirs) -> list[Path]:
    return install_paths(xdg_dirs.config_home, xdg_dirs.data_home)


def plant_victim(tmp_path: Path, name: str) -> Path:
    victim = tmp_path / "victims" / name
    victim.parent.mkdir(exist_ok=True)
    victim.write_text(SECRET)
    victim.chmod(0o600)
    return victim


# -- planted links -----------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["temporary", "final"])
def test_links_planted_at_each_name_are_never_followed(
    run_main, systemctl_log, every_path, tmp_path, where: str
) -> None:
    victims = []
    for n, path in enumerate(every_path):
        path.parent.mkdir(parents=True, exist_ok=True)
        victim = plant_victim(tmp_path, f"victim{n}")
        link = path.with_name(path.name + ".tmp") if where == "temporary" else path
        link.symlink_to(victim)
        victims.append(victim)
    assert run_main(["service", "install"]) == 0
    assert [v.read_text() for v in victims] == [SECRET] * len(victims)
    for path in every_path:
        assert not path.is_symlink() and path.is_file(), path
        assert SECRET not in path.read_text()
    assert "ExecStart=" in every_path[0].read_text()
    # Nothing else is left beside the files: no temporary of ours.
    for path in every_path:
        names = {p.name for p in path.parent.iterdir()} - {path.name, path.name + ".tmp"}
        assert names == set(), path


# -- another user's directory ------------------------------------------------------------------


@pytest.fixture
def other_users_home() -> Iterator[Path]:
    """A home that uid OTHER owns, with its XDG directories, as `sudo` keeping HOME leaves it."""
    if os.geteuid() != 0:
        rig_unavailable("needs root to act as another user")
    base = Path(tempfile.mkdtemp(prefix="st-home-", dir="/tmp"))
    base.chmod(0o711)
    home = base / "home"
    for sub in (".config/systemd/user", ".local/share", ".local/state"):
        (home / sub).mkdir(parents=True)
    subprocess.run(["chown", "-R", f"{OTHER}:{OTHER}", str(home)], check=True)
    yield home
    shutil.rmtree(base, ignore_errors=True)


def test_root_refuses_to_write_into_another_users_home(
    run_main, systemctl_log, other_users_home, monkeypatch, capsys
) -> None:
    home = other_users_home
    secret = Path(tempfile.mkdtemp(prefix="st-root-", dir="/tmp")) / "shadow"
    secret.write_text(SECRET)
    secret.chmod(0o600)
    (home / ".config/systemd/user/standup.service.tmp").symlink_to(secret)
    os.lchown(home / ".config/systemd/user/standup.service.tmp", OTHER, OTHER)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    try:
        assert run_main(["service", "install"]) == 1
        err = capsys.readouterr().err
        assert f"belongs to nobody (uid {OTHER}), not to root (uid 0)" in err
        assert len([line for line in err.splitlines() if not line.startswith("hint")]) == 1
        assert secret.read_text() == SECRET
        assert not (home / ".config/systemd/user/standup.service").exists()
        assert actions(systemctl_log) == []
        assert run_main(["service", "uninstall"]) == 1
        assert "cannot remove" in capsys.readouterr().err
        # A config link planted in that home, into a directory only root may enter.
        victim = secret.parent / "rootonly" / "victim.toml"
        victim.parent.mkdir(mode=0o700)
        link = home / ".config/standup/config.toml"
        link.parent.mkdir()
        link.symlink_to(victim)
        subprocess.run(["chown", "-hR", f"{OTHER}:{OTHER}", str(link.parent)], check=True)
        editor = f"{sys.executable} -c \"open(__import__('sys').argv[1], 'w').write('')\""
        monkeypatch.setenv("EDITOR", editor)
        for argv in (["init"], ["set", "schedule.sit", "30m"], ["edit"]):
            assert run_main(["config", *argv]) == 1, argv
            err = capsys.readouterr().err
            assert f"{link.parent} belongs to nobody (uid {OTHER})" in err, argv
            assert not victim.exists(), argv
    finally:
        shutil.rmtree(secret.parent)


def test_root_follows_no_config_link_another_user_owns(
    run_main, xdg_dirs, tmp_path, capsys
) -> None:
    """The link sits in a directory of ours, yet another user made it (and may re-point it)."""
    if os.geteuid() != 0:
        rig_unavailable("needs root to act as another user")
    victim = tmp_path / "victims" / "victim.toml"
    victim.parent.mkdir()
    link = xdg_dirs.config_home / "standup/config.toml"
    link.parent.mkdir()
    link.symlink_to(victim)
    os.lchown(link, OTHER, OTHER)
    for argv in (["init"], ["set", "schedule.sit", "30m"]):
        assert run_main(["config", *argv]) == 1, argv
        err = capsys.readouterr().err
        assert f"the link {link} belongs to nobody (uid {OTHER})" in err, argv
        assert not victim.exists(), argv


# -- odd directories ---------------------------------------------------------------------------


def test_a_data_home_that_is_a_file_stops_install_before_anything(
    run_main, systemctl_log, xdg_dirs, monkeypatch, capsys
) -> None:
    data = xdg_dirs.data_home.with_name("data-file")
    data.write_text("not a directory\n")
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    assert run_main(["service", "install"]) == 1
    err = capsys.readouterr().err
    assert f"{data} is a file, not a directory" in err
    assert "Traceback" not in err and "unexpected" not in err
    assert not (xdg_dirs.config_home / "systemd").exists()  # no half-done install
    assert actions(systemctl_log) == []


def test_a_directory_where_a_file_goes_stops_install(
    run_main, systemctl_log, every_path, capsys
) -> None:
    every_path[3].mkdir(parents=True)
    assert run_main(["service", "install"]) == 1
    assert f"{every_path[3]} is a directory" in capsys.readouterr().err
    assert not every_path[0].exists()


def as_nobody(argv: list[str], home: Path, **more: str) -> subprocess.CompletedProcess[str]:
    """`standup ARGV` run by uid OTHER with its XDG directories under `home` (and `more`)."""
    env = {
        **more,
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "PYTHONPATH": str(Path(service.__file__).parents[2]),
    }
    who = ["setpriv", f"--reuid={OTHER}", f"--regid={OTHER}", "--clear-groups"]
    return subprocess.run(
        [*who, sys.executable, "-m", "standup", *argv],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_a_read_only_config_directory_is_one_line_and_exit_1(other_users_home) -> None:
    """Played as nobody: root writes into a 0500 directory all the same."""
    home = other_users_home
    (home / ".config").chmod(0o500)
    done = as_nobody(["service", "install"], home)
    assert done.returncode == 1, done.stderr
    assert f"{home / '.config'} is read-only" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (home / ".local/share/applications").exists()  # nothing written before the check
    for argv in (["config", "init"], ["config", "set", "schedule.sit", "40m"]):
        done = as_nobody(argv, home)
        assert done.returncode == 1, (argv, done.stderr)
        assert "cannot write" in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) <= 2  # the line and its hint


def test_an_edit_that_cannot_be_saved_is_kept(other_users_home) -> None:
    home = other_users_home
    config = home / ".config/standup/config.toml"
    config.parent.mkdir()
    config.write_text('[schedule]\nsit = "50m"\n')
    editor = home / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'w').write('[schedule]\\nsit = \"40m\"\\n')\n")
    subprocess.run(["chown", "-R", f"{OTHER}:{OTHER}", str(home)], check=True)
    config.parent.chmod(0o500)
    python = "/usr/bin/python3"  # the venv's may lead through a folder nobody cannot enter
    done = as_nobody(["config", "edit"], home, EDITOR=f"{python} {editor}")
    assert done.returncode == 1, done.stderr
    assert "read-only; your edit is kept in " in done.stderr and "Traceback" not in done.stderr
    kept = Path(done.stderr.split("your edit is kept in ")[1].split()[0])
    try:
        assert kept.read_text() == '[schedule]\nsit = "40m"\n'
    finally:
        kept.unlink()
    assert config.read_text() == '[schedule]\nsit = "50m"\n'


# -- uninstall takes only what install wrote ---------------------------------------------------


def test_uninstall_leaves_what_is_not_standups_and_names_it(
    run_main, systemctl_log, every_path, xdg_dirs, tmp_path, capsys
) -> None:
    assert run_main(["service", "install"]) == 0
    unit, desktop, icon, bash, _zsh, fish = every_path
    fish.write_text("complete -c standup -a 'my own'\n")  # the user's own script
    bash.unlink()
    bash.symlink_to(plant_victim(tmp_path, "bash"))
    capsys.readouterr()
    assert run_main(["service", "uninstall"]) == 0
    out = capsys.readouterr().out
    assert not unit.exists() and not icon.exists()
    assert fish.read_text() == "complete -c standup -a 'my own'\n"
    assert not desktop.exists()
    assert bash.is_symlink() and bash.resolve().read_text() == SECRET
    left = [line for line in out.splitlines() if line.startswith("left in place")]
    assert len(left) == 1
    assert f"{fish} (not written by standup)" in left[0]
    assert f"{bash} (a symbolic link)" in left[0]


def stow(directory: Path, dotfiles: Path) -> None:
    """`directory` moved into `dotfiles` and linked back, as GNU stow leaves it."""
    dotfiles.mkdir(parents=True, exist_ok=True)
    directory.parent.mkdir(parents=True, exist_ok=True)
    (dotfiles / directory.name).mkdir()
    directory.symlink_to(dotfiles / directory.name)


def test_uninstall_takes_what_install_wrote_through_the_users_own_links(
    run_main, systemctl_log, every_path, xdg_dirs, tmp_path, capsys
) -> None:
    stow(xdg_dirs.config_home / "fish", tmp_path / "dotfiles")
    stow(xdg_dirs.data_home / "applications", tmp_path / "dotfiles")
    assert run_main(["service", "install"]) == 0
    fish, desktop = every_path[5], every_path[1]
    assert (tmp_path / "dotfiles/fish/completions/standup.fish").is_file()
    assert (tmp_path / "dotfiles/applications/standup.desktop").is_file()
    capsys.readouterr()
    assert run_main(["service", "uninstall"]) == 0
    assert "left in place" not in capsys.readouterr().out
    assert not fish.exists() and not desktop.exists()
    assert (xdg_dirs.config_home / "fish").is_symlink()  # the user's links stay


@pytest.mark.parametrize("whose", ["link", "directory"])
def test_uninstall_takes_nothing_through_another_users_link(
    run_main, systemctl_log, every_path, xdg_dirs, tmp_path, capsys, whose: str
) -> None:
    if os.geteuid() != 0:
        rig_unavailable("needs root to act as another user")
    stow(xdg_dirs.config_home / "fish", tmp_path / "dotfiles")
    assert run_main(["service", "install"]) == 0
    fish = every_path[5]
    if whose == "link":
        os.lchown(xdg_dirs.config_home / "fish", OTHER, OTHER)
    else:
        os.chown(tmp_path / "dotfiles/fish/completions", OTHER, OTHER)
    capsys.readouterr()
    assert run_main(["service", "uninstall"]) == 1
    assert "belongs to nobody" in capsys.readouterr().err
    assert fish.is_file()


def test_uninstall_takes_a_desktop_file_an_older_install_wrote(
    run_main, systemctl_log, every_path
) -> None:
    from standup.notify import identity

    desktop = every_path[1]
    desktop.parent.mkdir(parents=True)
    old = identity.desktop_entry().replace("Exec=standup now", "Exec=/opt/py -m standup now")
    desktop.write_text(old)  # as 0.2 wrote it: no mark
    assert run_main(["service", "uninstall"]) == 0
    assert not desktop.exists()


def test_a_unit_of_the_users_own_stays(run_main, systemctl_log, every_path, capsys) -> None:
    unit = every_path[0]
    unit.parent.mkdir(parents=True)
    unit.write_text("[Service]\nExecStart=/usr/bin/my-standup\n")
    assert run_main(["service", "uninstall"]) == 0
    assert unit.read_text() == "[Service]\nExecStart=/usr/bin/my-standup\n"
    out = capsys.readouterr().out
    assert f"{unit} (not written by standup; not stopped or disabled)" in out
    assert [a for a in actions(systemctl_log) if " stop " in a or " disable " in a] == []
