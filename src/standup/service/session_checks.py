"""`standup doctor`'s checks of what the desktop session gives standup: the session bus, a
notification server and what it can show, a tray host, and the idle source with one sample."""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from standup.i18n import _
from standup.service.report import Check, Status


def tray(show: str, bus_ok: bool) -> Check:
    """Whether a tray host (a StatusNotifierWatcher) is on the session bus."""
    if show == "never":
        return Check("tray", "ok", _('switched off (tray.show = "never")'))
    missing: Status = "warn" if show == "always" else "ok"  # auto: no host is a normal desktop
    if not bus_ok:
        return Check("tray", missing, _("no session bus: no tray icon"))
    host = tray_host()
    if host:
        return Check(
            "tray", "ok", _("a tray host is there ({host}): the icon shows").format(host=host)
        )
    hint = _(
        "a panel with a status tray shows it: Plasma, Xfce's panel, MATE, waybar's tray; "
        "on GNOME, the AppIndicator extension"
    )
    return Check("tray", missing, _("no tray host on the session bus: no icon"), hint)


def tray_host() -> str | None:
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


def idle(choice: str) -> Check:
    """Which idle source standup would use, why, and one live sample from it."""
    from standup.idle import IdleError, open_idle_source

    source, reason = open_idle_source(choice)
    details: dict[str, Any] = {"source": source.name, "reason": reason}
    try:
        sample = source.sample()
    except IdleError as error:
        hint = _("standup counts every minute as sitting until the source answers")
        finding = _("{source}; no sample: {error}").format(source=reason, error=error)
        return Check("idle", "warn", finding, hint, details)
    finally:
        source.close()
    details.update(idle_seconds=sample.idle_seconds, locked=sample.locked)
    if source.name == "none":
        hint = _("breaks away from the desk are not noticed; see `idle.source` in the config")
        return Check("idle", "warn", reason, hint, details)
    if sample.locked is None:
        text = _("{source}; idle for {seconds} s")
    elif sample.locked:
        text = _("{source}; idle for {seconds} s, screen locked")
    else:
        text = _("{source}; idle for {seconds} s, screen unlocked")
    finding = text.format(source=reason, seconds=f"{sample.idle_seconds:.0f}")
    return Check("idle", "ok", finding, "", details)


def bus(backend: str | None) -> Check:
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
    needed = backend in (None, "auto", "freedesktop")
    if not address:
        status: Status = "fail" if needed else "warn"
        hint = _(
            "run standup inside your desktop session (its systemd user service gets the bus "
            "from the session), or set DBUS_SESSION_BUS_ADDRESS"
        )
        return Check("session bus", status, _("DBUS_SESSION_BUS_ADDRESS is not set"), hint)
    error = probe_bus()
    if error:
        status = "fail" if needed else "warn"
        hint = _("the address is stale: log out and in, or `systemctl --user import-environment`")
        return Check("session bus", status, f"{address}: {error}", hint, {"address": address})
    finding = _("reachable at {address}").format(address=address)
    return Check("session bus", "ok", finding, details={"address": address})


def probe_bus() -> str | None:
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


def notifications(backend: str | None, bus_ok: bool, *, linux: bool) -> Check:
    from standup import notify

    if backend is None:
        return Check("notifications", "warn", _("not checked: the config is not valid"))
    if backend == "log":
        finding = _('backend "log" (chosen in the config): reminders go to the log only')
        return Check("notifications", "ok", finding, details={"backend": backend})
    if backend == "plyer" or not linux:
        return _plyer_check(backend)
    info = notify.server_info() if bus_ok else None
    if info is None:
        hint = _(
            "start a notification daemon (dunst, mako, your desktop's own), or choose "
            "`standup config set notifications.backend log`"
        )
        finding = _("no notification server on the session bus: reminders would only be logged")
        if not bus_ok:
            hint = _(
                "fix the session bus (above), or `standup config set notifications.backend log`"
            )
            finding = _("no session bus: reminders would only be logged")
        return Check("notifications", "fail", finding, hint)
    caps = list(info.get("capabilities", []))
    buttons = "actions" in caps
    # Translators: the notification server found: its name, version, vendor and abilities.
    finding = _("{name} {version} by {vendor} (spec {spec}); capabilities: {caps}").format(
        name=info.get("name"),
        version=info.get("version"),
        vendor=info.get("vendor"),
        spec=info.get("spec_version"),
        caps=", ".join(caps) or _("none"),
    )
    details = {"backend": backend, "server": info, "buttons": buttons}
    if not buttons:
        hint = _("this server shows no buttons: answer with `standup done|snooze|skip`")
        finding = _("{server}; no buttons").format(server=finding)
        return Check("notifications", "warn", finding, hint, details)
    finding = _("{server}; buttons will show").format(server=finding)
    return Check("notifications", "ok", finding, details=details)


def _plyer_check(backend: str) -> Check:
    from importlib.util import find_spec

    if find_spec("plyer") is None:
        hint = _("reinstall standup (needs plyer)")
        return Check("notifications", "fail", _("plyer is not installed"), hint)
    finding = _('backend "{backend}": plyer (no buttons)').format(backend=backend)
    if sys.platform.startswith("linux") and shutil.which("notify-send") is None:
        if find_spec("dbus") is None:
            hint = _(
                "install notify-send (libnotify-bin) or dbus-python, or use the default backend"
            )
            finding = _("{backend}; no notify-send").format(backend=finding)
            return Check("notifications", "fail", finding, hint)
    return Check("notifications", "ok", finding, details={"backend": backend})
