"""What standup costs while it waits: memory, CPU, wake-ups, command and reminder latency.

Runs a real `standup run` on the test rig (a private session bus, Xvfb and dunst, from
tests/rig.py), prints one table, writes JSON, and exits nonzero when a budget is missed.

    python bench/footprint.py            # 10 min settle + 120 s idle window: about 13 min
    python bench/footprint.py --quick    # 1 min settle + 30 s idle: for development
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import measure

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from standup import control  # noqa: E402

from rig import Rig, wait_until  # noqa: E402  (the tests directory is not a package)

# The daemon as most people run it: a reminder after 50 min, a break is 5 min away from the
# desk (so presence is sampled every 60 s), idle time read from X (the rig's Xvfb).
IDLE_CONFIG = '[schedule]\nsit = "50m"\nnatural_break = "5m"\n[idle]\nsource = "auto"\n'
LATENCY_SIT = 3  # seconds: short enough for ten rounds, long enough to read the due time
# Seconds between synthetic mouse moves: the user is at the desk, so the stretch goes on.
MOUSE_EVERY = 30

BUDGETS = {
    "pss_mb": 40.0,
    "switches_per_min": 10.0,
    "cpu_s_per_min": 0.01,
    "status_median_ms": 60.0,
    "latency_median_ms": 50.0,
}

MEMORY_READINGS = ("memory_start", "memory_settled", "memory_end")

# Measured the same way (PSS, /proc counters over an idle window) on this kind of machine.
PEERS = [
    ("Workrave 1.10", "65 MB", "about 700", "0.075"),
    ("Safe Eyes 2.1", "67 MB", "120 to 700", "0.01 to 0.11"),
    ("bare Python interpreter", "7 MB", "-", "-"),
]


class Bench:
    def __init__(self, rig: Rig, base: Path) -> None:
        self.rig = rig
        self.base = base
        self.proc: subprocess.Popen[bytes] | None = None
        self.env: dict[str, str] = {}
        self.socket = rig.runtime_dir / "standup" / "control.sock"

    # ---- the daemon -------------------------------------------------------------------------

    def start_daemon(self, name: str, config_text: str) -> int:
        home = self.base / name
        for sub in ("config", "state", "etc-xdg"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        config = home / "config.toml"
        config.write_text(config_text)
        env = {k: v for k, v in os.environ.items() if not k.startswith("STANDUP_")}
        env.update(self.rig.env)
        env.update(
            XDG_CONFIG_HOME=str(home / "config"),
            XDG_STATE_HOME=str(home / "state"),
            XDG_CONFIG_DIRS=str(home / "etc-xdg"),
            STANDUP_CONFIG=str(config),
        )
        self.env = env
        log = (home / "daemon.log").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "standup", "run"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
        log.close()
        wait_until(self._answers, timeout=30, interval=0.05)
        return self.proc.pid

    def _answers(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise RuntimeError(f"standup run exited with {self.proc.returncode}")
        try:
            control.request("status", path=self.socket, timeout=1)
        except control.StandupError:
            return False
        return True

    def stop_daemon(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)
        self.proc = None

    def status_json(self) -> dict[str, Any]:
        """`standup status --json` as a user runs it."""
        result = subprocess.run(
            [sys.executable, "-m", "standup", "status", "--json"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return json.loads(result.stdout)

    def stay_until(self, deadline: float) -> None:
        """Wait until the monotonic deadline, moving the mouse now and then like a user."""
        while (left := deadline - time.monotonic()) > 0:
            self.rig.move_mouse()
            time.sleep(min(MOUSE_EVERY, left))

    # ---- the measurements ------------------------------------------------------------------

    def status_round_trips(self, runs: int) -> dict[str, Any]:
        results: dict[str, Any] = {}
        commands = {"python -m standup status": [sys.executable, "-m", "standup", "status"]}
        script = Path(sys.executable).parent / "standup"
        if script.exists():
            commands["standup status"] = [str(script), "status"]
        for label, argv in commands.items():
            measure.time_runs(argv, self.env, 3)  # warm the page cache and .pyc files
            median, p95 = measure.median_p95(measure.time_runs(argv, self.env, runs))
            results[label] = {"median_ms": round(median, 1), "p95_ms": round(p95, 1)}
        return results

    def import_times(self) -> dict[str, float]:
        py = sys.executable
        baseline = measure.import_ms(py, ["-c", "pass"], self.env)
        client = measure.import_ms(py, ["-m", "standup", "--version"], self.env)
        daemon = measure.import_ms(py, ["-c", "import standup.daemon"], self.env)
        version = measure.time_runs([py, "-m", "standup", "--version"], self.env, 20)
        bare = measure.time_runs([py, "-c", "pass"], self.env, 20)
        return {
            "interpreter_start_imports_ms": round(baseline, 1),
            "client_imports_ms": round(client - baseline, 1),
            "daemon_imports_ms": round(daemon - baseline, 1),
            "version_wall_ms": round(measure.median_p95(version)[0], 1),
            "bare_python_wall_ms": round(measure.median_p95(bare)[0], 1),
        }

    def idle_window(self, pid: int, seconds: float) -> dict[str, Any]:
        before_status = self.status_json()
        before = measure.read_counters(pid)
        self.stay_until(time.monotonic() + seconds)
        after = measure.read_counters(pid)
        after_status = self.status_json()
        minutes = (after.at - before.at) / 60
        switches, per_thread = measure.switches_between(before, after)
        wakeups = _counter_diff(before_status["wakeups"], after_status["wakeups"])
        if wakeups.get("control"):
            wakeups["control"] -= 1  # the "after" status request itself
        cpu_s = (after.cpu_ticks - before.cpu_ticks) / measure.CLOCK_TICKS
        result: dict[str, Any] = {
            "seconds": round(after.at - before.at, 1),
            "cpu_ticks": after.cpu_ticks - before.cpu_ticks,
            "cpu_s_per_min": round(cpu_s / minutes, 4),
            "switches": switches,
            "switches_per_min": round(switches / minutes, 1),
            "switches_by_thread": {str(t): n for t, n in sorted(per_thread.items())},
            "threads": after.threads,
            "wakeups": wakeups,
            "state": [before_status["state"], after_status["state"]],
            "idle_source": after_status.get("idle_source"),
        }
        if before.cpu_ns is not None and after.cpu_ns is not None:
            result["cpu_ms_per_min_schedstat"] = round(
                (after.cpu_ns - before.cpu_ns) / 1e6 / minutes, 2
            )
        return result

    def reminder_latency(self, rounds: int) -> dict[str, Any]:
        """From the due time to the Notify call seen on the bus, over `rounds` reminders."""
        watch = measure.NotifyWatch(self.rig.bus_address)
        watch.start()
        try:
            self.start_daemon("latency", f'[schedule]\nsit = "{LATENCY_SIT}s"\n')
            watch.wait_for(1, timeout=LATENCY_SIT + 10)  # the first one warms up: not counted
            latencies = []
            for n in range(2, rounds + 2):
                due, reported = self._done_and_due()
                arrived = watch.wait_for(n, timeout=LATENCY_SIT + 10)
                # The status shows whole seconds; it must agree with the bracketed due time.
                if math.floor(due) != reported.timestamp():
                    raise RuntimeError(f"due time {due} disagrees with the status {reported}")
                latencies.append((arrived - due) * 1000)
        finally:
            watch.stop()
            self.stop_daemon()
        median, p95 = measure.median_p95(latencies)
        return {
            "median_ms": round(median, 1),
            "p95_ms": round(p95, 1),
            "max_ms": round(max(latencies), 1),
            "samples_ms": [round(x, 1) for x in latencies],
        }

    def _done_and_due(self) -> tuple[float, datetime]:
        """Answer Done; return the earliest instant the new reminder can be due, and the
        due time the daemon reports.

        The status rounds times down to the second, so the due time is bracketed by the
        moments the request left and the reply came back (a millisecond apart). Taking the
        earliest makes the latency an upper bound."""
        sent = time.time()
        reply = control.request("done", path=self.socket)
        due_floor = datetime.fromisoformat(reply["sitting_since"]).timestamp() + LATENCY_SIT
        reported = datetime.fromisoformat(reply["next_reminder_at"])
        return max(sent + LATENCY_SIT, due_floor), reported


def _counter_diff(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: after.get(k, 0) - before.get(k, 0) for k in sorted(set(before) | set(after))}


def run(args: argparse.Namespace) -> dict[str, Any]:
    base = Path(tempfile.mkdtemp(prefix="standup-bench-"))
    rig = Rig(base / "rig")
    rig.start()
    bench = Bench(rig, base)
    results: dict[str, Any] = {
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.release()}",
        "python": platform.python_version(),
        "settle_minutes": args.settle_minutes,
    }
    try:
        pid = bench.start_daemon("idle", IDLE_CONFIG)
        started = time.monotonic()
        results["memory_start"] = measure.smaps_rollup(pid)
        # Client timings run while the daemon settles: they are processes of their own.
        results["status"] = bench.status_round_trips(args.status_runs)
        results["imports"] = bench.import_times()
        bench.stay_until(started + args.settle_minutes * 60)
        results["memory_settled"] = measure.smaps_rollup(pid)
        results["idle"] = bench.idle_window(pid, args.idle_seconds)
        results["memory_end"] = measure.smaps_rollup(pid)
        bench.stop_daemon()
        results["latency"] = bench.reminder_latency(args.latency_rounds)
    finally:
        bench.stop_daemon()
        rig.stop()
        shutil.rmtree(base, ignore_errors=True)
    return results


def check_budgets(results: dict[str, Any]) -> dict[str, bool]:
    # PSS shares library pages with every process mapping the same files, so it reads low while
    # other Python processes run: the budget holds for the worst reading.
    worst_pss = max(results[k]["pss_kb"] for k in MEMORY_READINGS) / 1024
    status_medians = [v["median_ms"] for v in results["status"].values()]
    return {
        "pss_mb": worst_pss <= BUDGETS["pss_mb"],
        "switches_per_min": results["idle"]["switches_per_min"] <= BUDGETS["switches_per_min"],
        "cpu_s_per_min": results["idle"]["cpu_s_per_min"] <= BUDGETS["cpu_s_per_min"],
        "status_median_ms": max(status_medians) < BUDGETS["status_median_ms"],
        "latency_median_ms": results["latency"]["median_ms"] < BUDGETS["latency_median_ms"],
    }


def render(results: dict[str, Any], passed: dict[str, bool]) -> str:
    def mark(key: str) -> str:
        return "ok" if passed[key] else "OVER"

    idle, imports = results["idle"], results["imports"]
    mem = [(k, results[k]) for k in MEMORY_READINGS]
    rows = [(f"PSS / RSS, {label.split('_')[1]}", f"{m['pss_kb'] / 1024:.1f} / "
             f"{m['rss_kb'] / 1024:.1f} MB", "PSS <= 40 MB", mark("pss_mb"))
            for label, m in mem]  # fmt: skip
    minutes = idle["seconds"] / 60
    rows += [
        (
            f"context switches / idle min ({idle['seconds']:.0f} s)",
            f"{idle['switches_per_min']:.1f} ({idle['switches']} total)",
            "<= 10",
            mark("switches_per_min"),
        ),
        (
            "CPU s / idle min (ticks)",
            f"{idle['cpu_s_per_min']:.4f} ({idle['cpu_ticks']} ticks in {minutes:.1f} min)",
            "<= 0.01",
            mark("cpu_s_per_min"),
        ),
    ]
    if "cpu_ms_per_min_schedstat" in idle:
        precise = f"{idle['cpu_ms_per_min_schedstat']}"
        rows.append(("CPU ms / idle min (schedstat)", precise, "", ""))
    wakeups = ", ".join(f"{k} {v}" for k, v in idle["wakeups"].items() if v) or "none"
    rows += [
        ("threads", str(idle["threads"]), "", ""),
        ("wake-ups in the window", wakeups, "", ""),
        ("state before / after", " / ".join(idle["state"]) + f" ({idle['idle_source']})", "", ""),
    ]
    for label, timing in results["status"].items():
        rows.append(
            (
                f"`{label}` median / p95",
                f"{timing['median_ms']} / {timing['p95_ms']} ms",
                "median < 60 ms",
                mark("status_median_ms"),
            )
        )
    latency = results["latency"]
    rows += [
        (
            "reminder latency median / p95 / max",
            f"{latency['median_ms']} / {latency['p95_ms']} / {latency['max_ms']} ms",
            "median < 50 ms",
            mark("latency_median_ms"),
        ),
        ("imports: `standup --version`", f"{imports['client_imports_ms']} ms", "", ""),
        ("imports: `standup.daemon`", f"{imports['daemon_imports_ms']} ms", "", ""),
        (
            "wall: `standup --version` / bare python",
            f"{imports['version_wall_ms']} / {imports['bare_python_wall_ms']} ms",
            "",
            "",
        ),
    ]
    lines = [_table(("measure", "standup", "budget", ""), rows)]
    lines.append("\nPeers (same method, same kind of machine):")
    lines.append(_table(("program", "PSS", "switches / idle min", "CPU s / idle min"), PEERS))
    return "\n".join(lines)


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *map(line, rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle-minutes", type=float, default=10.0)
    parser.add_argument("--idle-seconds", type=float, default=120.0)
    parser.add_argument("--status-runs", type=int, default=50)
    parser.add_argument("--latency-rounds", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="settle 1 min, idle 30 s")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.settle_minutes, args.idle_seconds = 1.0, 30.0
    results = run(args)
    passed = check_budgets(results)
    results["budgets"] = {k: {"limit": BUDGETS[k], "ok": v} for k, v in passed.items()}
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(render(results, passed))
    print(f"\nwritten to {args.out}")
    return 0 if all(passed.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
