"""A stand-in for BusClient: answers method calls and property reads from a table, no bus."""

from __future__ import annotations

from typing import Any

from jeepney import HeaderFields, Message

from standup.idle.bus import BusClient, BusFailure

PROPS = "org.freedesktop.DBus.Properties"


class FakeBus(BusClient):
    """`replies` maps (path, interface, member) to a reply body, or to an exception to raise.

    Property reads are keyed (path, interface, "prop:Name") and take the bare value;
    GetAll is keyed (path, interface, "all") and takes a plain dict.
    """

    def __init__(self, replies: dict[tuple[str, str, str], Any], bus: str = "SESSION") -> None:
        super().__init__(bus)
        self.replies = replies
        self.calls: list[tuple[str, str, str]] = []
        self.closed = 0

    def call(self, msg: Message) -> tuple[Any, ...]:
        fields = msg.header.fields
        path, interface = fields[HeaderFields.path], fields[HeaderFields.interface]
        member = fields[HeaderFields.member]
        if interface == PROPS and member == "Get":
            key = (path, msg.body[0], f"prop:{msg.body[1]}")
        elif interface == PROPS and member == "GetAll":
            key = (path, msg.body[0], "all")
        else:
            key = (path, interface, member)
        self.calls.append(key)
        if key not in self.replies:
            raise BusFailure(f"no reply for {key}", "org.freedesktop.DBus.Error.ServiceUnknown")
        reply = self.replies[key]
        if isinstance(reply, BaseException):
            raise reply
        if key[2].startswith("prop:"):
            return ((_signature(reply), reply),)
        if key[2] == "all":
            return ({name: (_signature(value), value) for name, value in reply.items()},)
        return tuple(reply)

    def close(self) -> None:
        self.closed += 1


def _signature(value: Any) -> str:
    if isinstance(value, bool):
        return "b"
    if isinstance(value, int):
        return "t"
    if isinstance(value, tuple):
        return "(so)"
    return "s"
