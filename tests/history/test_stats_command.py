"""`standup stats` reads a real database file, read-only, with or without a daemon."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from standup.cli.main import main
from standup.history.store import Store
from standup.paths import database_file


class _Noon(datetime):
    """Today's local noon as "now": a history of the last 100 minutes then lies within today,
    whatever the hour the test runs at (shortly after midnight it would reach into yesterday)."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        noon = datetime.now().astimezone().replace(hour=12, minute=0, second=0, microsecond=0)
        return noon.astimezone(tz) if tz is not None else noon.replace(tzinfo=None)


def test_stats_from_a_recorded_history(xdg_dirs, capsys, monkeypatch) -> None:
    from standup.cli import stats as stats_command

    monkeypatch.setattr(stats_command, "datetime", _Noon)
    now = _Noon.now(UTC)
    start = now - timedelta(minutes=100)
    with Store.open() as store:
        store.commit_state({}, [("daemon_started", start)])
        store.commit_state({}, [("reminded", start + timedelta(minutes=50), "leg-swings")])
        store.commit_state(
            {}, [("done", start + timedelta(minutes=52), "leg-swings", {"sat_seconds": 3120})]
        )
    assert main(["stats", "--days", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    today = data["days"][-1] if isinstance(data, dict) else data[-1]
    assert today["reminders"] == 1
    assert today["done"] == 1
    assert today["minutes_sat"] == 52

    assert main(["stats", "--days", "1", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[-1]["done"] == "1"

    assert main(["stats", "--days", "1"]) == 0
    table = capsys.readouterr().out
    assert "52m" in table and "Streak: 1 day" in table


def test_stats_without_history_says_so(xdg_dirs, capsys) -> None:
    assert not database_file().exists()
    assert main(["stats"]) == 0
    assert "No history yet" in capsys.readouterr().out
    assert not database_file().exists()  # reading never creates the database


def test_stats_rejects_a_silly_range(xdg_dirs, capsys) -> None:
    assert main(["stats", "--days", "0"]) == 1
    assert "--days" in capsys.readouterr().err
