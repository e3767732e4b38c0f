"""A test run stopped by Ctrl-C, by SIGTERM or by a failure leaves no rig and no temp dir.

A real pytest runs a test that holds the desktop rig (its bus, Xvfb and dunst) and then waits;
it is interrupted while the rig runs, and every process of the rig, and the run's temporary
folder, must be gone when it has exited.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rig import gone, wait_until
from sweep import descendants

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TESTS = Path(__file__).resolve().parents[1]

_INNER = """
import json, os, tempfile, time
from pathlib import Path

def test_holds_the_rig(rig):
    Path(os.environ["INNER_READY"]).write_text(json.dumps(
        {"tmpdir": tempfile.gettempdir(), "pid": os.getpid()}))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if os.path.exists(os.environ["INNER_FAIL"]):
            raise AssertionError("this test fails with the rig running")
        time.sleep(0.05)
"""


@pytest.mark.parametrize("end", ["SIGINT", "SIGTERM", "failure"])
def test_an_interrupted_run_leaves_nothing_behind(tmp_path: Path, end: str) -> None:
    (tmp_path / "test_inner.py").write_text(_INNER)
    ready = tmp_path / "ready.json"
    env = {
        **os.environ,
        "PYTHONPATH": str(TESTS),
        "INNER_READY": str(ready),
        "INNER_FAIL": str(tmp_path / "fail"),
    }
    env.pop("PYTEST_ADDOPTS", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "conftest", "-p", "no:cacheprovider",
         "-p", "no:randomly", "test_inner.py"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_until(lambda: ready.exists() or proc.poll() is not None, timeout=60, interval=0.05)
        assert ready.exists(), f"the inner run ended early:\n{proc.communicate()[0]}"
        inner = json.loads(ready.read_text())
        rig = descendants(proc.pid)
        names = set(rig.values())
        assert {"dbus-daemon", "Xvfb", "dunst"} <= names, f"the rig is not running: {rig}"
        if end == "failure":
            (tmp_path / "fail").touch()
        else:
            os.kill(proc.pid, getattr(signal, end))
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode != 0, output
    left = {pid: name for pid, name in rig.items() if not gone(pid)}
    assert not left, f"left running after {end}: {left}\n{output}"
    assert not Path(inner["tmpdir"]).exists(), f"{inner['tmpdir']} is still there\n{output}"
