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
from typing import Any

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


def session_pids(sid: int) -> list[int]:
    """Every live process in session sid: a program started with start_new_session and all it
    spawned, double-forked helpers included (they keep the session unless they call setsid)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone since the listing
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == sid and fields[0] != "Z":  # session is field 6 of proc(5)
            pids.append(int(entry.name))
    return sorted(pids)


def tree_memory(pids: list[int]) -> dict[str, int]:
    """Rss and Pss summed over processes (kB); Pss sums fairly, Rss counts shared pages twice."""
    total = {"rss_kb": 0, "pss_kb": 0, "processes": 0}
    for pid in pids:
        try:
            values = smaps_rollup(pid)
        except (FileNotFoundError, ProcessLookupError):
            continue
        total["rss_kb"] += values.get("rss_kb", 0)
        total["pss_kb"] += values.get("pss_kb", 0)
        total["processes"] += 1
    return total


def tree_counters(pids: list[int]) -> Counters:
    """The counters of several processes as one: CPU summed, switches per thread of each."""
    ticks = 0
    switches: dict[int, int] = {}
    cpu_ns: int | None = 0
    for pid in pids:
        try:
            one = read_counters(pid)
            reaped = _reaped_ticks(pid)
        except (FileNotFoundError, ProcessLookupError):
            continue
        ticks += one.cpu_ticks + reaped
        switches.update(one.switches)  # thread ids are unique across the system
        cpu_ns = None if cpu_ns is None or one.cpu_ns is None else cpu_ns + one.cpu_ns
    return Counters(time.monotonic(), ticks, cpu_ns, switches, len(switches))


def _reaped_ticks(pid: int) -> int:
    """CPU of children the process has waited for: a helper that came and went in the window."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[13]) + int(fields[14])  # cutime and cstime, fields 16 and 17 of proc(5)


def switches_between(before: Counters, after: Counters) -> tuple[int, dict[int, int]]:
    """Context switches over the window, in total and per thread (new threads count fully)."""
    per_thread = {tid: count - before.switches.get(tid, 0) for tid, count in after.switches.items()}
    return sum(per_thread.values()), per_thread


def window_figures(before: Counters, after: Counters) -> dict[str, Any]:
    """CPU and context switches between two readings, in total and per minute."""
    minutes = (after.at - before.at) / 60
    switches, per_thread = switches_between(before, after)
    ticks = after.cpu_ticks - before.cpu_ticks
    figures: dict[str, Any] = {
        "seconds": round(after.at - before.at, 1),
        "cpu_ticks": ticks,
        "cpu_s_per_min": round(ticks / CLOCK_TICKS / minutes, 4),
        "switches": switches,
        "switches_per_min": round(switches / minutes, 1),
        "switches_by_thread": {str(t): n for t, n in sorted(per_thread.items())},
        "threads": after.threads,
    }
    if before.cpu_ns is not None and after.cpu_ns is not None:
        figures["cpu_ms_per_min_schedstat"] = round(
            (after.cpu_ns - before.cpu_ns) / 1e6 / minutes, 2
        )
    return figures


# ---- timing whole processes ----------------------------------------------------------------


def time_runs(
    argv: list[str], env: dict[str, str], runs: int, ok_codes: tuple[int, ...] = (0,)
) -> list[float]:
    """Wall time in ms of `runs` runs of argv; a failing run is an error, not a fast sample.

    ok_codes: exit codes that are answers, not failures (doctor exits 1 when it finds a fault)."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(argv, env=env, capture_output=True, timeout=30, check=False)
        samples.append((time.perf_counter() - start) * 1000)
        if result.returncode not in ok_codes:
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
