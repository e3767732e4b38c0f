"""Readings for the footprint benchmark: /proc counters, import times, and a bus monitor.

No standup imports here: these helpers look at a process from the outside, as a user's `top`
or `perf` would, so what they measure is the real daemon and nothing the benchmark adds.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ---- memory and scheduling counters -------------------------------------------------------


def smaps_rollup(pid: int) -> dict[str, int]:
    """Rss and Pss of a process in kB (Pss shares library pages fairly between processes)."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        match = re.match(r"(Rss|Pss):\s+(\d+) kB", line)
        if match:
            values[match.group(1).lower() + "_kb"] = int(match.group(2))
    return values


@dataclass(frozen=True)
class Counters:
    """CPU and scheduling counters of one process at one instant."""

    at: float  # time.monotonic()
    cpu_ticks: int  # utime + stime, in clock ticks
    cpu_ns: int | None  # the same from schedstat, in ns: finer than a tick (None if absent)
    switches: dict[int, int]  # per thread id: voluntary + involuntary context switches
    threads: int


def read_counters(pid: int) -> Counters:
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name may hold spaces and parentheses: the fields start after the last ')'.
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    switches: dict[int, int] = {}
    cpu_ns: int | None = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            status = (task / "status").read_text()
            schedstat = (task / "schedstat").read_text() if cpu_ns is not None else ""
        except FileNotFoundError:  # the thread ended between listing and reading
            continue
        total = sum(
            int(m) for m in re.findall(r"^(?:non)?voluntary_ctxt_switches:\s+(\d+)", status, re.M)
        )
        switches[int(task.name)] = total
        if cpu_ns is not None:
            cpu_ns = cpu_ns + int(schedstat.split()[0]) if schedstat else None
    return Counters(time.monotonic(), utime + stime, cpu_ns, switches, len(switches))


def switches_between(before: Counters, after: Counters) -> tuple[int, dict[int, int]]:
    """Context switches over the window, in total and per thread (new threads count fully)."""
    per_thread = {tid: count - before.switches.get(tid, 0) for tid, count in after.switches.items()}
    return sum(per_thread.values()), per_thread


# ---- timing whole processes ----------------------------------------------------------------


def time_runs(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    """Wall time in ms of `runs` runs of argv; a failing run is an error, not a fast sample."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(argv, env=env, capture_output=True, timeout=30, check=False)
        samples.append((time.perf_counter() - start) * 1000)
        if result.returncode != 0:
            raise RuntimeError(f"{argv} failed ({result.returncode}): {result.stderr.decode()}")
    return samples


def median_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def import_ms(python: str, args: list[str], env: dict[str, str], runs: int = 5) -> float:
    """Median over runs of the summed cumulative import time (ms) of the top-level imports.

    `-X importtime` prints one line per module; top-level lines (no extra indent) are the
    imports the interpreter and the command did themselves, and their cumulative column
    includes everything they pulled in."""
    totals = []
    for _ in range(runs):
        result = subprocess.run(
            [python, "-X", "importtime", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        total_us = 0
        for line in result.stderr.splitlines():
            match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
            if match and not match.group(2):  # no indent: a top-level import
                total_us += int(match.group(1))
        totals.append(total_us / 1000)
    return statistics.median(totals)


# ---- watching Notify calls on the bus --------------------------------------------------------


@dataclass
class NotifyWatch:
    """Eavesdrops on a bus (BecomeMonitor) and stamps each Notify call with its arrival time."""

    address: str
    arrivals: list[float] = field(default_factory=list)  # time.time() of each Notify
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        from jeepney import HeaderFields, MessageType
        from jeepney.bus_messages import Monitoring
        from jeepney.io.blocking import open_dbus_connection

        conn = open_dbus_connection(self.address)
        rule = "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"
        # BecomeMonitor has no reply worth waiting for: the connection turns into a monitor.
        conn.send(Monitoring().BecomeMonitor([rule]))

        def listen() -> None:
            try:
                while not self._stop.is_set():
                    try:
                        msg = conn.receive(timeout=0.5)
                    except TimeoutError:
                        continue
                    stamp = time.time()
                    header = msg.header
                    if (
                        header.message_type is MessageType.method_call
                        and header.fields.get(HeaderFields.member) == "Notify"
                    ):
                        with self._cond:
                            self.arrivals.append(stamp)
                            self._cond.notify_all()
            finally:
                conn.close()

        self._thread = threading.Thread(target=listen, name="notify-watch", daemon=True)
        self._thread.start()

    def wait_for(self, count: int, timeout: float) -> float:
        """The arrival time of the count-th Notify (1-based), waiting up to timeout seconds."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.arrivals) >= count, timeout):
                raise TimeoutError(f"no Notify number {count} within {timeout} s")
            return self.arrivals[count - 1]

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
