"""`standup doctor`: everything standup needs, checked and explained. Checks are data; rendering
as text or JSON happens in `render()` / `Report.to_json()`.

Exit status: 0 when standup can remind you (warnings allowed), 1 when a check fails. A check
fails only when it stops reminders from reaching you: an invalid config, a missing runtime
package, no way to show a reminder (the chosen backend cannot work here; "log" chosen on
purpose counts as a way), or a daemon that is not running. Missing buttons or no systemd are
warnings: reminders still work.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from standup import __version__

Status = Literal["ok", "warn", "fail"]
PACKAGES = ("apscheduler", "pydantic-settings", "plyer", "jeepney")
_REQUIRED = ("apscheduler", "pydantic-settings")


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


def render(report: Report) -> str:
    width = max(len(c.name) for c in report.checks)
    lines = []
    for check in report.checks:
        finding = check.finding.replace("\n", "\n" + " " * (width + 8))
        lines.append(f"{check.status:<4}  {check.name:<{width}}  {finding}")
        if check.hint and check.status != "ok":
            lines.append(f"{'':<4}  {'':<{width}}  hint: {check.hint}")
    verdict = "standup can remind you" if report.exit_code == 0 else "standup cannot remind you"
    problems = sum(c.status != "ok" for c in report.checks)
    lines.append(f"\n{verdict} ({problems} to look at)" if problems else f"\n{verdict}")
    return "\n".join(lines) + "\n"


def run_checks(config_path: Path | None = None, platform_name: str | None = None) -> Report:
    platform_name = platform_name or sys.platform
    # A daemon running this same config has validated it already: its findings spare loading
    # the settings here (pydantic alone costs more than the rest of doctor).
    known = _ask_daemon(config_path)
    if known is not None and not {"files_read", "backend", "idle", "tray"} <= known.keys():
        known = None  # an answer of another shape: check here, as without a daemon
    versions = known.get("packages") if known else None
    checks = [_python(platform_name), _packages(platform_name, versions)]
    if known is None:
        config_check, backend, idle_choice, tray = _config(config_path)
    else:
        config_check, backend, idle_choice, tray = _known_config(config_path, known)
    checks.append(config_check)
    linux = platform_name.startswith("linux")
    if linux:
        bus = _bus(backend)
        checks.append(bus)
        checks.append(_notifications(backend, bus.status == "ok", linux=True))
        checks.append(_tray(tray, bus.status == "ok"))
    else:
        checks.append(_notifications(backend, False, linux=False))
    checks.append(_idle(idle_choice))
    checks.append(_daemon())
    if linux:
        checks.append(_systemd())
    return Report(checks)


# -- the checks ------------------------------------------------------------------------------


def _python(platform_name: str) -> Check:
    version = platform.python_version()
    finding = f"Python {version} ({sys.executable}), standup {__version__}, {platform_name}"
    return Check("python", "ok", finding, details={"python": version, "standup": __version__})


def package_versions() -> dict[str, str | None]:
    """The installed version of each of PACKAGES; None for a missing one."""
    from importlib import metadata

    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _packages(platform_name: str, versions: dict[str, str | None] | None = None) -> Check:
    """`versions`: as the daemon of this same install found them (None: look here)."""
    if versions is None:
        versions = package_versions()
    finding = ", ".join(f"{n} {v or 'missing'}" for n, v in versions.items())
    missing = [n for n, v in versions.items() if v is None]
    required = [n for n in missing if n in _REQUIRED]
    if required:
        return Check(
            "packages",
            "fail",
            finding,
            f"reinstall standup ({', '.join(required)} missing)",
            versions,
        )
    if "jeepney" in missing and platform_name.startswith("linux"):
        hint = "install jeepney for notifications with buttons (pip install jeepney)"
        return Check("packages", "warn", finding, hint, versions)
    return Check("packages", "ok", finding, details=versions)


def _config(config_path: Path | None) -> tuple[Check, str | None, str, str]:
    """The config check, the notification backend, idle source and tray choice it makes (None,
    "auto" and "auto" when invalid)."""
    from standup.config.settings import candidate_files, load_config
    from standup.errors import ConfigError

    files, _user, _named = candidate_files(config_path)
    details = {"files": {str(p): p.is_file() for p in files}}
    try:
        loaded = load_config(config_path)
    except ConfigError as error:
        hint = "fix it (`standup config edit`), then `standup config check`"
        return Check("config", "fail", str(error), hint, details), None, "auto", "auto"
    read = ", ".join(map(str, loaded.files)) or "no file, built-in defaults"
    backend = loaded.settings.notifications.backend
    details["backend"] = backend
    idle = loaded.settings.idle.source
    tray = loaded.settings.tray.show
    return Check("config", "ok", f"valid ({read})", details=details), backend, idle, tray


def _ask_daemon(config_path: Path | None) -> dict[str, Any] | None:
    from standup.control import known

    return known.ask("doctor", {"install": known.install()}, config_path)


def _known_config(
    config_path: Path | None, known: dict[str, Any]
) -> tuple[Check, str | None, str, str]:
    """The config check as `_config` makes it, from what a daemon running it found."""
    from standup import paths

    files, _user, _named = paths.config_files(config_path)
    details: dict[str, Any] = {"files": {str(p): p.is_file() for p in files}}
    read = ", ".join(known["files_read"]) or "no file, built-in defaults"
    details["backend"] = known["backend"]
    check = Check("config", "ok", f"valid ({read})", details=details)
    return check, known["backend"], known["idle"], known["tray"]


def _tray(show: str, bus_ok: bool) -> Check:
    """Whether a tray host (a StatusNotifierWatcher) is on the session bus."""
    if show == "never":
        return Check("tray", "ok", 'switched off (tray.show = "never")')
    missing: Status = "warn" if show == "always" else "ok"  # auto: no host is a normal desktop
    if not bus_ok:
        return Check("tray", missing, "no session bus: no tray icon")
    host = _tray_host()
    if host:
        return Check("tray", "ok", f"a tray host is there ({host}): the icon shows")
    hint = (
        "a panel with a status tray shows it: Plasma, Xfce's panel, MATE, waybar's tray; "
        "on GNOME, the AppIndicator extension"
    )
    return Check("tray", missing, "no tray host on the session bus: no icon", hint)


def _tray_host() -> str | None:
    """The unique name owning org.kde.StatusNotifierWatcher; None when nobody does."""
    try:
        from jeepney import DBusErrorResponse
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection
        from jeepney.wrappers import unwrap_msg
    except ImportError:
        return None
    try:
        connection = open_dbus_connection(bus="SESSION", auth_timeout=2.0)
    except Exception:  # the session bus check says why
        return None
    try:
        reply = connection.send_and_get_reply(
            message_bus.GetNameOwner("org.kde.StatusNotifierWatcher"), timeout=2.0
        )
        (owner,) = unwrap_msg(reply)
        return str(owner)
    except (DBusErrorResponse, TimeoutError, OSError):  # NameHasNoOwner: no host
        return None
    finally:
        connection.close()


def _idle(choice: str) -> Check:
    """Which idle source standup would use, why, and one live sample from it."""
    from standup.idle import IdleError, open_idle_source

    source, reason = open_idle_source(choice)
    details: dict[str, Any] = {"source": source.name, "reason": reason}
    try:
        sample = source.sample()
    except IdleError as error:
        hint = "standup counts every minute as sitting until the source answers"
        return Check("idle", "warn", f"{reason}; no sample: {error}", hint, details)
    finally:
        source.close()
    details.update(idle_seconds=sample.idle_seconds, locked=sample.locked)
    if source.name == "none":
        hint = "breaks away from the desk are not noticed; see `idle.source` in the config"
        return Check("idle", "warn", reason, hint, details)
    locked = {True: ", screen locked", False: ", screen unlocked", None: ""}[sample.locked]
    return Check(
        "idle", "ok", f"{reason}; idle for {sample.idle_seconds:.0f} s{locked}", "", details
    )


def _bus(backend: str | None) -> Check:
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
    needed = backend in (None, "auto", "freedesktop")
    if not address:
        status: Status = "fail" if needed else "warn"
        hint = (
            "run standup inside your desktop session (its systemd user service gets the bus "
            "from the session), or set DBUS_SESSION_BUS_ADDRESS"
        )
        return Check("session bus", status, "DBUS_SESSION_BUS_ADDRESS is not set", hint)
    error = _probe_bus()
    if error:
        status = "fail" if needed else "warn"
        hint = "the address is stale: log out and in, or `systemctl --user import-environment`"
        return Check("session bus", status, f"{address}: {error}", hint, {"address": address})
    return Check("session bus", "ok", f"reachable at {address}", details={"address": address})


def _probe_bus() -> str | None:
    """None when the session bus answers Hello, else why not."""
    try:
        from jeepney.io.blocking import open_dbus_connection
    except ImportError:
        return None  # cannot tell without jeepney; the notification check will
    try:
        connection = open_dbus_connection(bus="SESSION", auth_timeout=2.0)
    except Exception as error:  # jeepney raises OSError, KeyError or its own errors
        return str(error) or type(error).__name__
    connection.close()
    return None


def _notifications(backend: str | None, bus_ok: bool, *, linux: bool) -> Check:
    from standup import notify

    if backend is None:
        return Check("notifications", "warn", "not checked: the config is not valid")
    if backend == "log":
        finding = 'backend "log" (chosen in the config): reminders go to the log only'
        return Check("notifications", "ok", finding, details={"backend": backend})
    if backend == "plyer" or not linux:
        return _plyer_check(backend)
    info = notify.server_info() if bus_ok else None
    if info is None:
        hint = (
            "start a notification daemon (dunst, mako, your desktop's own), or choose "
            "`standup config set notifications.backend log`"
        )
        if not bus_ok:
            hint = "fix the session bus (above), or `standup config set notifications.backend log`"
        where = "no notification server on the session bus" if bus_ok else "no session bus"
        return Check("notifications", "fail", f"{where}: reminders would only be logged", hint)
    caps = list(info.get("capabilities", []))
    buttons = "actions" in caps
    finding = (
        f"{info.get('name')} {info.get('version')} by {info.get('vendor')} "
        f"(spec {info.get('spec_version')}); capabilities: {', '.join(caps) or 'none'}"
    )
    details = {"backend": backend, "server": info, "buttons": buttons}
    if not buttons:
        hint = "this server shows no buttons: answer with `standup done|snooze|skip`"
        return Check("notifications", "warn", finding + "; no buttons", hint, details)
    return Check("notifications", "ok", finding + "; buttons will show", details=details)


def _plyer_check(backend: str) -> Check:
    from importlib.util import find_spec

    if find_spec("plyer") is None:
        return Check(
            "notifications", "fail", "plyer is not installed", "reinstall standup (needs plyer)"
        )
    finding = f'backend "{backend}": plyer (no buttons)'
    if sys.platform.startswith("linux") and shutil.which("notify-send") is None:
        if find_spec("dbus") is None:
            hint = "install notify-send (libnotify-bin) or dbus-python, or use the default backend"
            return Check("notifications", "fail", finding + "; no notify-send", hint)
    return Check("notifications", "ok", finding, details={"backend": backend})


def _daemon() -> Check:
    from standup import paths
    from standup.control import client as control

    socket = paths.control_socket()
    pid = control.ping()
    if pid is None:
        hint = "start it: `standup service install --now`, or `standup run` in a terminal"
        # Everything else may be fine, but nothing reminds anyone until it runs.
        return Check("daemon", "fail", f"not running (no answer on {socket})", hint)
    return Check("daemon", "ok", f"running, pid {pid}", details={"pid": pid, "socket": str(socket)})


def _systemd(
    query: Callable[..., tuple[str | None, str | None]] | None = None,
    environment: Callable[[], dict[str, str] | None] | None = None,
) -> Check:
    from standup.service import install as service, packaged, systemd as service_systemd

    query = query or service.systemctl_query
    environment = environment or service_systemd.manager_environment
    if shutil.which("systemctl") is None:
        return Check(
            "systemd", "warn", "systemctl not found", "start `standup run` from your autostart"
        )
    state, error = query("is-system-running")
    if error or state in (None, "offline"):
        finding = f"{service_systemd.NO_MANAGER} ({error or state})"
        return Check("systemd", "warn", finding, service_systemd.NO_MANAGER_HINT)
    manager_env = environment()
    # A packaged install's unit counts as installed when the user has none of their own.
    own = service.unit_path(service_systemd.ManagerFacts(manager_env, None))
    unit = packaged.unit_in_effect(own)
    enabled, _ = query("is-enabled", service.UNIT_NAME)
    active, _ = query("is-active", service.UNIT_NAME)
    details = {
        "manager": state,
        "unit_file": str(unit),
        "installed": unit.is_file(),
        "enabled": enabled,
        "active": active,
    }
    if not unit.is_file():
        finding = f"user manager {state}; {service.UNIT_NAME} not installed"
        return Check("systemd", "warn", finding, "`standup service install --now`", details)
    finding = f"user manager {state}; {service.UNIT_NAME} {enabled}, {active}"
    if enabled != "enabled" or active != "active":
        hint = f"systemctl --user enable --now {service.UNIT_NAME}"
        return Check("systemd", "warn", finding, hint, details)
    warning = service_systemd.display_warning(manager_env, os.environ)
    if warning:
        hint = f"{service_systemd.display_fix(os.environ)}, then restart {service.UNIT_NAME}"
        return Check("systemd", "warn", f"{finding}; {warning}", hint, details)
    return Check("systemd", "ok", finding, details=details)
