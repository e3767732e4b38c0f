"""`standup doctor`'s findings as data: each check, the report of them all, and the report as
text (`render`) or JSON (`Report.to_json`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from standup.i18n import N_, _
from standup.i18n.width import columns

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    finding: str
    hint: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    checks: list[Check]

    @property
    def exit_code(self) -> int:
        return 1 if any(c.status == "fail" for c in self.checks) else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.exit_code == 0,
            "checks": [
                {
                    "name": c.name,
                    "status": c.status,
                    "finding": c.finding,
                    "hint": c.hint,
                    "details": c.details,
                }
                for c in self.checks
            ],
        }


# The checks' names, as the text shows them (`--json` keeps the English name: scripts read it).
NAMES = {
    "python": N_("python"),
    "packages": N_("packages"),
    "config": N_("config"),
    "session bus": N_("session bus"),
    "notifications": N_("notifications"),
    "tray": N_("tray"),
    "idle": N_("idle"),
    "daemon": N_("daemon"),
    "systemd": N_("systemd"),
    "language": N_("language"),
}


def render(report: Report) -> str:
    names = {check.name: _(NAMES.get(check.name, check.name)) for check in report.checks}
    width = max(columns(name) for name in names.values())  # a Japanese name is twice as wide
    lines = []
    for check in report.checks:
        finding = check.finding.replace("\n", "\n" + " " * (width + 8))
        name = names[check.name] + " " * (width - columns(names[check.name]))
        lines.append(f"{check.status:<4}  {name}  {finding}")
        if check.hint and check.status != "ok":
            # Translators: doctor's advice under a check that found a problem.
            hint = _("hint: {advice}").format(advice=check.hint)
            lines.append(f"{'':<4}  {'':<{width}}  {hint}")
    if report.exit_code == 0:
        verdict = _("standup can remind you")
    else:
        verdict = _("standup cannot remind you")
    problems = sum(c.status != "ok" for c in report.checks)
    if problems:
        verdict = _("{verdict} ({count} to look at)").format(verdict=verdict, count=problems)
    lines.append(f"\n{verdict}")
    return "\n".join(lines) + "\n"
