"""`standup run` on a config file of the user's, for tests of commands that read that file too.

The daemon logs its reminders (no bus) and takes no idle source; the file is the user's
(under XDG_CONFIG_HOME, which the `xdg_dirs` fixture sets), so a command run with the same
environment reads what the daemon read.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def standup(
    env: dict[str, str], *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """A `standup` command as a user runs it, its output captured."""
    return subprocess.run([sys.executable, "-m", "standup", *args], capture_output=True,
                          text=True, timeout=60, env=env)  # fmt: skip


@contextmanager
def daemon_on_config(
    text: str, prepare: Callable[[Path], None] | None = None
) -> Iterator[tuple[dict[str, str], Path]]:
    """A daemon running the user's config file holding `text` (`prepare` sees the file before
    the daemon starts); yields the environment and the file."""
    env = {**os.environ, "STANDUP_NOTIFICATIONS__BACKEND": "log", "STANDUP_IDLE__SOURCE": "none"}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    config = Path(env["XDG_CONFIG_HOME"]) / "standup" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)
    if prepare is not None:
        prepare(config)
    proc = subprocess.Popen([sys.executable, "-m", "standup", "run"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while standup(env, "status").returncode != 0:
            assert proc.poll() is None and time.monotonic() < deadline, "standup run did not start"
            time.sleep(0.1)
        yield env, config
    finally:
        proc.terminate()
        proc.wait(timeout=10)
