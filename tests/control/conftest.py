"""Fixtures the control socket's tests share."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def sock_path() -> Iterator[Path]:
    """A socket path in a fresh directory under /tmp (not yet made, as the server makes it).

    pytest's tmp_path can exceed the 108-byte limit of AF_UNIX addresses; this one is short."""
    base = Path(tempfile.mkdtemp(prefix="sd", dir="/tmp"))
    yield base / "run" / "control.sock"
    shutil.rmtree(base, ignore_errors=True)
