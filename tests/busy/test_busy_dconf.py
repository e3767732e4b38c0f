"""The dconf reader on real GVDB files, written by dconf itself (`dconf compile`)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from standup.busy import dconf as busy_dconf

KEY = "/org/gnome/desktop/notifications/show-banners"


@pytest.fixture
def compile_db(tmp_path: Path):
    if shutil.which("dconf") is None:
        if os.environ.get("CI"):
            pytest.fail("dconf (dconf-cli) is missing; CI installs it", pytrace=False)
        pytest.skip("dconf (dconf-cli) is missing")

    def build(keyfile: str, name: str = "user") -> Path:
        source = tmp_path / f"{name}.d"
        source.mkdir()
        (source / "settings").write_text(keyfile)
        out = tmp_path / name
        subprocess.run(["dconf", "compile", str(out), str(source)], check=True, timeout=10)
        return out

    return build


def test_a_false_boolean_is_read(compile_db) -> None:
    db = compile_db("[org/gnome/desktop/notifications]\nshow-banners=false\n")
    assert busy_dconf.read_bool(KEY, db) is False


def test_a_true_boolean_among_other_keys_is_read(compile_db) -> None:
    db = compile_db(
        "[org/gnome/desktop/notifications]\nshow-banners=true\nshow-in-lock-screen=false\n"
        "[org/mate/notification-daemon]\ndo-not-disturb=true\ntheme='coco'\n"
    )
    assert busy_dconf.read_bool(KEY, db) is True
    assert busy_dconf.read_bool("/org/mate/notification-daemon/do-not-disturb", db) is True
    assert busy_dconf.read_bool("/org/gnome/desktop/notifications/show-in-lock-screen", db) is False


def test_an_unset_key_or_another_type_is_none(compile_db) -> None:
    db = compile_db("[org/mate/notification-daemon]\ntheme='coco'\n")
    assert busy_dconf.read_bool(KEY, db) is None
    assert busy_dconf.read_bool("/org/mate/notification-daemon/theme", db) is None
    assert busy_dconf.read_value("/org/mate/notification-daemon/theme", db) == (b"coco\x00", "s")


def test_the_user_database_follows_xdg_config_home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert busy_dconf.user_database() == tmp_path / "dconf" / "user"


def test_garbage_and_strange_files_are_refused_not_crashed_on(tmp_path) -> None:
    junk = tmp_path / "junk"
    junk.write_bytes(b"not a database at all, just text")
    with pytest.raises(ValueError, match="not a GVDB file"):
        busy_dconf.read_bool(KEY, junk)
    short = tmp_path / "short"
    short.write_bytes(b"GVariant")
    with pytest.raises(ValueError):
        busy_dconf.read_bool(KEY, short)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # opening it for reading must not block
    with pytest.raises(ValueError, match="not a regular file"):
        busy_dconf.read_bool(KEY, fifo)


def test_a_truncated_database_reads_as_unset(compile_db) -> None:
    db = compile_db("[org/gnome/desktop/notifications]\nshow-banners=false\n")
    data = db.read_bytes()
    for size in range(24, len(data), 7):
        db.write_bytes(data[:size])
        try:
            value = busy_dconf.read_bool(KEY, db)
        except ValueError:
            continue  # refused as damaged: fine
        assert value in (None, False)
