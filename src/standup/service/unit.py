"""The systemd user unit as text: its template, and ExecStart= quoting. No I/O here.

systemd/standup.service in the source tree is the template rendered with TEMPLATE_EXEC_START
(a test keeps the two equal).
"""

from __future__ import annotations

from collections.abc import Sequence

UNIT_NAME = "standup.service"
TEMPLATE_EXEC_START = "%h/.local/bin/standup run"

# The unit, with {exec_start} for the command line.
UNIT_TEMPLATE = """\
[Unit]
Description=standup: reminds you to get up and stretch after long sitting
# Start with the graphical session (DISPLAY and the session bus are there) and stop with it.
PartOf=graphical-session.target
After=graphical-session.target

[Service]
Type=notify
# `standup service install` replaces this line with the interpreter that has standup installed:
# ExecStart=/path/to/python -m standup run
ExecStart={exec_start}
# Reload through the control socket: it exits 2 when the new config is refused (the running
# one stays), so `systemctl --user reload` fails too. A bare SIGHUP returns before the daemon
# has read anything.
ExecReload={exec_reload}
Restart=on-failure
RestartSec=5s
# Exit status 2 is a bad config: restarting cannot fix it. `standup config check` says what
# is wrong; fix it, then restart the service.
RestartPreventExitStatus=2
# The daemon sends WATCHDOG=1 every WatchdogSec/2. Long on purpose: the worker sleeps until the
# next reminder, and a laptop resuming from suspend must not look like a hang.
WatchdogSec=10min
TimeoutStopSec=15s

# Hardening that works in a user unit: seccomp filters, which a user manager may install
# because NoNewPrivileges= is set, and a prctl. Checked on Linux 6.18 with systemd 252 tools:
# under strace, `standup run` (control socket, SQLite, reload, a reminder through dunst on a
# private bus) and the X11/inotify ctypes bindings make only system calls that
# `systemd-analyze syscall-filter @system-service` allows, open only AF_UNIX sockets, and run
# with W^X enforced. MemoryDenyWriteExecute= (W^X) depends on the release: systemd 252
# (Debian 12) installs a seccomp filter that refuses mmap/mprotect of memory both writable and
# executable with EPERM (PR_GET_MDWE reads 0 in the unit); systemd 257 (Debian 13) sets the
# kernel's PR_SET_MDWE instead (Linux 6.3+), which refuses with EACCES (PR_GET_MDWE reads 1),
# and falls back to the filter on older kernels. libffi 3.4 builds ctypes callbacks from
# static trampolines: even callbacks need no such page.
NoNewPrivileges=yes
LockPersonality=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
RestrictNamespaces=yes
MemoryDenyWriteExecute=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
# An unexpected call fails with EPERM (and shows in the log) rather than killing the daemon.
SystemCallErrorNumber=EPERM
# Left out on purpose:
# - ProtectSystem=, ProtectHome=, PrivateTmp=, ProtectKernel*=, ProtectControlGroups=,
#   ProtectClock=, ProtectHostname=, PrivateDevices=: in a user unit they need unprivileged
#   user namespaces, which several distributions disable or confine; there the unit would fail
#   to start (status 218/CAPABILITIES). ProtectHome= would also block our state database in
#   ~/.local/state, and PrivateTmp= would hide the X11 socket in /tmp/.X11-unix.
# - RestrictAddressFamilies=AF_UNIX: a DISPLAY forwarded over TCP (ssh -X) or a tcp: session
#   bus address would break.
UMask=0077

[Install]
WantedBy=graphical-session.target
"""


def systemd_quote(arg: str, executable: bool = False) -> str:
    """One ExecStart= word: "%" doubled, and "$" in arguments (systemd does not expand variables
    in the executable's path); quoted when it holds blanks, quotes or "\\"."""
    arg = arg.replace("%", "%%")
    if not executable:
        arg = arg.replace("$", "$$")
    if arg and not any(c.isspace() or c in "\"'\\;" for c in arg):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def exec_line(argv: Sequence[str]) -> str:
    """argv as an ExecStart= value."""
    return " ".join(systemd_quote(a, executable=i == 0) for i, a in enumerate(argv))


def render_unit(exec_start: str) -> str:
    """The unit for `exec_start`, "<command> run"; ExecReload= is "<command> reload"."""
    command = exec_start.removesuffix(" run")
    return UNIT_TEMPLATE.format(exec_start=exec_start, exec_reload=f"{command} reload")
