"""Install standup as a per-user service: a systemd user unit, a launchd agent, or advice.

`plan_install()` / `plan_uninstall()` return a `Plan` (files to write, argv lists to run) that
`--dry-run` prints and `apply()` carries out. The service runs `<this interpreter> -m standup
run`, the same for a venv, pipx, `uv tool` or a system install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from standup import paths
from standup.errors import StandupError
from standup.i18n import N_, _
from standup.service import installed, packaged
from standup.service.identity import identity_files, identity_paths
from standup.service.steps import ServiceError as ServiceError, run_step
from standup.service.systemd import (
    ManagerFacts,
    Runner,
    display_warning,
    failure_reason,
    gather,
    install_notes,
    manager_unit_dir,
    run,
    systemctl,
    systemctl_query as systemctl_query,
    unit_state,
)
from standup.service.unit import (  # re-exported: callers know them from here
    TEMPLATE_EXEC_START as TEMPLATE_EXEC_START,
    UNIT_NAME as UNIT_NAME,
    UNIT_TEMPLATE as UNIT_TEMPLATE,
    exec_line as exec_line,
    render_unit as render_unit,
    systemd_quote as systemd_quote,
)

LAUNCHD_LABEL = "org.standup"

_NO_SYSTEMD_HINT = N_(
    "this system does not use systemd: start `standup run` from your desktop's autostart "
    "(e.g. a ~/.config/autostart/standup.desktop with Exec={command})"
)


ExtraFiles = installed.ExtraFiles  # (path, bytes) written or (path, None) removed


@dataclass(frozen=True)
class Plan:
    """What install or uninstall will do: write or remove `path`, run `commands` in order."""

    platform: str
    path: Path | None = None
    content: str | None = None  # None with a path: remove the file
    commands: list[list[str]] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)  # printed, not run
    tolerate_failure: frozenset[int] = frozenset()  # indexes of commands that may fail
    run_after_file: int = 0  # commands[:run_after_file] run before the file is touched
    # The desktop file and icon, written (content) or removed (None) with the unit.
    extra: ExtraFiles = ()
    installs: bool = False  # an install that writes no unit: the package's is enabled


def current_platform() -> str:
    """ "linux", "darwin" or "win32" (tests replace this)."""
    return sys.platform


def service_python(platform: str | None = None, python: str | None = None) -> str:
    """The interpreter the service should run: this one (pythonw on Windows, for no console)."""
    python = python or sys.executable
    if (platform or current_platform()) == "win32":
        from pathlib import PureWindowsPath

        exe = PureWindowsPath(python)
        if exe.name.lower() == "python.exe":
            return str(exe.with_name("pythonw.exe"))
    return python


def run_argv(platform: str | None = None, python: str | None = None) -> list[str]:
    return [service_python(platform, python), "-m", "standup", "run"]


# -- systemd ---------------------------------------------------------------------------------


def unit_path(facts: ManagerFacts | None = None) -> Path:
    """Where the manager reads the unit: its own $XDG_CONFIG_HOME (or $HOME/.config), which
    may not be the shell's; the shell's when no manager answered."""
    folder = manager_unit_dir(facts.env) if facts else None
    return (folder or paths.config_home() / "systemd" / "user") / UNIT_NAME


def _systemd_install(
    now: bool, python: str | None, facts: ManagerFacts | None, shell_files: ExtraFiles
) -> Plan:
    commands = [systemctl("daemon-reload"), systemctl("enable", UNIT_NAME)]
    if now:
        # restart, not start: a running daemon must pick up the unit just written.
        commands.append(systemctl("restart", UNIT_NAME))
    path = unit_path(facts)
    if packaged.in_use():  # the package's unit is there: enable it, write none of our own
        # No unit of ours goes to the manager's folder: no note on which folder that is.
        notes = install_notes(path, path, facts, os.environ) if facts else []
        return Plan("linux", **packaged.plan_fields(path, shell_files, commands, now, notes))
    advice = install_notes(path, unit_path(), facts, os.environ) if facts else []
    if not now:
        advice.append(
            _("start it now with: {command}").format(command=f"systemctl --user start {UNIT_NAME}")
        )
    extra = (*identity_files(exec_line([*run_argv("linux", python)[:-1], "now"])), *shell_files)
    unit = render_unit(exec_line(run_argv("linux", python)))
    return Plan("linux", path, unit, commands, advice, extra=extra)


def _systemd_uninstall(facts: ManagerFacts | None, shell_files: ExtraFiles) -> Plan:
    commands = [
        systemctl("stop", UNIT_NAME),
        systemctl("disable", UNIT_NAME),
        systemctl("daemon-reload"),
    ]
    # Stopping or disabling a unit that is not loaded fails; removal should still go ahead.
    # With no manager to reach, the reload after the removal fails too: the unit is gone all
    # the same, so that is no failure of uninstall either.
    extra = (*((path, None) for path in identity_paths()), *shell_files)
    return Plan(
        "linux",
        unit_path(facts),
        None,
        commands,
        [],
        frozenset({0, 1, 2}),
        run_after_file=2,
        extra=extra,
    )


# -- launchd (macOS) -------------------------------------------------------------------------


def launchd_plist_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"


def render_plist(python: str | None = None) -> str:
    import plistlib

    log_file = str(Path.home() / "Library" / "Logs" / "standup.log")
    agent = {
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": run_argv("darwin", python),
        "RunAtLoad": True,
        # Restart after a crash, not after a clean exit (SIGTERM on logout, `launchctl bootout`).
        "KeepAlive": {"SuccessfulExit": False},
        "ThrottleInterval": 5,
        "ProcessType": "Interactive",
        "StandardOutPath": log_file,
        "StandardErrorPath": log_file,
    }
    return plistlib.dumps(agent).decode("utf-8")


def _gui_domain() -> str:
    return f"gui/{os.getuid()}" if hasattr(os, "getuid") else "gui/$UID"


def _launchd_install(python: str | None) -> Plan:
    path = launchd_plist_path()
    advice = [
        _("load it now (and at every login from now on) with:"),
        f"  launchctl bootstrap {_gui_domain()} {path}",
    ]
    return Plan("darwin", path, render_plist(python), [], advice)


def _launchd_uninstall() -> Plan:
    command = f"launchctl bootout {_gui_domain()}/{LAUNCHD_LABEL}"
    advice = [_("if it is loaded, unload it with: {command}").format(command=command)]
    return Plan("darwin", launchd_plist_path(), None, [], advice)


# -- Windows ---------------------------------------------------------------------------------


def _windows_install(python: str | None) -> Plan:
    argv = run_argv("win32", python)
    task = subprocess.list2cmdline(argv)
    create = subprocess.list2cmdline(
        ["schtasks", "/Create", "/TN", "standup", "/SC", "ONLOGON", "/RL", "LIMITED", "/F"]
    )
    advice = [
        _("standup does not register itself on Windows. Either create a logon task:"),
        f'  {create} /TR "{task.replace(chr(34), chr(92) + chr(34))}"',
        _("or put a shortcut in your Startup folder (Win+R, shell:startup) with the target:"),
        f"  {task}",
    ]
    return Plan("win32", None, None, [], advice)


def _windows_uninstall() -> Plan:
    command = "schtasks /Delete /TN standup /F"
    return Plan(
        "win32", advice=[_("remove the logon task with: {command}").format(command=command)]
    )


# -- planning and doing ----------------------------------------------------------------------


def plan_install(
    now: bool = False,
    platform: str | None = None,
    python: str | None = None,
    facts: ManagerFacts | None = None,
    shell_files: ExtraFiles = (),
) -> Plan:
    """`facts` from the systemd user manager (systemd.gather()), when one answers;
    `shell_files` are the completion scripts to write beside the unit (the CLI makes them)."""
    platform = platform or current_platform()
    if platform == "darwin":
        return _launchd_install(python)
    if platform == "win32":
        return _windows_install(python)
    return _systemd_install(now, python, facts, shell_files)


def plan_uninstall(
    platform: str | None = None,
    facts: ManagerFacts | None = None,
    shell_files: ExtraFiles = (),
) -> Plan:
    """`shell_files`: the completion scripts to remove, as (path, None)."""
    platform = platform or current_platform()
    if platform == "darwin":
        return _launchd_uninstall()
    if platform == "win32":
        return _windows_uninstall()
    return _systemd_uninstall(facts, shell_files)


def describe(plan: Plan) -> list[str]:
    """The plan as lines for --dry-run, in the order apply() would go."""
    lines: list[str] = []
    skipped = _skipped_stops(plan)
    for index in range(len(plan.commands) + 1):
        if index == min(plan.run_after_file, len(plan.commands)):
            lines += _describe_file(plan)
        if index < len(plan.commands) and index not in skipped:
            lines.append(_("would run: {command}").format(command=" ".join(plan.commands[index])))
    return lines + plan.advice


def _describe_file(plan: Plan) -> list[str]:
    if plan.path is None:
        return []
    extra = [
        (_("would write {file}") if data is not None else _("would remove {file}")).format(
            file=path
        )
        for path, data in plan.extra
    ]
    if plan.content is None:
        kept = installed.why_kept(plan.path)
        if not kept:
            return [_("would remove {file}").format(file=plan.path), *extra]
        first = _("would leave {file} ({reason}; not stopped or disabled)")
        if plan.installs:  # an install stops nothing anyway
            first = _("would leave {file} ({reason})")
        return [first.format(file=plan.path, reason=kept), *extra]
    heading = _("would write {file}:").format(file=plan.path)
    return [heading, plan.content.rstrip("\n"), "", *extra]


def apply(plan: Plan, echo: Callable[[str], None] = print, runner: Runner | None = None) -> None:
    """Carry out `plan`, echoing each step; ServiceError when a step fails."""
    runner = runner or run
    _check_paths(plan)  # before anything changes: no half-done install
    if plan.commands and shutil.which(plan.commands[0][0]) is None:
        if plan.content is None and not plan.installs:  # uninstalling: removing is still worth it
            _touch_file(plan, echo)
            return
        command = exec_line(run_argv(plan.platform))
        raise ServiceError(
            _("{program} not found").format(program=plan.commands[0][0]),
            hint=_(_NO_SYSTEMD_HINT).format(command=command),
        )
    skipped = _skipped_stops(plan)
    for index in range(len(plan.commands) + 1):
        if index == min(plan.run_after_file, len(plan.commands)):
            _touch_file(plan, echo, not_stopped=bool(skipped))
        if index < len(plan.commands) and index not in skipped:
            run_step(plan.commands[index], index in plan.tolerate_failure, echo, runner)
    for line in plan.advice:
        echo(line)


def _skipped_stops(plan: Plan) -> frozenset[int]:
    """Stop and disable (the commands before the file) when uninstall leaves the unit: a unit
    of the user's own is theirs to run, not ours to stop."""
    if plan.path is None or plan.content is not None or plan.installs:
        return frozenset()
    if not installed.why_kept(plan.path):
        return frozenset()
    return frozenset(range(min(plan.run_after_file, len(plan.commands))))


def _check_paths(plan: Plan) -> None:
    if plan.path is not None:
        installed.check(plan.path, plan.content is not None, plan.extra)


def _touch_file(plan: Plan, echo: Callable[[str], None], *, not_stopped: bool = False) -> None:
    if plan.path is not None:
        installed.carry_out(plan.path, plan.content, plan.extra, echo, not_stopped=not_stopped)


# -- status ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceStatus:
    platform: str
    unit_file: Path | None
    installed: bool
    enabled: str | None  # systemctl is-enabled's word, or None when systemctl is not there
    active: str | None
    manager_error: str | None  # why systemctl --user could not answer
    daemon: dict[str, object] | None  # the daemon's own status, None when it does not answer
    failure: str | None = None  # why the unit failed, when it did
    display_warning: str | None = None  # the manager has no DISPLAY or WAYLAND_DISPLAY

    def to_json(self) -> dict[str, object]:
        return {
            "platform": self.platform,
            "unit_file": str(self.unit_file) if self.unit_file else None,
            "installed": self.installed,
            "enabled": self.enabled,
            "active": self.active,
            "manager_error": self.manager_error,
            "daemon": self.daemon,
            "failure": self.failure,
            "display_warning": self.display_warning,
        }


def status(platform: str | None = None, runner: Runner | None = None) -> ServiceStatus:
    from standup.control.client import request

    platform = platform or current_platform()
    daemon: dict[str, object] | None
    try:
        daemon = request("status", timeout=2.0)
    except StandupError:
        daemon = None
    if platform == "darwin":
        path = launchd_plist_path()
        return ServiceStatus(platform, path, path.is_file(), None, None, None, daemon)
    if platform == "win32":
        return ServiceStatus(platform, None, False, None, None, None, daemon)
    facts = gather(runner)
    path = packaged.unit_in_effect(unit_path(facts))
    enabled, error = systemctl_query("is-enabled", UNIT_NAME, runner=runner)
    active, active_error = systemctl_query("is-active", UNIT_NAME, runner=runner)
    failure = failure_reason(unit_state(runner)) if active in ("failed", "activating") else None
    return ServiceStatus(
        platform,
        path,
        path.is_file(),
        enabled,
        active,
        error or active_error,
        daemon,
        failure,
        display_warning(facts.env, os.environ),
    )
