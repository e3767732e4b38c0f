"""`standup run`: load the config, start the daemon, and live by the signals."""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path

from standup.config.settings import load_config
from standup.daemon.life import Daemon
from standup.errors import StandupError

log = logging.getLogger("standup")


def run(config_path: Path | None = None) -> int:
    """Run until SIGTERM or SIGINT (exit 0); SIGHUP re-reads the config."""
    # Everything the daemon creates (database, WAL and SHM files, socket) is for the user
    # alone, also when started outside the unit (whose UMask=0077 does the same).
    os.umask(0o077)
    daemon = Daemon(load_config(config_path), config_path=config_path)
    quit_requested = threading.Event()

    def on_stop(signum: int, frame: object) -> None:
        quit_requested.set()

    def on_hup(signum: int, frame: object) -> None:
        daemon.worker.submit(daemon.reload_quietly, "sighup")

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, on_hup)
    try:
        daemon.start()
    except StandupError:
        daemon.worker.commands.stop_server()
        raise
    # The main thread only waits for a signal: the handlers run between its waits.
    quit_requested.wait()
    log.info("stopping")
    daemon.stop()
    return 0
