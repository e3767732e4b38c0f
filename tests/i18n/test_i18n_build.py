"""The wheel carries the compiled translations; the tree never does."""

from __future__ import annotations

import gettext
import subprocess
import sys
import zipfile
from pathlib import Path

import pokit
from pokit import po

LOCALE_IN_WHEEL = "standup/locale/{}/LC_MESSAGES/{}.mo"


def test_the_wheel_has_a_compiled_catalogue_for_each_language(tmp_path: Path) -> None:
    """Built by hatchling with hatch_build.py, as pip and pybuild build it."""
    build = f"from hatchling.build import build_wheel; print(build_wheel({str(tmp_path)!r}))"
    done = subprocess.run(
        [sys.executable, "-c", build],
        cwd=pokit.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    wheel = tmp_path / done.stdout.split()[-1]
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert pokit.languages()
        for language in pokit.languages():
            for domain in po.DOMAINS:
                mo_name = LOCALE_IN_WHEEL.format(language, domain)
                assert mo_name in names
                (tmp_path / "read.mo").write_bytes(archive.read(mo_name))
                with (tmp_path / "read.mo").open("rb") as mo_file:
                    catalogue = gettext.GNUTranslations(mo_file)
                assert catalogue.info()["language"] == language
        assert not [n for n in names if n.endswith((".po", ".pot"))]
        # The bound for every language together: the wheel grows by at most 1 MB.
        grown = sum(i.compress_size for i in archive.infolist() if "/locale/" in i.filename)
        assert grown < 1_000_000 / 12 * len(pokit.languages())


def test_no_compiled_catalogue_is_in_the_tree() -> None:
    """The sources and the translations' folder hold no .mo: the build makes them (looked for
    on disk, not through git, which a release's root may not have)."""
    found = [p for folder in ("src", "po") for p in (pokit.ROOT / folder).rglob("*.mo")]
    assert found == []


def test_a_catalogue_compiled_here_is_the_one_gettext_reads(compiled: Path) -> None:
    for language in pokit.languages():
        for domain in po.DOMAINS:
            catalogue = gettext.translation(domain, compiled, languages=[language])
            assert catalogue.info()["language"] == language
