"""The daemon's client commands: arguments refused before a request, and what they print."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from standup import paths
from standup.cli import client as cli_client
from standup.cli.config import _reload_daemon
from standup.cli.main import main
from standup.control import client as control
from standup.control.client import ControlError
from standup.control.server import ControlServer
from standup.errors import DaemonNotRunning

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday


def _status(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "state": "sitting",
        "now": NOW.isoformat(),
        "sitting_seconds": 600,
        "interval_seconds": 3000,
        "next_reminder_at": (NOW + timedelta(minutes=40)).isoformat(),
    }
    return {**base, **fields}


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """The requests sent, each answered with a sitting status (or a paused one for pause)."""
    sent: list[tuple[str, dict[str, Any]]] = []

    def answer(cmd: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
        sent.append((cmd, args or {}))
        if cmd == "pause" and args and "until" in args:
            return _status(state="paused", sitting_seconds=None, paused_until=args["until"])
        return _status()

    monkeypatch.setattr(cli_client, "_request", answer)
    monkeypatch.setattr(cli_client, "local_now", lambda: NOW)
    return sent


# ---- status --waybar: always a line, always exit 0 ----------------------------------------


def _raise(error: BaseException) -> Any:
    def request(cmd: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
        raise error

    return request


@pytest.mark.parametrize(
    ("error", "css", "text"),
    [
        (DaemonNotRunning("standup is not running"), "stopped", "off"),
        (ControlError("reply larger than 16777216 bytes"), "error", "error"),
        (ControlError("standup did not answer 'status' within 5 s"), "error", "error"),
        (ControlError("x" * 20_000_000), "error", "error"),
        (RuntimeError("boom"), "error", "error"),
    ],
)
def test_waybar_prints_its_line_whatever_fails(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: Exception,
    css: str,
    text: str,
) -> None:
    monkeypatch.setattr(cli_client, "_request", _raise(error))
    assert main(["status", "--waybar"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    line = json.loads(out)
    assert (line["class"], line["text"]) == (css, text)
    assert 0 < len(line["tooltip"]) <= 300


@pytest.mark.parametrize(
    "reply",
    [
        {"state": "sitting", "interval_seconds": "soon"},
        {"state": "paused", "paused_until": "not a time"},
        {"state": "sitting", "sitting_seconds": "ten"},
        ["not", "an", "object"],
    ],
)
def test_waybar_survives_a_reply_of_the_wrong_shape(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reply: Any
) -> None:
    monkeypatch.setattr(cli_client, "_request", lambda cmd, args=None: reply)
    assert main(["status", "--waybar"]) == 0
    assert json.loads(capsys.readouterr().out)["class"] == "error"


def test_a_huge_config_error_is_shown_bounded() -> None:
    text = cli_client.describe_status(_status(config_error="sit: bad value " + "9" * 20_000_000))
    assert text.startswith("Sitting for 10 min")
    assert len(text) < 500
    line = cli_client.waybar(_status(config_error="x" * 20_000_000))
    assert len(json.dumps(line)) < 1_000


# ---- empty arguments are mistakes, not defaults -------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["snooze", ""],
        ["snooze", "  "],
        ["pause", ""],
        ["pause", "--until", ""],
        ["pause", "--until="],
    ],
)
def test_an_empty_argument_is_a_usage_error(
    requests: list[Any], capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(argv) == 1
    assert requests == []
    assert "standup: " in capsys.readouterr().err


# ---- pause --until ------------------------------------------------------------------------


def test_until_a_time_past_today_says_it_means_tomorrow(
    requests: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pause", "--until", "09:30"]) == 0
    until = datetime.fromisoformat(requests[0][1]["until"])
    assert until == NOW.replace(hour=9, minute=30) + timedelta(days=1)
    out = capsys.readouterr().out
    assert out.startswith("09:30 has passed today: pausing until tomorrow, Tue 3 Mar 09:30.\n")
    assert "Paused until Tue 3 Mar 09:30" in out


def test_until_later_today_says_no_date(
    requests: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pause", "--until", "12:30"]) == 0
    assert datetime.fromisoformat(requests[0][1]["until"]) == NOW.replace(hour=12, minute=30)
    assert capsys.readouterr().out.startswith("Paused until 12:30 (in 2 h 30 min).")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 12:30 at +05:00 is 07:30 UTC, already past at 10:00 UTC: tomorrow.
        ("12:30+05:00", datetime(2026, 3, 3, 7, 30, tzinfo=UTC)),
        ("12:30Z", datetime(2026, 3, 2, 12, 30, tzinfo=UTC)),
        ("12:30-02:00", datetime(2026, 3, 2, 14, 30, tzinfo=UTC)),
        ("12:30", datetime(2026, 3, 2, 12, 30, tzinfo=UTC)),
    ],
)
def test_until_honours_a_utc_offset(text: str, expected: datetime) -> None:
    until = cli_client.next_local_time(text, NOW)
    assert until == expected
    assert until.utcoffset() is not None


def test_until_keeps_the_offset_it_was_given_on_the_wire(requests: list[Any]) -> None:
    assert main(["pause", "--until", "12:30+05:00"]) == 0
    sent = datetime.fromisoformat(requests[0][1]["until"])
    assert sent.utcoffset() == timedelta(hours=5)
    assert (sent.hour, sent.minute) == (12, 30)


@pytest.mark.parametrize("text", ["25:00", "noon", "12:30+24:00", "12:30 +05:00 x"])
def test_until_refuses_what_is_not_a_time(text: str) -> None:
    with pytest.raises(cli_client.UsageError, match="--until wants a time"):
        cli_client.next_local_time(text, NOW)


def test_until_reads_the_clock_of_the_offset_given() -> None:
    # 23:00 at -10:00 is 09:00 UTC tomorrow; it has not passed there (02:00 at -10:00 now).
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    until = cli_client.next_local_time("23:00-10:00", now)
    assert until.astimezone(UTC) == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert until.tzinfo == timezone(timedelta(hours=-10))


# ---- reload: one that outlasts a command is followed through the status to its end --------


@pytest.fixture
def slow_reload(
    xdg_dirs, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[list[Any], int], list[str]]]:
    """A daemon on the real socket that answers `reload` "under way" and then gives, look after
    look of `status`, the `last_reload` values a test lists (the last one repeated)."""
    monkeypatch.setattr(control, "RELOAD_POLL", 0.01)
    monkeypatch.setattr(control, "RELOAD_WAIT", 1.0)
    servers: list[ControlServer] = []

    def start(lasts: list[Any], pid: int = os.getpid()) -> list[str]:
        received: list[str] = []

        def handle(cmd: str, args: dict[str, Any]) -> dict[str, Any]:
            received.append(cmd)
            if cmd == "reload":
                return {"reload_id": 2, "under_way": True, "pid": os.getpid()}
            last = lasts.pop(0) if len(lasts) > 1 else lasts[0]
            return _status(pid=pid, last_reload=last)

        server = ControlServer(paths.control_socket(), handle, ["reload", "status"])
        server.start()
        servers.append(server)
        return received

    yield start
    for server in servers:
        server.stop()


def _reload(state: str, id: int = 2, code: str | None = None, message: str = "") -> Any:
    return {"id": id, "state": state, "message": message, "code": code}


def test_reload_waits_for_a_reload_under_way_and_says_it_is_done(slow_reload, capsys) -> None:
    running = _reload("running")
    received = slow_reload([None, running, running, _reload("done", message="config reloaded")])
    assert main(["reload"]) == 0
    assert received == ["reload", "status", "status", "status", "status"]
    assert capsys.readouterr().out.startswith("config reloaded\nSitting for 10 min")


def test_an_earlier_reload_ending_is_not_taken_for_ours(slow_reload, capsys) -> None:
    slow_reload([_reload("done", id=1, message="old"), _reload("done", message="ours")])
    assert main(["reload"]) == 0
    assert capsys.readouterr().out.startswith("ours\n")


def test_a_reload_refused_after_a_while_is_a_bad_config(slow_reload, capsys) -> None:
    refused = "config not reloaded: schedule.sit: must be positive"
    slow_reload([_reload("running"), _reload("failed", code="bad_config", message=refused)])
    assert main(["reload"]) == 2
    assert refused in capsys.readouterr().err
    _reload_daemon()  # `config set` and `config edit` after their write
    assert f"did not reload: {refused}" in capsys.readouterr().err


def test_a_reload_still_running_is_not_called_failed(slow_reload, capsys) -> None:
    slow_reload([_reload("running")])
    assert main(["reload"]) == 1
    assert "still reloading its config after 1 s" in capsys.readouterr().err
    _reload_daemon()
    captured = capsys.readouterr()
    assert "still reloading" in captured.err and "did not reload" not in captured.err
    assert "reloaded its config" not in captured.out


def test_a_reload_never_started_by_the_deadline_was_not_done(slow_reload, capsys) -> None:
    slow_reload([None])  # a stuck worker never got to it; past the deadline it never will
    assert main(["reload"]) == 1
    assert "did not reload; nothing was done" in capsys.readouterr().err
    _reload_daemon()
    assert "the running daemon did not reload" in capsys.readouterr().err


def test_a_daemon_restarted_mid_reload_is_said(slow_reload, capsys) -> None:
    slow_reload([None], pid=os.getpid() + 1)
    assert main(["reload"]) == 1
    assert "restarted before its reload was done" in capsys.readouterr().err


# ---- the status line of a snoozed or postponed reminder -------------------------------------


def _line_after(*events: Any) -> str:
    """The status line `standup status` prints after these core events, one second after the
    last (the daemon's own snapshot, local time taken as UTC)."""
    from standup.core import Policy, initial, step
    from standup.daemon.snapshot import snapshot

    policy, state = Policy(), initial(NOW)
    for event in events:
        state = step(state, event, policy).state
    later = events[-1].now + timedelta(seconds=1)
    info = snapshot(state, policy, later, exercise=None, config_files=[], notifier="log")
    return cli_client.describe_status(info)


def test_a_reminder_postponed_before_it_came_is_not_called_snoozed(monkeypatch) -> None:
    from standup.core import Snooze

    monkeypatch.setattr(cli_client, "to_local", lambda moment: moment.astimezone(UTC))
    due = NOW + timedelta(minutes=50)
    first = Snooze(due - timedelta(seconds=60), timedelta(seconds=5))
    line = _line_after(first)
    assert line.startswith("Sitting for 49 min; next reminder postponed to 10:50")
    assert "Snoozed" not in line and "0 of" not in line
    # Each `snooze 5s` shows it moved: to the second when the reminder is close.
    assert line.endswith("(in 1 min 4 s).")
    again = Snooze(first.now + timedelta(seconds=1), timedelta(seconds=5))
    assert _line_after(first, again).endswith("(in 1 min 8 s).")


def test_a_snoozed_reminder_says_the_snoozes_used_and_when_it_is_back(monkeypatch) -> None:
    from standup.core import Snooze, Tick

    monkeypatch.setattr(cli_client, "to_local", lambda moment: moment.astimezone(UTC))
    due = NOW + timedelta(minutes=50)
    snoozed = Snooze(due + timedelta(seconds=10), timedelta(minutes=10))
    line = _line_after(Tick(due), snoozed)
    assert line.startswith("Snoozed (1 of 3 snoozes used); sitting for 50 min; back at 11:00")
    # Snoozing it again counts from now: 2 min, not 2 min more than the 10 already due.
    again = Snooze(snoozed.now + timedelta(seconds=20), timedelta(minutes=2))
    line = _line_after(Tick(due), snoozed, again)
    assert line.startswith("Snoozed (2 of 3 snoozes used)") and "back at 10:52" in line
    assert line.endswith("(in 1 min 59 s).")
