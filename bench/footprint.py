"""What standup costs while it waits: memory, CPU, wake-ups, command and reminder latency.

Runs a real `standup run` on the test rig (a private session bus, Xvfb and dunst, from
tests/rig.py), prints one table, writes JSON, and exits nonzero when a budget is missed.

    python bench/footprint.py            # 10 min settle + 120 s idle window: about 13 min
    python bench/footprint.py --quick    # 1 min settle + 30 s idle: for development
    python bench/footprint.py --peers    # Workrave and Safe Eyes beside it, same window

With --peers the two peers start with the daemon and are read at the same instants (bench/peers.py
says what each needs to run headless); the table gives each figure and its ratio to standup's.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import measure
import peers
import report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import tray_host  # noqa: E402  (imports the tray rig from the tests directory)

from standup.control import client as control  # noqa: E402

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
    "status_median_ms": 50.0,  # `status` and `status --waybar`, started by status bars
    "version_median_ms": 50.0,  # `--version`: as fast as `status`
    "commands_median_ms": 100.0,  # every other command, with the daemon running
    "latency_median_ms": 50.0,
    "tray_pss_extra_mb": 3.0,
    "tray_wakeups_per_min": 1.0,
}
TRAY_SETTLE = 60  # seconds beside the tray host before its window: the host has read the item

# The other commands, timed from start to exit as a user runs them, with the daemon running:
# `exercises` and `doctor` then take what it knows instead of loading the settings. doctor
# exits 1 when a check fails (on the rig there is no unit installed): that is its answer.
COMMANDS = {
    "config path": ((0,), ["config", "path"]),
    "exercises list": ((0,), ["exercises", "list"]),
    "exercises next": ((0,), ["exercises", "next"]),
    "exercises show": ((0,), ["exercises", "show", "leg-swings"]),
    "stats": ((0,), ["stats"]),
    "doctor": ((0, 1), ["doctor"]),
}


class Bench:
    def __init__(self, rig: Rig, base: Path) -> None:
        self.rig = rig
        self.base = base
        self.proc: subprocess.Popen[bytes] | None = None
        self.env: dict[str, str] = {}
        self.socket = rig.runtime_dir / "standup" / "control.sock"

    # ---- the daemon -------------------------------------------------------------------------

    def start_daemon(
        self, name: str, config_text: str, desktop: dict[str, str] | None = None
    ) -> int:
        """`standup run` on the rig, or on another desktop's bus and display (`desktop`)."""
        home = self.base / name
        for sub in ("config", "state", "etc-xdg"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        config = home / "config.toml"
        config.write_text(config_text)
        env = {k: v for k, v in os.environ.items() if not k.startswith("STANDUP_")}
        env.update(self.rig.env)
        env.update(desktop or {})
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

    def stay_until(self, deadline: float, move: Callable[[], None] | None = None) -> None:
        """Wait until the monotonic deadline, moving the mouse now and then like a user."""
        while (left := deadline - time.monotonic()) > 0:
            (move or self.rig.move_mouse)()
            time.sleep(min(MOUSE_EVERY, left))

    # ---- the measurements ------------------------------------------------------------------

    def status_round_trips(self, runs: int) -> dict[str, Any]:
        results: dict[str, Any] = {}
        commands = {"python -m standup status": [sys.executable, "-m", "standup", "status"]}
        script = Path(sys.executable).parent / "standup"
        if script.exists():
            commands["standup status"] = [str(script), "status"]
        prefix = [str(script)] if script.exists() else [sys.executable, "-m", "standup"]
        commands["standup status --waybar"] = [*prefix, "status", "--waybar"]
        german = self.german_session()
        envs = {label: self.env for label in commands}
        for label in ("standup status", "standup status --waybar"):  # the catalogue read too
            if label in commands:
                commands[f"{label} (German)"] = commands[label]
                envs[f"{label} (German)"] = german
        for label, argv in commands.items():
            measure.time_runs(argv, envs[label], 3)  # warm the page cache and .pyc files
            median, p95 = measure.median_p95(measure.time_runs(argv, envs[label], runs))
            results[label] = {"median_ms": round(median, 1), "p95_ms": round(p95, 1)}
        return results

    def german_session(self) -> dict[str, str]:
        """The environment of a German session: an installed standup has its catalogues; a
        checkout's editable install gets the tree's, compiled as the wheel's build does."""
        from standup.i18n import localedir

        env = {**self.env, "LANG": "de_DE.UTF-8"}
        if not (localedir() / "de").is_dir():
            import pokit  # from the tests directory, on the path already

            env["STANDUP_LOCALEDIR"] = str(pokit.compile_tree(self.base / "locale"))
        return env

    def import_times(self) -> dict[str, float]:
        py = sys.executable
        baseline = measure.import_ms(py, ["-c", "pass"], self.env)
        client = measure.import_ms(py, ["-m", "standup", "--version"], self.env)
        daemon = measure.import_ms(py, ["-c", "import standup.daemon.life"], self.env)
        version = measure.time_runs([py, "-m", "standup", "--version"], self.env, 20)
        bare = measure.time_runs([py, "-c", "pass"], self.env, 20)
        return {
            "interpreter_start_imports_ms": round(baseline, 1),
            "client_imports_ms": round(client - baseline, 1),
            "daemon_imports_ms": round(daemon - baseline, 1),
            "version_wall_ms": round(measure.median_p95(version)[0], 1),
            "bare_python_wall_ms": round(measure.median_p95(bare)[0], 1),
        }

    def command_times(self, runs: int) -> dict[str, Any]:
        script = Path(sys.executable).parent / "standup"
        prefix = [str(script)] if script.exists() else [sys.executable, "-m", "standup"]
        results: dict[str, Any] = {}
        for label, (ok_codes, args) in COMMANDS.items():
            argv = [*prefix, *args]
            measure.time_runs(argv, self.env, 3, ok_codes)  # warm the caches, as for status
            median, p95 = measure.median_p95(measure.time_runs(argv, self.env, runs, ok_codes))
            results[label] = {"median_ms": round(median, 1), "p95_ms": round(p95, 1)}
        return results

    def idle_window(
        self, pid: int, seconds: float, others: peers.Peers | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """standup's idle figures, and the peers' over the same window (read just inside it)."""
        before_status = self.status_json()
        before = measure.read_counters(pid)
        others_before = others.counters() if others else {}
        self.stay_until(time.monotonic() + seconds)
        others_after = others.counters() if others else {}
        after = measure.read_counters(pid)
        after_status = self.status_json()
        wakeups = _counter_diff(before_status["wakeups"], after_status["wakeups"])
        if wakeups.get("control"):
            wakeups["control"] -= 1  # the "after" status request itself
        result = measure.window_figures(before, after)
        result.update(
            wakeups=wakeups,
            state=[before_status["state"], after_status["state"]],
            idle_source=after_status.get("idle_source"),
        )
        theirs = {
            name: measure.window_figures(others_before[name], others_after[name])
            for name in others_before
        }
        return result, theirs

    def bar_feeds(self, pid: int, seconds: float, polls: int) -> dict[str, Any]:
        """What a status bar costs an hour: `status --waybar` started every 30 s (the old way)
        against one `status --waybar --follow` left running, and what the daemon does for it."""
        argv = [sys.executable, "-m", "standup", "status", "--waybar"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        for _ in range(polls):
            subprocess.run(argv, env=self.env, capture_output=True, timeout=30, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / polls
        switches = (after.ru_nvcsw + after.ru_nivcsw - before.ru_nvcsw - before.ru_nivcsw) / polls
        polling = {
            "cpu_s_per_hour": round(cpu * 120, 3),
            "switches_per_hour": round(switches * 120),
            "runs_measured": polls,
        }
        follower = subprocess.Popen(
            [*argv, "--follow"], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        try:
            assert follower.stdout is not None
            follower.stdout.readline()  # connected, first line out: its start is not counted
            daemon_before = self.status_json()["wakeups"]
            mine, theirs = measure.read_counters(follower.pid), measure.read_counters(pid)
            self.stay_until(time.monotonic() + seconds)
            mine_after, theirs_after = (
                measure.read_counters(follower.pid),
                measure.read_counters(pid),
            )
            daemon_after = self.status_json()["wakeups"]
        finally:
            follower.kill()
            follower.wait(timeout=10)
        ours = measure.window_figures(mine, mine_after)
        daemon = measure.window_figures(theirs, theirs_after)
        wakeups = _counter_diff(daemon_before, daemon_after)
        wakeups["control"] = wakeups.get("control", 0) - 1  # the "after" status itself
        return {
            "polling": polling,
            "follow": {
                "cpu_s_per_hour": round(ours["cpu_s_per_min"] * 60, 3),
                "switches_per_hour": round(ours["switches_per_min"] * 60),
                "seconds": ours["seconds"],
            },
            "daemon_with_follower": {
                "switches_per_min": daemon["switches_per_min"],
                "wakeups": {k: v for k, v in wakeups.items() if v},
            },
        }

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
    others = peers.Peers(rig.env, base / "peers") if args.peers else None
    results: dict[str, Any] = {
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.release()}",
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "settle_minutes": args.settle_minutes,
    }
    try:
        pid = bench.start_daemon("idle", IDLE_CONFIG)
        started = time.monotonic()
        results["memory_start"] = measure.smaps_rollup(pid)
        if others is not None:
            others.start()  # within a second of the daemon: the same settle for all
            others.wait_quiet()  # their start-up burns CPU the client timings would feel
        # Client timings run while the daemon settles: they are processes of their own.
        results["status"] = bench.status_round_trips(args.status_runs)
        results["commands"] = bench.command_times(args.command_runs)
        results["imports"] = bench.import_times()
        bench.stay_until(started + args.settle_minutes * 60)
        results["memory_settled"] = measure.smaps_rollup(pid)
        their_settled = others.memory() if others else {}
        results["idle"], their_idle = bench.idle_window(pid, args.idle_seconds, others)
        results["memory_end"] = measure.smaps_rollup(pid)
        results["bar"] = bench.bar_feeds(pid, args.idle_seconds, args.status_runs // 5)
        if others is not None:
            results["peers"] = _peer_results(others, their_settled, their_idle)
            others.stop()
        bench.stop_daemon()
        results["tray"] = tray_host.measure_tray(bench, IDLE_CONFIG, TRAY_SETTLE, args.idle_seconds)
        results["latency"] = bench.reminder_latency(args.latency_rounds)
    finally:
        if others is not None:
            others.stop()
        bench.stop_daemon()
        rig.stop()
        shutil.rmtree(base, ignore_errors=True)
    return results


def _cpu_model() -> str:
    """The CPU's name as the kernel gives it: the README's table names the machine."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return platform.processor() or "unknown"


def _peer_results(
    others: peers.Peers, settled: dict[str, Any], idle: dict[str, Any]
) -> dict[str, Any]:
    end = others.memory()
    programs = others.describe()
    for name, peer in programs.items():
        peer.update(memory_settled=settled[name], memory_end=end[name], idle=idle[name])
    plumbing = {"memory_settled": settled["plumbing"], "memory_end": end["plumbing"]}
    return {"programs": programs, "plumbing": plumbing}


def check_budgets(results: dict[str, Any]) -> dict[str, bool]:
    # PSS shares library pages with every process mapping the same files, so it reads low while
    # other Python processes run: the budget holds for the worst reading.
    worst_pss = max(results[k]["pss_kb"] for k in report.MEMORY_READINGS) / 1024
    status_medians = [v["median_ms"] for v in results["status"].values()]
    command_medians = [v["median_ms"] for v in results["commands"].values()]
    return {
        "pss_mb": worst_pss <= BUDGETS["pss_mb"],
        "switches_per_min": results["idle"]["switches_per_min"] <= BUDGETS["switches_per_min"],
        "cpu_s_per_min": results["idle"]["cpu_s_per_min"] <= BUDGETS["cpu_s_per_min"],
        "status_median_ms": max(status_medians) <= BUDGETS["status_median_ms"],
        "version_median_ms": results["imports"]["version_wall_ms"] <= BUDGETS["version_median_ms"],
        "commands_median_ms": max(command_medians) <= BUDGETS["commands_median_ms"],
        "latency_median_ms": results["latency"]["median_ms"] < BUDGETS["latency_median_ms"],
        **_tray_budgets(results),
    }


def _tray_budgets(results: dict[str, Any]) -> dict[str, bool]:
    """The icon costs at most 3 MB of PSS over the same daemon with no host, and at most one
    wake-up a minute while a stretch counts (none where no host was measured)."""
    shown = results.get("tray", {})
    if "memory_end" not in shown:
        return {}
    extra_mb = (shown["memory_end"]["pss_kb"] - results["memory_end"]["pss_kb"]) / 1024
    return {
        "tray_pss_extra_mb": extra_mb <= BUDGETS["tray_pss_extra_mb"],
        "tray_wakeups_per_min": shown["tray_wakeups_per_min"] <= BUDGETS["tray_wakeups_per_min"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle-minutes", type=float, default=10.0)
    parser.add_argument("--idle-seconds", type=float, default=120.0)
    parser.add_argument("--status-runs", type=int, default=50)
    parser.add_argument("--command-runs", type=int, default=20)
    parser.add_argument("--latency-rounds", type=int, default=10)
    parser.add_argument(
        "--peers", action="store_true", help="run Workrave and Safe Eyes beside standup"
    )
    parser.add_argument("--quick", action="store_true", help="settle 1 min, idle 30 s")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.settle_minutes, args.idle_seconds = 1.0, 30.0
    if args.peers and (absent := peers.missing()):
        print(f"--peers needs {', '.join(absent)}; install them with:\n  {peers.INSTALL_HINT}")
        return 2
    results = run(args)
    passed = check_budgets(results)
    results["budgets"] = {k: {"limit": BUDGETS[k], "ok": v} for k, v in passed.items()}
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(report.render(results, passed, BUDGETS))
    print(f"\nwritten to {args.out}")
    return 0 if all(passed.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
