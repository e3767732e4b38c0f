"""`standup service install|uninstall|status` and `standup doctor`: builders and runners.

The work lives in `standup.service.install` and `standup.service.doctor`; both are imported
when the command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from standup.i18n import _, pgettext

if TYPE_CHECKING:
    from standup.service.install import Plan


def cmd_install(args: argparse.Namespace) -> int:
    from standup.cli import completion
    from standup.service import install as service

    plan = service.plan_install(
        now=args.now, facts=_facts(), shell_files=completion.install_files(args.root_parser)
    )
    return _carry_out(plan, args.dry_run)


def _facts():  # -> ManagerFacts | None; asked only on Linux, where a user manager may run
    from standup.service import install as service, systemd as service_systemd

    return service_systemd.gather() if service.current_platform() == "linux" else None


def cmd_uninstall(args: argparse.Namespace) -> int:
    from standup.cli import completion
    from standup.service import install as service

    plan = service.plan_uninstall(facts=_facts(), shell_files=completion.removal_files())
    return _carry_out(plan, args.dry_run)


def _carry_out(plan: Plan, dry_run: bool) -> int:
    from standup.service import install as service

    if dry_run:
        print("\n".join(service.describe(plan)))
    else:
        service.apply(plan)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from standup.service import install as service

    info = service.status()
    if args.json:
        print(json.dumps(info.to_json(), indent=2, default=str))
        return 0
    say = _column()
    if info.unit_file is not None:
        installed = _("{file} (installed)") if info.installed else _("{file} (not installed)")
        say(pgettext("service status", "unit file:"), installed.format(file=info.unit_file))
    unknown = info.manager_error or info.enabled == "not-found"
    if unknown and info.unit_file is not None and not info.installed:
        # systemd knows no such unit (252 says so on stderr, 257 prints "not-found"): say what
        # to do rather than quote systemctl.
        say("", _("install it with `standup service install --now`"))
    elif info.manager_error:
        print(_("service manager: {error}").format(error=info.manager_error))
    else:  # systemd's own words, as `systemctl` says them
        if info.enabled is not None:
            say(pgettext("service status", "enabled:"), info.enabled)
        if info.active is not None:
            say(pgettext("service status", "active:"), info.active)
        if info.failure:
            say("", info.failure)
    if info.daemon is None:
        say(pgettext("service status", "daemon:"), _("not running"))
    else:
        state = info.daemon.get("state") or _("unknown state")  # the daemon's word for it
        say(pgettext("service status", "daemon:"), _("running ({state})").format(state=state))
    if info.display_warning:
        say(pgettext("service status", "warning:"), info.display_warning)
    return 0


def _column() -> Callable[[str, object], None]:
    """A printer of `label text` lines, each text starting in the same column."""
    from standup.i18n.width import columns

    labels = [
        # Translators: `service status`'s labels, in a column before the values: keep them short.
        pgettext("service status", "unit file:"),
        pgettext("service status", "enabled:"),
        pgettext("service status", "active:"),
        pgettext("service status", "daemon:"),
        pgettext("service status", "warning:"),
    ]
    width = max(map(columns, labels)) + 1

    def say(label: str, text: object) -> None:
        print(label + " " * (width - columns(label)) + str(text))

    return say


def cmd_doctor(args: argparse.Namespace) -> int:
    from standup.service import doctor

    report = doctor.run_checks(args.config)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        sys.stdout.write(doctor.render(report))
    return report.exit_code
