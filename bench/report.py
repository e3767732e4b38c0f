"""The bench's tables: plain text that pastes into the README as Markdown."""

from __future__ import annotations

from typing import Any

MEMORY_READINGS = ("memory_start", "memory_settled", "memory_end")


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *map(line, rows)])


def cpu_seconds(idle: dict[str, Any]) -> float:
    """CPU over the window: from schedstat (ns) when the kernel has it, else from ticks."""
    if "cpu_ms_per_min_schedstat" in idle:
        return float(idle["cpu_ms_per_min_schedstat"]) * idle["seconds"] / 60 / 1000
    return float(idle["cpu_s_per_min"]) * idle["seconds"] / 60


def peer_figures(results: dict[str, Any]) -> dict[str, dict[str, float]]:
    """RSS and PSS after the window (MB), switches and CPU s in it: standup first, then peers."""

    def figures(memory: dict[str, int], idle: dict[str, Any]) -> dict[str, float]:
        return {
            "rss_mb": memory["rss_kb"] / 1024,
            "pss_mb": memory["pss_kb"] / 1024,
            "switches": float(idle["switches"]),
            "cpu_s": cpu_seconds(idle),
        }

    rows = {"standup": figures(results["memory_end"], results["idle"])}
    for name, peer in results["peers"]["programs"].items():
        rows[f"{name} {peer['version']}"] = figures(peer["memory_end"], peer["idle"])
    return rows


def peer_table(results: dict[str, Any]) -> str:
    """Each program's figures with its multiple of standup's ("12.3x"), over one window."""
    rows_in = peer_figures(results)
    ours = rows_in["standup"]
    rows = []
    for name, theirs in rows_in.items():
        cells = [name]
        for key, fmt in (("rss_mb", "{:.1f} MB"), ("pss_mb", "{:.1f} MB"),
                         ("switches", "{:,.0f}"), ("cpu_s", "{:.3f} s")):  # fmt: skip
            cell = fmt.format(theirs[key])
            if name != "standup":
                cell += f" ({_ratio(theirs[key], ours[key])})"
            cells.append(cell)
        rows.append(tuple(cells))
    seconds = results["idle"]["seconds"]
    header = (
        "program",
        "RSS",
        "PSS",
        f"context switches / {seconds:.0f} s",
        f"CPU / {seconds:.0f} s",
    )
    return table(header, rows)


def _ratio(theirs: float, ours: float) -> str:
    if ours <= 0:
        return "standup: 0" if theirs > 0 else "both 0"
    return f"{theirs / ours:.1f}x"


def render(results: dict[str, Any], passed: dict[str, bool], budgets: dict[str, float]) -> str:
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
                f"median <= {budgets['status_median_ms']:g} ms",
                mark("status_median_ms"),
            )
        )
    limit = budgets["commands_median_ms"]
    for label, timing in results["commands"].items():
        rows.append(
            (
                f"`standup {label}` median / p95",
                f"{timing['median_ms']} / {timing['p95_ms']} ms",
                f"median <= {limit:g} ms",
                "ok" if timing["median_ms"] <= limit else "OVER",  # each command on its own
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
            f"median <= {budgets['version_median_ms']:g} ms",
            mark("version_median_ms"),
        ),
    ]
    if "bar" in results:
        bar = results["bar"]
        poll, follow = bar["polling"], bar["follow"]
        woke = ", ".join(f"{k} {v}" for k, v in bar["daemon_with_follower"]["wakeups"].items())
        rows += [
            (
                "bar, `status --waybar` every 30 s",
                f"{poll['cpu_s_per_hour']} CPU s, {poll['switches_per_hour']} switches / h",
                "",
                "",
            ),
            (
                "bar, one `status --waybar --follow`",
                f"{follow['cpu_s_per_hour']} CPU s, {follow['switches_per_hour']} switches / h",
                "",
                "",
            ),
            ("daemon wake-ups with a follower", woke or "none", "", ""),
        ]
    rows += _tray_rows(results, passed)
    lines = [table(("measure", "standup", "budget", ""), rows)]
    if "peers" in results:
        settle = results["settle_minutes"]
        lines.append(f"\nPeers, same rig, same window ({settle:g} min after launch):")
        lines.append(peer_table(results))
        plumbing = results["peers"]["plumbing"]["memory_end"]
        lines.append(
            f"(their system bus and dconf-service, not counted: PSS "
            f"{plumbing['pss_kb'] / 1024:.1f} MB)"
        )
    return "\n".join(lines)


def _tray_rows(results: dict[str, Any], passed: dict[str, bool]) -> list[tuple[str, ...]]:
    """The daemon beside a tray host, against the same daemon with none."""
    shown = results.get("tray")
    if not shown:
        return []
    if "skipped" in shown:
        return [("with a tray host", f"not measured: {shown['skipped']}", "", "")]
    host, idle = shown["host"], shown["idle"]
    extra = (shown["memory_end"]["pss_kb"] - results["memory_end"]["pss_kb"]) / 1024
    woke = ", ".join(f"{k} {v}" for k, v in shown["wakeups"].items()) or "none"
    return [
        (
            f"PSS with the icon in {host}",
            f"{shown['memory_end']['pss_kb'] / 1024:.1f} MB ({extra:+.1f} MB)",
            "<= +3 MB",
            "ok" if passed["tray_pss_extra_mb"] else "OVER",
        ),
        (
            f"tray wake-ups / min, sitting ({idle['seconds']:.0f} s)",
            f"{shown['tray_wakeups_per_min']} (all: {woke})",
            "<= 1",
            "ok" if passed["tray_wakeups_per_min"] else "OVER",
        ),
        (
            "context switches / min with the icon",
            f"{idle['switches_per_min']:.1f} ({idle['threads']} threads)",
            "",
            "",
        ),
    ]
