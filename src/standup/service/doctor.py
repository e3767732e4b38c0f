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
from pathlib import Path
from typing import Any

from standup import __version__
from standup.i18n import _
from standup.service.report import Check, Report, render

__all__ = ("Check", "Report", "package_versions", "render", "run_checks")

PACKAGES = ("apscheduler", "pydantic-settings", "plyer", "jeepney")
_REQUIRED = ("apscheduler", "pydantic-settings")


def run_checks(config_path: Path | None = None, platform_name: str | None = None) -> Report:
    from standup.service import session_checks as session

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
        bus = session.bus(backend)
        checks.append(bus)
        checks.append(session.notifications(backend, bus.status == "ok", linux=True))
        checks.append(session.tray(tray, bus.status == "ok"))
    else:
        checks.append(session.notifications(backend, False, linux=False))
    checks.append(session.idle(idle_choice))
    checks.append(_daemon())
    if linux:
        checks.append(_systemd())
    checks.append(_language(known))
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
    missing_word = _("missing")  # outside the f-string, where xgettext finds it too
    finding = ", ".join(f"{n} {v or missing_word}" for n, v in versions.items())
    missing = [n for n, v in versions.items() if v is None]
    required = [n for n in missing if n in _REQUIRED]
    if required:
        return Check(
            "packages",
            "fail",
            finding,
            _("reinstall standup ({packages} missing)").format(packages=", ".join(required)),
            versions,
        )
    if "jeepney" in missing and platform_name.startswith("linux"):
        hint = _("install jeepney for notifications with buttons (pip install jeepney)")
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
        hint = _("fix it (`standup config edit`), then `standup config check`")
        return Check("config", "fail", str(error), hint, details), None, "auto", "auto"
    read = ", ".join(map(str, loaded.files)) or _("no file, built-in defaults")
    backend = loaded.settings.notifications.backend
    details["backend"] = backend
    idle = loaded.settings.idle.source
    tray = loaded.settings.tray.show
    check = Check("config", "ok", _("valid ({files})").format(files=read), details=details)
    return check, backend, idle, tray


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
    read = ", ".join(known["files_read"]) or _("no file, built-in defaults")
    details["backend"] = known["backend"]
    check = Check("config", "ok", _("valid ({files})").format(files=read), details=details)
    return check, known["backend"], known["idle"], known["tray"]


def _language(known: dict[str, Any] | None) -> Check:
    """Which language the daemon speaks and why: as it says, or as it would start (the config's
    language, else the user manager's environment, else this terminal's)."""
    from standup.i18n import chosen_language
    from standup.i18n.why import available, spoken

    manager, said = None, _said(known)
    if said is not None:
        who = _("the daemon speaks {language}")
    else:
        from standup.service import systemd as service_systemd

        manager = service_systemd.manager_environment() if shutil.which("systemctl") else None
        said = spoken(chosen_language(), manager if manager is not None else os.environ)
        who = _("the daemon would speak {language}")
    shown = who.format(language=f"{said.name} ({said.language})")
    if not said.source:
        why = _("no language is set (LANGUAGE, LC_ALL, LC_MESSAGES and LANG are all unset)")
    elif said.source.startswith("["):
        why = _("{setting} in the config").format(setting=said.source)
    elif known is None and manager is not None:  # as the service would start
        why = _("{variable} in the user manager's environment").format(variable=said.source)
    else:
        why = _("{variable} in its environment").format(variable=said.source)
    finding = f"{shown}: {why}"
    details = {**said._asdict(), "available": available()}
    if said.asked and said.language == "en" and not said.asked.startswith(("en", "C", "POSIX")):
        # Not a fault (English is the fallback), but worth a line: the language may be on its way.
        none = _("standup has no translation for {asked}; it has {codes}")
        finding += "; " + none.format(asked=said.asked, codes=", ".join(available()))
    return Check("language", "ok", finding, details=details)


def _said(known: dict[str, Any] | None) -> Any:
    """The daemon's own word on its language (a Spoken); None when it gave none we can read."""
    from standup.i18n.why import Spoken

    try:
        return Spoken(**known["speaks"]) if known is not None else None
    except (KeyError, TypeError):  # an older daemon, or an answer of another shape
        return None


def _daemon() -> Check:
    from standup import paths
    from standup.control import client as control

    socket = paths.control_socket()
    pid = control.ping()
    if pid is None:
        hint = _("start it: `standup service install --now`, or `standup run` in a terminal")
        # Everything else may be fine, but nothing reminds anyone until it runs.
        finding = _("not running (no answer on {socket})").format(socket=socket)
        return Check("daemon", "fail", finding, hint)
    finding = _("running, pid {pid}").format(pid=pid)
    return Check("daemon", "ok", finding, details={"pid": pid, "socket": str(socket)})


def _systemd(
    query: Callable[..., tuple[str | None, str | None]] | None = None,
    environment: Callable[[], dict[str, str] | None] | None = None,
) -> Check:
    from standup.service import install as service, packaged, systemd as service_systemd

    query = query or service.systemctl_query
    environment = environment or service_systemd.manager_environment
    if shutil.which("systemctl") is None:
        hint = _("start `standup run` from your autostart")
        return Check("systemd", "warn", _("systemctl not found"), hint)
    state, error = query("is-system-running")
    if error or state in (None, "offline"):
        finding = f"{_(service_systemd.NO_MANAGER)} ({error or state})"
        return Check("systemd", "warn", finding, _(service_systemd.NO_MANAGER_HINT))
    manager_env = environment()
    # A packaged install's unit counts as installed when the user has none of their own.
    own = service.unit_path(service_systemd.ManagerFacts(manager_env, None))
    unit = packaged.unit_in_effect(own)
    enabled, _why = query("is-enabled", service.UNIT_NAME)
    active, _why = query("is-active", service.UNIT_NAME)
    details = {
        "manager": state,
        "unit_file": str(unit),
        "installed": unit.is_file(),
        "enabled": enabled,
        "active": active,
    }
    if not unit.is_file():
        text = _("user manager {state}; {unit} not installed")
        finding = text.format(state=state, unit=service.UNIT_NAME)
        return Check("systemd", "warn", finding, "`standup service install --now`", details)
    # Translators: the states are systemd's own words (running, enabled, active), not translated.
    text = _("user manager {state}; {unit} {enabled}, {active}")
    finding = text.format(state=state, unit=service.UNIT_NAME, enabled=enabled, active=active)
    if enabled != "enabled" or active != "active":
        hint = f"systemctl --user enable --now {service.UNIT_NAME}"
        return Check("systemd", "warn", finding, hint, details)
    warning = service_systemd.display_warning(manager_env, os.environ)
    if warning:
        text = _("{command}, then restart {unit}")
        hint = text.format(command=service_systemd.display_fix(os.environ), unit=service.UNIT_NAME)
        return Check("systemd", "warn", f"{finding}; {warning}", hint, details)
    return Check("systemd", "ok", finding, details=details)
