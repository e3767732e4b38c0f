"""`.ci/install-packages`: what CI installs, and that a machine with everything asks no mirror.

It runs for real against this machine's dpkg database; apt-get and apt-cache are stand-ins
that record what they were asked, so no test installs anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from rig import rig_unavailable

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "install-packages"

# apt-cache knows only the packages named in $KNOWN; apt-get records its arguments.
_APT_CACHE = '#!/bin/sh\n[ "$1" = show ] && echo " $KNOWN " | grep -q " $2 "\n'
_APT_GET = '#!/bin/sh\necho "$*" >> "$APT_LOG"\n'


def _run(
    tmp_path: Path, listing: str, known: str = ""
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    if shutil.which("dpkg-query") is None:
        rig_unavailable("dpkg-query is missing: not a Debian system")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("apt-cache", _APT_CACHE), ("apt-get", _APT_GET)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    packages = tmp_path / "packages"
    packages.write_text(listing)
    log = tmp_path / "apt.log"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "KNOWN": known,
           "APT_LOG": str(log)}  # fmt: skip
    out = subprocess.run(["bash", str(SCRIPT), str(packages)], env=env, capture_output=True,
                         text=True, timeout=60, check=False)  # fmt: skip
    calls = log.read_text().splitlines() if log.exists() else []
    return out, calls


def test_installed_virtual_and_renamed_packages_ask_no_mirror(tmp_path: Path) -> None:
    listing = (
        "# every one of these is here\n"
        "dpkg coreutils  # plain names\n"
        "awk\n"  # virtual: mawk or gawk provides it
        "standup-no-such-package|dash\n"  # renamed: the second name is the one installed
    )
    out, calls = _run(tmp_path, listing)
    assert out.returncode == 0, out.stderr
    assert calls == []


def test_what_is_missing_is_installed_under_the_name_the_release_has(tmp_path: Path) -> None:
    listing = "dpkg\nstandup-old-name|standup-new-name\nstandup-plain\n"
    out, calls = _run(tmp_path, listing, known="standup-new-name standup-plain")
    assert out.returncode == 0, out.stderr
    assert calls[0] == "update -qq"
    assert calls[1].split()[-2:] == ["standup-new-name", "standup-plain"]
    assert len(calls) == 2


def test_a_package_no_release_name_matches_fails_and_says_which(tmp_path: Path) -> None:
    out, calls = _run(tmp_path, "standup-gone-a|standup-gone-b\n")
    assert out.returncode == 1
    assert "standup-gone-a, standup-gone-b" in out.stderr
    assert not any(call.startswith("install") for call in calls)


def test_on_a_machine_ci_set_up_nothing_of_the_list_is_missing(tmp_path: Path) -> None:
    """.ci/run installed the list before the tests: a second run must install nothing."""
    if not os.environ.get("CI"):
        pytest.skip("only a machine that ran .ci/run has the whole list")
    out, calls = _run(tmp_path, (SCRIPT.parent / "packages").read_text())
    assert out.returncode == 0, out.stderr
    assert calls == [], f"a second run would install again: {calls}"
