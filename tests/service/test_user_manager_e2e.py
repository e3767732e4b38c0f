"""standup's unit under a real `systemd --user` (tests/user_manager.py), driven as a user would.

One manager for the module; the tests run in order and hand the unit on from one to the next
(installed, running, reloaded, watched, failed, session-bound, uninstalled). The unit runs with
a drop-in that turns SystemCallErrorNumber=EPERM back into the default kill: any system call
the filter refuses then kills the daemon with SIGSYS, which an EPERM swallowed by Python would
hide. The same drop-in lifts the start limit, so no test depends on how fast the ones before it
ran.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from standup.config.durations import describe
from standup.exercises import builtin_catalogue
from standup.i18n import _, catalogue_text
from user_manager import UserManager, unavailable_reason

import pokit
from rig import rig_unavailable, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

UNIT = "standup.service"
GOOD = '[schedule]\nsit = "1h"\n'
BAD = '[schedule]\nsit = "forever"\n'
# Kill on a refused system call instead of EPERM; short restarts so the module stays quick;
# no start limit: a quick run (Debian 13's here) starts the unit a sixth time within 10 s,
# past the default limit of 5, and the refused start would fail whichever test came next.
STRICT = "[Unit]\nStartLimitIntervalSec=0\n[Service]\nSystemCallErrorNumber=\nRestartSec=1s\n"
WATCHDOG = "[Service]\nWatchdogSec=2s\nTimeoutAbortSec=2s\n"
SESSION = "[Unit]\nBindsTo=graphical-session.target\nBefore=graphical-session.target\n"


@pytest.fixture(scope="module")
def um() -> Iterator[UserManager]:
    reason = unavailable_reason()
    if reason:
        rig_unavailable(reason)
    manager = UserManager()
    manager.start()
    try:
        yield manager
    finally:
        manager.stop()


def write(um: UserManager, path: Path, text: str) -> None:
    """Write a file in the user's home as the user would: owned by them, folders too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for folder in [path.parent, *path.parent.parents]:
        if folder == um.home:
            break
        os.chown(folder, um.user.pw_uid, um.user.pw_gid)
    path.write_text(text)
    os.chown(path, um.user.pw_uid, um.user.pw_gid)


def config(um: UserManager, text: str) -> None:
    write(um, um.config_home / "standup/config.toml", text)


def drop_in(um: UserManager, name: str, text: str | None) -> None:
    path = um.config_home / f"systemd/user/{UNIT}.d/{name}.conf"
    if text is None:
        path.unlink()
    else:
        write(um, path, text)
    um.systemctl("daemon-reload", check=True)


def state(um: UserManager) -> dict[str, str]:
    props = ("ActiveState", "SubState", "MainPID", "NRestarts", "Result", "ExecMainStatus")
    return um.show(UNIT, *props)


def main_pid(um: UserManager) -> int:
    return int(state(um)["MainPID"])


def since(seconds_ago: float = 0.0) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(time.time() - seconds_ago))


@pytest.fixture(scope="module")
def started_at(um: UserManager) -> str:
    return since(1)


def test_the_manager_is_up_quickly(um: UserManager) -> None:
    print(f"user manager timings: {um.timings}")
    assert um.timings["manager"] < 5
    assert um.systemctl("is-system-running").stdout.strip() in ("running", "degraded")


def test_install_now_starts_it_and_it_is_active_only_once_ready(um, started_at) -> None:
    config(um, GOOD)
    write(um, um.config_home / f"systemd/user/{UNIT}.d/strict.conf", STRICT)
    began = time.monotonic()
    done = um.standup("service", "install", "--now")
    took = time.monotonic() - began
    assert done.returncode == 0, done.stderr
    # The manager has no DISPLAY here (nothing imported it): install says so and how to fix it.
    assert "neither DISPLAY nor WAYLAND_DISPLAY" in done.stdout
    # Type=notify: `systemctl start` returned once READY=1 came, so the daemon answers at once.
    status = um.standup("status", "--json")
    assert status.returncode == 0, status.stderr
    props = um.show(
        UNIT, "Type", "ActiveState", "ExecMainStartTimestampMonotonic",
        "ActiveEnterTimestampMonotonic",
    )  # fmt: skip
    assert (props["Type"], props["ActiveState"]) == ("notify", "active")
    latency = (
        int(props["ActiveEnterTimestampMonotonic"]) - int(props["ExecMainStartTimestampMonotonic"])
    ) / 1e6
    print(f"install --now: {took:.2f} s; READY=1 after {latency:.2f} s")
    # Python, pydantic and the control socket take well over 50 ms before READY=1.
    assert 0.05 < latency < 10


def test_status_shows_in_systemctl_status(um) -> None:
    out = um.systemctl("status", UNIT).stdout
    assert 'Status: "next reminder at ' in out


def test_reinstall_from_another_config_folder_restarts_and_writes_where_the_manager_reads(
    um,
) -> None:
    before = main_pid(um)
    other = um.home / "elsewhere"
    done = um.standup("service", "install", "--now", env={"XDG_CONFIG_HOME": str(other)})
    assert done.returncode == 0, done.stderr
    assert f"reads units from {um.config_home}/systemd/user, not {other}" in done.stdout
    assert not (other / "systemd").exists()
    assert main_pid(um) not in (0, before)  # restarted, so the new unit is in effect
    assert state(um)["ActiveState"] == "active"


def test_reload_with_a_good_config_succeeds_and_a_bad_one_fails(um) -> None:
    pid = main_pid(um)
    config(um, '[schedule]\nsit = "50m"\n')
    assert um.systemctl("reload", UNIT).returncode == 0
    config(um, BAD)
    refused = um.systemctl("reload", UNIT)
    assert refused.returncode != 0
    # The daemon keeps running with the config it had.
    assert (main_pid(um), state(um)["ActiveState"]) == (pid, "active")
    config(um, GOOD)
    assert um.systemctl("reload", UNIT).returncode == 0


# The safety notice went out on an earlier day: the reminder is the one bubble to press.
MARK_NOTICE_SEEN = """\
from standup.daemon.persist import SHOWN, Key
from standup.history.store import Store
with Store.open() as store:
    store.set_value(Key.SAFETY_NOTICE, SHOWN)
"""


def test_a_reminder_from_the_unit_reaches_the_server_with_its_buttons(um) -> None:
    um.run(um.python, "-c", MARK_NOTICE_SEEN, check=True)
    um.systemctl("set-environment", f"DISPLAY={um.display}", check=True)
    assert um.systemctl("restart", UNIT).returncode == 0
    config(um, '[schedule]\nsit = "2s"\nsnooze = "1h"\n')
    assert um.systemctl("reload", UNIT).returncode == 0
    wait_until(lambda: um.displayed_count() > 0, timeout=15, interval=0.1)
    um.press("snooze")
    wait_until(lambda: "Snoozed" in um.standup("status").stdout, timeout=10, interval=0.1)
    menu = um.menu_log.read_text()
    names = [e.name for e in builtin_catalogue()]
    for label in ("Done", "Snooze 1 h", "Skip"):
        assert any(f"#{label} ({name}" in menu for name in names), menu
    config(um, GOOD)
    assert um.systemctl("reload", UNIT).returncode == 0
    um.dunstctl("close-all")


def test_the_unit_speaks_the_user_manager_s_language(um, monkeypatch) -> None:
    """LANG from the manager's environment, as a desktop's locale settings put it there: the
    bubble's title and buttons in German, and doctor (in a C.UTF-8 terminal) says why."""
    locale = um.home / "locale"
    pokit.compile_tree(locale)
    for folder, _dirs, files in os.walk(locale):
        for name in [folder, *(os.path.join(folder, f) for f in files)]:
            os.chown(name, um.user.pw_uid, um.user.pw_gid)
    monkeypatch.setenv("STANDUP_LOCALEDIR", str(locale))
    monkeypatch.setenv("LANGUAGE", "de")  # this process: the German words to look for
    names = [catalogue_text(e.id, "name", e.name) for e in builtin_catalogue()]
    done = _("Done")
    snooze = _("Snooze {duration}").format(duration=describe(timedelta(hours=1)))
    monkeypatch.delenv("LANGUAGE")
    assert done != "Done" and "Hüftdehnung im Schritt" in names
    um.menu_log.write_text("")
    um.systemctl("set-environment", "LANG=de_DE.UTF-8", f"STANDUP_LOCALEDIR={locale}", check=True)
    try:
        config(um, '[schedule]\nsnooze = "1h"\n')
        assert um.systemctl("restart", UNIT).returncode == 0  # the manager's new environment
        wait_until(lambda: um.standup("now").returncode == 0, timeout=15, interval=0.2)
        wait_until(lambda: um.displayed_count() > 0, timeout=15, interval=0.1)
        um.press("snooze")
        wait_until(lambda: um.menu_log.read_text().strip(), timeout=10, interval=0.1)
        menu = um.menu_log.read_text()
        assert any(f"#{done} ({name}" in menu for name in names), menu
        assert any(f"#{snooze} ({name}" in menu for name in names), menu
        report = um.standup("doctor", "--json", env={"STANDUP_LOCALEDIR": str(locale)})
        language = next(c for c in json.loads(report.stdout)["checks"] if c["name"] == "language")
        assert (language["details"]["language"], language["details"]["source"]) == (
            "de",
            "LANG=de_DE.UTF-8",
        )
        said = "the daemon speaks Deutsch (de): LANG=de_DE.UTF-8 in its environment"
        assert language["finding"] == said
    finally:
        um.systemctl("set-environment", "LANG=C.UTF-8", check=True)
        um.systemctl("unset-environment", "STANDUP_LOCALEDIR", check=True)
        config(um, GOOD)
        assert um.systemctl("restart", UNIT).returncode == 0
        um.dunstctl("close-all")


def test_the_hardening_refused_nothing_from_start_to_here(um, started_at) -> None:
    props = state(um)
    assert (props["ActiveState"], props["NRestarts"]) == ("active", "0")
    text = "\n".join(str(e.get("MESSAGE", "")) for e in um.journal(UNIT, started_at))
    for sign in ("SIGSYS", "Bad system call", "Operation not permitted", "EPERM", "code=killed"):
        assert sign not in text


# In a unit with MemoryDenyWriteExecute=: PR_GET_MDWE, then how an anonymous page mapped
# writable and executable fares, then how a writable page made executable fares.
W_X_PROBE = """\
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                      ctypes.c_int, ctypes.c_long]
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
def answer(failed):
    return errno.errorcode.get(ctypes.get_errno(), "?") if failed else "allowed"
FAILED = ctypes.c_void_p(-1).value
page = libc.mmap(None, 4096, 7, 0x22, -1, 0)  # RWX, MAP_PRIVATE | MAP_ANONYMOUS
rwx = answer(page in (None, FAILED))
page = libc.mmap(None, 4096, 3, 0x22, -1, 0)  # RW
rx = answer(libc.mprotect(page, 4096, 5) != 0)  # then RX
print(libc.prctl(66, 0, 0, 0, 0), rwx, rx)  # 66: PR_GET_MDWE
"""
PR_MDWE_REFUSE_EXEC_GAIN = 1


def test_write_and_execute_memory_is_refused_by_mdwe_or_the_seccomp_filter(um) -> None:
    # What the unit's comment says. systemd 252 refuses W^X with a seccomp filter (EPERM,
    # PR_GET_MDWE reads 0); systemd 257 sets the kernel's PR_SET_MDWE where the kernel has it
    # (EACCES, PR_GET_MDWE reads 1) and keeps the filter only where it does not. The flag the
    # unit's process carries says which answer to expect.
    done = um.run(
        "systemd-run", "--user", "--wait", "--pipe", "--quiet",
        "-p", "MemoryDenyWriteExecute=yes", "-p", "NoNewPrivileges=yes",
        um.python, "-c", W_X_PROBE,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    flags, rwx, rx = done.stdout.split()
    print(f"W^X in a unit: PR_GET_MDWE={flags}, mmap RWX: {rwx}, mprotect RW->RX: {rx}")
    kernel = int(flags) >= 0 and int(flags) & PR_MDWE_REFUSE_EXEC_GAIN != 0  # -1: no MDWE
    assert (rwx, rx) == (("EACCES", "EACCES") if kernel else ("EPERM", "EPERM"))


def test_the_watchdog_restarts_a_stopped_daemon(um) -> None:
    drop_in(um, "watchdog", WATCHDOG)
    try:
        assert um.systemctl("restart", UNIT).returncode == 0
        pid, restarts = main_pid(um), int(state(um)["NRestarts"])
        um.run("kill", "-STOP", str(pid), check=True)

        def restarted() -> bool:
            now = state(um)
            return now["ActiveState"] == "active" and now["MainPID"] not in ("0", str(pid))

        wait_until(restarted, timeout=15, interval=0.2)
        assert int(state(um)["NRestarts"]) == restarts + 1
    finally:
        # Whatever happened, the tests after this one get the plain unit, running, startable.
        drop_in(um, "watchdog", None)
        um.systemctl("kill", "--signal=SIGCONT", UNIT)
        um.systemctl("reset-failed", UNIT)
    assert um.systemctl("restart", UNIT).returncode == 0


def test_a_bad_config_at_start_fails_with_status_2_and_is_not_restarted(um) -> None:
    config(um, BAD)
    restarts = int(state(um)["NRestarts"])
    assert um.systemctl("restart", UNIT).returncode != 0
    wait_until(lambda: state(um)["ActiveState"] == "failed", timeout=10, interval=0.1)
    time.sleep(2)  # twice RestartSec: a restart would have come by now
    now = state(um)
    assert (now["ActiveState"], now["ExecMainStatus"], now["NRestarts"]) == (
        "failed", "2", str(restarts),
    )  # fmt: skip
    out = um.standup("service", "status").stdout
    assert "exited with status 2: the config is not valid" in out
    assert "standup config check" in out
    config(um, GOOD)
    um.systemctl("reset-failed", UNIT)


def test_it_starts_and_stops_with_the_graphical_session(um) -> None:
    um.systemctl("stop", UNIT)
    assert um.systemctl("is-active", UNIT).stdout.strip() == "inactive"
    # A session manager's own target, as gnome-session or uwsm bring: it pulls the session in.
    write(um, um.config_home / "systemd/user/test-session.target", SESSION)
    um.systemctl("daemon-reload", check=True)
    assert um.systemctl("start", "test-session.target").returncode == 0
    wait_until(lambda: um.systemctl("is-active", UNIT).stdout.strip() == "active", 10, 0.1)
    assert um.systemctl("stop", "test-session.target").returncode == 0
    wait_until(lambda: um.systemctl("is-active", UNIT).stdout.strip() == "inactive", 20, 0.1)


def test_the_journal_carries_each_lines_priority(um, started_at) -> None:
    db = um.home / ".local/state/standup/standup.db"
    saved = db.read_bytes()
    db.write_bytes(b"not a database " * 100)  # the daemon warns and starts a fresh one
    assert um.systemctl("start", UNIT).returncode == 0
    um.systemctl("stop", UNIT)
    db.write_bytes(saved)

    def lines() -> list[dict[str, object]]:
        return um.journal(UNIT, started_at)

    def priority(start: str) -> set[str]:
        return {str(e["PRIORITY"]) for e in lines() if str(e["MESSAGE"]).startswith(start)}

    wait_until(lambda: priority("standup running"), timeout=10, interval=0.2)
    assert priority("standup running") == {"6"}
    assert priority(f"database {db} is unusable") == {"4"}
    assert priority("config not reloaded") == {"3"}
    assert not [e for e in lines() if str(e.get("MESSAGE", "")).startswith("<")]


def test_a_bad_config_at_start_is_logged_as_an_error(um, started_at) -> None:
    refused = [e for e in um.journal(UNIT, started_at) if 'sit = "forever"' in str(e["MESSAGE"])]
    assert refused
    assert {str(e["PRIORITY"]) for e in refused} == {"3"}


def test_service_status_and_uninstall(um) -> None:
    assert um.systemctl("start", UNIT).returncode == 0
    out = um.standup("service", "status").stdout
    assert "enabled:   enabled" in out
    assert "active:    active" in out
    assert "daemon:    running" in out
    assert "warning" not in out  # the manager has DISPLAY since the reminder test
    done = um.standup("service", "uninstall")
    assert done.returncode == 0, done.stderr
    assert not (um.config_home / f"systemd/user/{UNIT}").exists()
    assert um.systemctl("is-active", UNIT).stdout.strip() == "inactive"
    assert (
        "install it with `standup service install --now`" in um.standup("service", "status").stdout
    )
