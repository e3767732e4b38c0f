"""Asking the server who it is: a server still starting is asked again, anything else is not."""

from __future__ import annotations

from typing import Any

import pytest
from jeepney import DBusErrorResponse, HeaderFields, Message, new_error, new_method_return

from standup.notify.server import START_PAUSE, START_TRIES, STARTING, query_server

SERVICE_UNKNOWN = "org.freedesktop.DBus.Error.ServiceUnknown"


class ScriptedRouter:
    """Answers GetCapabilities with the errors given, then the capabilities; the rest at once."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        self.asked: list[str] = []

    def send_and_get_reply(self, msg: Message, timeout: float | None = None) -> Message:
        member = str(msg.header.fields[HeaderFields.member])
        self.asked.append(member)
        if member == "GetCapabilities":
            if self.errors:
                return new_error(msg, self.errors.pop(0), "s", ("Object does not exist",))
            return new_method_return(msg, "as", (["actions", "body"],))
        if member == "GetNameOwner":
            return new_method_return(msg, "s", (":1.7",))
        return new_method_return(msg, "ssss", ("SwayNotificationCenter", "erikreider", "0.12.6",
                                               "1.2"))  # fmt: skip


def test_a_server_that_took_its_name_before_its_object_is_asked_again() -> None:
    # swaync 0.12 started by the bus: the call that started it finds no object yet.
    router = ScriptedRouter([STARTING, STARTING])
    slept: list[float] = []
    server = query_server(router, sleep=slept.append)  # type: ignore[arg-type]
    assert server.name == "SwayNotificationCenter"
    assert server.actions
    assert router.asked.count("GetCapabilities") == 3
    assert slept == [START_PAUSE, START_PAUSE]


def test_other_errors_are_not_asked_again() -> None:
    router = ScriptedRouter([SERVICE_UNKNOWN])
    slept: list[float] = []
    with pytest.raises(DBusErrorResponse) as caught:
        query_server(router, sleep=slept.append)  # type: ignore[arg-type]
    assert caught.value.name == SERVICE_UNKNOWN
    assert (router.asked, slept) == (["GetCapabilities"], [])


def test_a_server_that_never_exports_its_object_is_an_error_within_a_second() -> None:
    router = ScriptedRouter([STARTING] * (START_TRIES + 5))
    slept: list[Any] = []
    with pytest.raises(DBusErrorResponse) as caught:
        query_server(router, sleep=slept.append)  # type: ignore[arg-type]
    assert caught.value.name == STARTING
    assert router.asked.count("GetCapabilities") == START_TRIES
    assert sum(slept) <= 1.0
