from __future__ import annotations

import logging

import pytest

from standup.errors import UsageError
from standup.logsetup import setup_logging


@pytest.fixture(autouse=True)
def _restore_root_logger():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield
    root.handlers[:], level = saved
    root.setLevel(level)


def test_under_systemd_lines_carry_priorities_and_no_timestamps(monkeypatch, capsys) -> None:
    monkeypatch.setenv("JOURNAL_STREAM", "8:1234")
    setup_logging("info")
    logging.getLogger("standup").warning("held")
    logging.getLogger("standup").info("reminder")
    logging.getLogger("standup").debug("hidden")
    assert capsys.readouterr().err == "<4>held\n<6>reminder\n"


def test_elsewhere_lines_carry_timestamps(monkeypatch, capsys) -> None:
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    monkeypatch.setenv("STANDUP_LOG_LEVEL", "warning")
    setup_logging(None)
    logging.getLogger("standup").info("quiet")
    logging.getLogger("standup").error("loud")
    err = capsys.readouterr().err
    assert "quiet" not in err
    assert err.rstrip().endswith("ERROR loud") and err[:4].isdigit()


def test_an_unknown_level_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown log level"):
        setup_logging("chatty")
