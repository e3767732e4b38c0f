"""The backend names: the setting allows exactly the names `open_notifier` opens."""

from __future__ import annotations

from typing import get_args

import pytest

from standup.config.settings import NotificationOptions
from standup.notify import BACKENDS, Notifier, open_notifier
from standup.notify.auto import AutoNotifier


def _ignore(_key: str) -> None:
    pass


def test_the_setting_allows_exactly_the_backends() -> None:
    annotation = NotificationOptions.model_fields["backend"].annotation
    assert get_args(annotation) == BACKENDS


@pytest.mark.parametrize("backend", BACKENDS)
def test_open_notifier_opens_each_backend(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Opening connects to nothing; no bus keeps it so, should that ever change.
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    notifier: Notifier = open_notifier(backend, _ignore)
    try:
        if backend == "auto":
            assert isinstance(notifier, AutoNotifier)
            assert notifier.name == "log"  # nothing chosen before the first reminder
        else:
            assert notifier.name == backend
    finally:
        notifier.shutdown()
