"""The dconf reader on real GVDB files, written by dconf itself (`dconf compile`), and on
hostile ones written by hand (tests/gvdb.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gvdb
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


# A hostile file is read in a child process capped at this much address space, so a reader
# that regresses fails the test instead of eating the machine.
_ADDRESS_SPACE = 512 * 1024 * 1024
_READ_IN_A_CHILD = """
import json, resource, sys, time
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[3]),) * 2)
from standup.busy import dconf

def peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

before = peak_mb()
began = time.perf_counter()
try:
    outcome = repr(dconf.read_bool(sys.argv[1], Path(sys.argv[2])))
except ValueError:
    outcome = "ValueError"
seconds = time.perf_counter() - began
print(json.dumps({"outcome": outcome, "seconds": seconds, "grew_mb": peak_mb() - before}))
"""


def _read_in_a_child(path: Path, key: str = KEY) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _READ_IN_A_CHILD, key, str(path), str(_ADDRESS_SPACE)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


HOSTILE = {
    # The audit's two: 43 MB -> 2.67 GB, then MemoryError; 1.27 GB for the flat one.
    "chain of 2,000 items with 64 KiB pieces": lambda: gvdb.chain(2000),
    "20,000 flat items with 64 KiB pieces": lambda: gvdb.flat(20000),
    # Shapes that pass the hash and walk as far as the key allows, or flood its bucket.
    "items that match all but the first piece": lambda: gvdb.walker(5000),
    "120,000 items in the key's bucket": lambda: gvdb.walker(120_000, hashed=False),
}


@pytest.mark.parametrize("build", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_file_is_read_in_bounded_time_and_memory(tmp_path: Path, build) -> None:
    db = tmp_path / "user"
    db.write_bytes(build())
    result = _read_in_a_child(db)
    assert result["outcome"] in ("None", "ValueError")
    assert result["seconds"] < 1.0
    assert result["grew_mb"] < 16  # the file itself is under 3 MB; a name per item was gigabytes


def test_a_file_built_to_stall_the_search_is_refused() -> None:
    with pytest.raises(ValueError, match="too many items"):
        busy_dconf.find(gvdb.walker(5000), KEY)
    with pytest.raises(ValueError, match="too many items"):
        busy_dconf.find(gvdb.walker(120_000, hashed=False), KEY)


@pytest.mark.parametrize("order", ["<", ">"])
def test_the_hand_written_files_are_read_in_either_byte_order(order: str) -> None:
    """The hostile files above come from this writer: a key it stores is found."""
    assert busy_dconf.find(gvdb.valid(order=order), KEY) == (b"\x01", "b")
    assert busy_dconf.find(gvdb.valid(order=order), KEY + "-not") is None
    assert busy_dconf.find(gvdb.valid("/a/b", order=order), KEY) is None


def test_only_the_items_of_the_key_bucket_are_searched() -> None:
    """GVDB's own lookup: a key filed under another bucket is not there, for dconf as for us."""
    key = KEY.encode()
    tail = key + gvdb.TRUE
    item = gvdb.Item(0, len(key), value_start=len(key), value_end=len(tail))
    # Two buckets; the key's is empty and the other holds its one item.
    elsewhere = [0, 0] if gvdb.KEY_HASH % 2 == 0 else [0, 1]
    assert busy_dconf.find(gvdb.table([item], tail), KEY) == (b"\x01", "b")
    assert busy_dconf.find(gvdb.table([item], tail, buckets=elsewhere), KEY) is None


@pytest.mark.slow
def test_a_16_mib_database_is_read_in_half_a_second(compile_db) -> None:
    lines = []
    for folder in range(2000):
        lines.append(f"[org/test/folder{folder}]")
        lines.extend(f"key-{n}='{'x' * 40}'" for n in range(93))
    lines.append("[org/gnome/desktop/notifications]\nshow-banners=false\n")
    db = compile_db("\n".join(lines))
    assert 15 * 1024 * 1024 < db.stat().st_size <= 16 * 1024 * 1024
    result = _read_in_a_child(db)
    assert result["outcome"] == "False"
    assert result["seconds"] < 0.5
