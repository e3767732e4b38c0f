"""`standup.files.write_atomic`: the one way standup writes a file (issue 19, item 4)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from standup import files
from standup.files import FileWriteError, write_atomic

from rig import rig_unavailable

OTHER = 65534  # nobody


def test_a_temporary_name_with_a_link_planted_at_it_is_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    target = tmp_path / "dir" / "out.txt"
    target.parent.mkdir()
    (target.parent / ".out.txt.aaaa.tmp").symlink_to(victim)
    names = iter(["aaaa", "bbbb"])
    monkeypatch.setattr(files.secrets, "token_hex", lambda n: next(names))
    write_atomic(target, b"new\n")
    assert victim.read_text() == "precious\n"
    assert target.read_bytes() == b"new\n"
    assert sorted(p.name for p in target.parent.iterdir()) == [".out.txt.aaaa.tmp", "out.txt"]


def test_a_link_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    target = tmp_path / "out.txt"
    target.symlink_to(victim)
    write_atomic(target, b"new\n")
    assert not target.is_symlink() and target.read_bytes() == b"new\n"
    assert victim.read_text() == "precious\n"


def test_the_old_files_mode_stays_and_a_new_one_follows_the_umask(tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.write_text("x")
    old.chmod(0o600)
    write_atomic(old, b"y")
    assert old.stat().st_mode & 0o777 == 0o600
    mask = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new", b"y")
    finally:
        os.umask(mask)
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o640


def test_a_failed_check_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old\n")
    seen: list[bytes] = []

    def refuse(temporary: Path) -> None:
        seen.append(temporary.read_bytes())
        raise ValueError("no")

    with pytest.raises(ValueError):
        write_atomic(target, b"new\n", check=refuse)
    assert seen == [b"new\n"]
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name != "xdg"] == ["out.txt"]


def test_a_file_in_the_way_of_a_directory_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file\n")
    with pytest.raises(FileWriteError, match=r"data is a file, not a directory"):
        write_atomic(tmp_path / "data" / "applications" / "x.desktop", b"x")


@pytest.fixture
def others_dir() -> Iterator[Path]:
    """A directory uid OTHER owns, in a place root owns."""
    if os.geteuid() != 0:
        rig_unavailable("needs root to act as another user")
    base = Path(tempfile.mkdtemp(prefix="st-files-", dir="/tmp"))
    theirs = base / "theirs"
    theirs.mkdir()
    os.chown(theirs, OTHER, OTHER)
    yield theirs
    shutil.rmtree(base, ignore_errors=True)


def test_a_directory_another_user_owns_is_refused(others_dir: Path) -> None:
    with pytest.raises(FileWriteError, match=r"theirs belongs to nobody \(uid 65534\)"):
        write_atomic(others_dir / "sub" / "out.txt", b"x")
    assert list(others_dir.iterdir()) == []  # not even the directory was made


def test_a_link_another_user_planted_on_the_way_is_refused(others_dir: Path) -> None:
    mine = others_dir.parent / "mine"
    mine.mkdir()
    link = others_dir.parent / "via"
    link.symlink_to(mine)
    os.lchown(link, OTHER, OTHER)  # theirs to point anywhere
    with pytest.raises(FileWriteError, match=r"via belongs to nobody"):
        write_atomic(link / "out.txt", b"x")
    assert list(mine.iterdir()) == []


def test_the_helper_is_what_every_writer_uses() -> None:
    """No writer of ours opens a file for writing, or renames one, any other way."""
    src = Path(files.__file__).parent
    # (os.fdopen on a descriptor from mkstemp is safe: the name was created new, O_EXCL.)
    pattern = r"write_text|write_bytes|os\.replace|([^d]|^)open\(.*[\"']w"
    found = subprocess.run(
        ["grep", "-rlE", "--include=*.py", pattern, str(src)],
        capture_output=True, text=True, check=False,
    ).stdout.split()  # fmt: skip
    allowed = {
        "files.py",  # the helper itself
        "history/files.py",  # renames a corrupt database aside: no new content
        "exercises/pictures.py",  # draws the package's own pictures, a developer's tool
    }
    assert {str(Path(p).relative_to(src)) for p in found} <= allowed


def test_a_directory_swapped_for_a_link_after_the_check_is_refused(
    others_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the check on the path and the open, `out` becomes a link into another user's
    directory: what was opened is checked again."""
    out = others_dir.parent / "out"
    checked = files.make_dirs

    def check_then_swap(directory: Path, for_file: Path | None = None) -> None:
        checked(directory, for_file)
        directory.rename(directory.with_name("moved"))
        directory.symlink_to(others_dir)

    monkeypatch.setattr(files, "make_dirs", check_then_swap)
    with pytest.raises(FileWriteError, match=r"theirs belongs to nobody \(uid 65534\), not to"):
        write_atomic(out / "x.txt", b"x")
    assert list(others_dir.iterdir()) == []


def test_the_umask_is_read_without_changing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not Path("/proc/self/status").is_file():
        pytest.skip("no /proc: the umask is set and put back there")
    mask = os.umask(0o027)
    try:

        def changed(_mask: int) -> int:
            raise AssertionError("the umask was changed, for a moment, under every thread")

        monkeypatch.setattr(files.os, "umask", changed)
        write_atomic(tmp_path / "new", b"y")
    finally:
        monkeypatch.undo()
        os.umask(mask)
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o640


def test_a_problem_has_a_kind_to_match_on(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    problem = files.dir_problem(tmp_path / "file" / "sub")
    assert problem is not None and problem.kind is files.ProblemKind.NOT_A_DIRECTORY
    assert str(problem) == f"{tmp_path / 'file'} is a file, not a directory"
    assert files.dir_problem(tmp_path / "new" / "sub") is None


def test_a_link_that_leads_nowhere_in_the_way_is_named(tmp_path: Path) -> None:
    (tmp_path / "data").symlink_to(tmp_path / "gone")
    with pytest.raises(FileWriteError, match=r"data is a symbolic link that leads nowhere"):
        write_atomic(tmp_path / "data" / "applications" / "x.desktop", b"x")
