"""`standup service install|uninstall|status` and `standup doctor`: builders and runners.

The work lives in `standup.service.install` and `standup.service.doctor`; both are imported
when the command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

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
    if info.unit_file is not None:
        print(f"unit file: {info.unit_file} ({'installed' if info.installed else 'not installed'})")
    unknown = info.manager_error or info.enabled == "not-found"
    if unknown and info.unit_file is not None and not info.installed:
        # systemd knows no such unit (252 says so on stderr, 257 prints "not-found"): say what
        # to do rather than quote systemctl.
        print("           install it with `standup service install --now`")
    elif info.manager_error:
        print(f"service manager: {info.manager_error}")
    else:
        if info.enabled is not None:
            print(f"enabled:   {info.enabled}")
        if info.active is not None:
            print(f"active:    {info.active}")
        if info.failure:
            print(f"           {info.failure}")
    if info.daemon is None:
        print("daemon:    not running")
    else:
        print(f"daemon:    running ({info.daemon.get('state', 'unknown state')})")
    if info.display_warning:
        print(f"warning:   {info.display_warning}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from standup.service import doctor

    report = doctor.run_checks(args.config)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        sys.stdout.write(doctor.render(report))
    return report.exit_code
