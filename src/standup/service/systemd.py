"""What the systemd user manager says, and the advice it calls for: where it reads units, whether
it can give the service a display, why the unit failed, and a wlroots session without a target.

The manager's environment is not the shell's: it comes from the login (pam, environment.d) and
from what the session imports into it. A unit written under the shell's $XDG_CONFIG_HOME is not
found when the manager's differs, and a daemon started without DISPLAY or WAYLAND_DISPLAY
cannot see presence. Every query takes a `runner`, so tests answer for systemctl.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from standup.i18n import N_, _, pgettext
from standup.service.unit import UNIT_NAME

Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]
DISPLAY_VARS = ("DISPLAY", "WAYLAND_DISPLAY")
# `systemctl show` properties that say what state the unit is in and why.
STATE_PROPERTIES = ("ActiveState", "SubState", "Result", "ExecMainCode", "ExecMainStatus")
_CLD_EXITED = "1"  # ExecMainCode: the main process exited (else a signal killed it)
# What `doctor` and `service install` say when no user manager answers (translated there).
NO_MANAGER = N_("no systemd user manager answers")
NO_MANAGER_HINT = N_(
    "log in to a graphical session, or `loginctl enable-linger $USER`; "
    "without systemd, start `standup run` from your autostart"
)


def systemctl(*args: str) -> list[str]:
    return ["systemctl", "--user", *args]


def run(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=60, check=False)


def systemctl_query(*args: str, runner: Runner | None = None) -> tuple[str | None, str | None]:
    """`systemctl --user ARGS`' first output line, and an error when no manager answered."""
    lines, error = _query(args, runner)
    return (lines[0] if lines else None), error


def _query(args: Sequence[str], runner: Runner | None) -> tuple[list[str], str | None]:
    if shutil.which("systemctl") is None:
        return [], _("systemctl not found")
    try:
        done = (runner or run)(systemctl(*args))
    except (OSError, subprocess.TimeoutExpired) as error:
        return [], str(error)
    out = done.stdout.strip().splitlines()
    err = done.stderr.strip().splitlines()
    if not out and err:  # is-enabled/is-active print their word even when exiting non-zero
        return [], err[-1]
    return out, None


def _assignments(lines: Sequence[str]) -> dict[str, str]:
    return dict(line.split("=", 1) for line in lines if "=" in line)


def manager_environment(runner: Runner | None = None) -> dict[str, str] | None:
    """`systemctl --user show-environment` as a dict; None when no manager answers."""
    lines, error = _query(["show-environment"], runner)
    return None if error else _assignments(lines)


def unit_state(runner: Runner | None = None) -> dict[str, str]:
    """The unit's STATE_PROPERTIES (empty when no manager answers)."""
    lines, _error = _query(["show", UNIT_NAME, "--property=" + ",".join(STATE_PROPERTIES)], runner)
    return _assignments(lines)


@dataclass(frozen=True)
class ManagerFacts:
    """What install and status need to know from the manager, gathered in one place."""

    env: dict[str, str] | None  # None: no manager answered
    session_target: str | None  # is-active's word for graphical-session.target


def gather(runner: Runner | None = None) -> ManagerFacts:
    env = manager_environment(runner)
    target = systemctl_query("is-active", "graphical-session.target", runner=runner)[0]
    return ManagerFacts(env, target if env is not None else None)


def manager_unit_dir(env: Mapping[str, str] | None) -> Path | None:
    """Where the manager reads a user's own units: $XDG_CONFIG_HOME/systemd/user, else
    $HOME/.config/systemd/user, both as the manager has them."""
    if env is None:
        return None
    config = env.get("XDG_CONFIG_HOME", "")
    if os.path.isabs(config):
        return Path(config) / "systemd" / "user"
    home = env.get("HOME", "")
    return Path(home) / ".config" / "systemd" / "user" if os.path.isabs(home) else None


def display_fix(shell: Mapping[str, str]) -> str:
    """The command that gives the manager the session's display."""
    have = [name for name in DISPLAY_VARS if shell.get(name)]
    return "systemctl --user import-environment " + " ".join(have or DISPLAY_VARS)


def display_warning(env: Mapping[str, str] | None, shell: Mapping[str, str]) -> str | None:
    """A warning when the manager has neither DISPLAY nor WAYLAND_DISPLAY (None when it has
    one, or when no manager answered)."""
    if env is None or any(env.get(name) for name in DISPLAY_VARS):
        return None
    command = f"{display_fix(shell)} && systemctl --user restart {UNIT_NAME}"
    if any(shell.get(name) for name in DISPLAY_VARS):  # this shell is in the session
        # Translators: {command} is the shell command that fixes it.
        warning = _(
            "the systemd user manager has neither DISPLAY nor WAYLAND_DISPLAY, so the service "
            'cannot see when you are away (idle source "none"). To fix it, run: {command} '
            "(or have the session run `dbus-update-activation-environment --systemd DISPLAY "
            "WAYLAND_DISPLAY` at login)"
        )
    else:
        warning = _(
            "the systemd user manager has neither DISPLAY nor WAYLAND_DISPLAY, so the service "
            'cannot see when you are away (idle source "none"). To fix it, in your desktop '
            "session run: {command} (or have the session run "
            "`dbus-update-activation-environment --systemd DISPLAY WAYLAND_DISPLAY` at login)"
        )
    return warning.format(command=command)


def failure_reason(state: Mapping[str, str]) -> str | None:
    """Why the unit failed (or waits to restart), from unit_state(); None when it did not."""
    if state.get("ActiveState") != "failed" and state.get("SubState") != "auto-restart":
        return None
    result = state.get("Result", "")
    status = state.get("ExecMainStatus", "")
    words = {"status": status, "unit": UNIT_NAME, "log": f"journalctl --user -u {UNIT_NAME} -e"}
    if result == "exit-code" and state.get("ExecMainCode", _CLD_EXITED) == _CLD_EXITED:
        if status == "2":
            said = _(
                "it exited with status 2: the config is not valid (systemd does not restart it "
                "for that). Run `standup config check`, fix what it says, then "
                "`systemctl --user restart {unit}`"
            )
        elif status.isdigit() and 200 <= int(status) < 250:
            # Translators: {log} is the command that shows the service's log.
            said = _(
                "systemd could not start it (status {status}, see systemd.exec(5)); its log: {log}"
            )
        else:
            said = _("it exited with status {status}; its log: {log}")
    elif result in ("signal", "core-dump"):
        words["signal"] = _signal_name(status)
        said = _("it was killed by {signal}; its log: {log}")
        if words["signal"] == "SIGSYS":
            said = _(
                "it was killed by {signal}: a system call the unit's SystemCallFilter= refuses "
                "(please report it); its log: {log}"
            )
    elif result == "watchdog":
        said = _("the watchdog stopped it: no WATCHDOG=1 within WatchdogSec; its log: {log}")
    elif result == "start-limit-hit":
        said = _(
            "it failed to start too often in a row; after fixing the cause run "
            "`systemctl --user reset-failed {unit}`, then start it; its log: {log}"
        )
    else:
        # Translators: {result} is systemd's word for how the unit ended (Result=).
        said = _("result: {result}; its log: {log}")
        words["result"] = result or pgettext("systemd result", "unknown")
    return said.format(**words)


def _signal_name(number: str) -> str:
    try:
        return signal.Signals(int(number)).name
    except ValueError:
        return f"signal {number}"


def install_notes(
    path: Path, shell_path: Path, facts: ManagerFacts, shell: Mapping[str, str]
) -> list[str]:
    """What the user must know at install: the manager reads another folder than the shell's
    (`path`, not `shell_path`), has no display, or the session starts no target; or that
    no manager answers, so nothing would start the unit."""
    if facts.env is None:
        said = _(
            "note: no systemd user manager answers here, so nothing starts the unit yet: {hint}"
        )
        return [said.format(hint=_(NO_MANAGER_HINT))]
    notes = []
    if path != shell_path:
        config = path.parent.parent.parent / "standup" / "config.toml"
        said = _(
            "note: the user manager reads units from {folder}, not {shell_folder} "
            "(its XDG_CONFIG_HOME or HOME differs from this shell's): the unit goes there, "
            "and the service reads its config from {config}"
        )
        notes.append(said.format(folder=path.parent, shell_folder=shell_path.parent, config=config))
    warning = display_warning(facts.env, shell)
    if warning:
        notes.append(_("warning: {warning}").format(warning=warning))
    return notes + session_target_advice(facts, shell)


# Compositors with no graphical-session.target of their own: the lines that start the
# service from their config, and where that config lives (under $XDG_CONFIG_HOME).
_COMPOSITORS = {
    "sway": ("sway/config", "exec ", "SWAYSOCK"),
    "hyprland": ("hypr/hyprland.conf", "exec-once = ", "HYPRLAND_INSTANCE_SIGNATURE"),
}


def session_target_advice(facts: ManagerFacts, shell: Mapping[str, str]) -> list[str]:
    """On sway or Hyprland with no active graphical-session.target, the unit (wanted by that
    target) would never start at login: the lines to add to the compositor's config."""
    if facts.env is None or facts.session_target == "active":
        return []
    desktops = shell.get("XDG_CURRENT_DESKTOP", "").lower().split(":")
    found = next((name for name in desktops if name in _COMPOSITORS), None)
    if found is None:
        return []
    config, prefix, socket_var = _COMPOSITORS[found]
    base = shell.get("XDG_CONFIG_HOME", "")
    folder = base if os.path.isabs(base) else "~/.config"
    variables = f"DISPLAY WAYLAND_DISPLAY {socket_var} XDG_CURRENT_DESKTOP"
    said = _(
        "{compositor} starts no graphical-session.target here, so the service would not start "
        "at login. Add these lines to {file}:"
    )
    return [
        said.format(compositor=found, file=f"{folder}/{config}"),
        f"  {prefix}systemctl --user import-environment {variables}",
        f"  {prefix}systemctl --user start {UNIT_NAME}",
    ]
