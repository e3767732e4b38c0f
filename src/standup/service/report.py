"""`standup doctor`'s findings as data: each check, the report of them all, and the report as
text (`render`) or JSON (`Report.to_json`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from standup.i18n import _, pgettext
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
def names() -> dict[str, str]:
    """The checks' names as the text shows them, in the user's language (`--json` keeps the
    English name: scripts read it). A context of their own: the tray says "idle" of a state."""
    return {
        "python": pgettext("doctor check", "python"),
        "packages": pgettext("doctor check", "packages"),
        "config": pgettext("doctor check", "config"),
        "session bus": pgettext("doctor check", "session bus"),
        "notifications": pgettext("doctor check", "notifications"),
        "tray": pgettext("doctor check", "tray"),
        "idle": pgettext("doctor check", "idle"),
        "daemon": pgettext("doctor check", "daemon"),
        "systemd": pgettext("doctor check", "systemd"),
        "language": pgettext("doctor check", "language"),
    }


def render(report: Report) -> str:
    known = names()
    shown = {check.name: known.get(check.name, check.name) for check in report.checks}
    width = max(columns(name) for name in shown.values())  # a Japanese name is twice as wide
    lines = []
    for check in report.checks:
        finding = check.finding.replace("\n", "\n" + " " * (width + 8))
        name = shown[check.name] + " " * (width - columns(shown[check.name]))
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
