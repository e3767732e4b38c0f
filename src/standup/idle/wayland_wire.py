"""The Wayland wire format, sans I/O: messages as bytes in, bytes out, no socket, no clock.

A message is a header of two 32-bit words in the host's byte order, the object id and then
`size << 16 | opcode` (size counts the header), followed by its arguments, each padded to
four bytes. Signatures use libwayland's letters: i int, u uint, f fixed (24.8), s string,
o object, n new_id, a array, with `?` before s or o for nullable. An untyped new_id (what
wl_registry.bind takes) is written as the three arguments it is on the wire: "sun", interface
name, version and id. File descriptors (h) travel beside the bytes; this client needs none
and refuses them, so it can read with a plain recv().

Only what an idle client uses is described here: wl_display, wl_registry, wl_callback,
wl_seat, ext-idle-notify-v1 and KDE's org_kde_kwin_idle (plus what a test client needs to
hold an idle inhibitor).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

_WORD = struct.Struct("=I")
_INT = struct.Struct("=i")
_HEADER = struct.Struct("=II")
HEADER_SIZE = _HEADER.size
MAX_MESSAGE = 4096  # libwayland's limit: a peer sending more is broken
DISPLAY_ID = 1  # wl_display is always object 1

Arg = int | float | str | bytes | None


class WireError(ValueError):
    """Bytes that are not a well-formed Wayland message, or arguments that do not fit."""


# -- arguments --------------------------------------------------------------------------------


def _pad(size: int) -> int:
    return (size + 3) & ~3


def _split(signature: str) -> list[str]:
    """ "?su" -> ["?s", "u"]."""
    out: list[str] = []
    nullable = ""
    for letter in signature:
        if letter == "?":
            nullable = "?"
            continue
        if letter not in "iufsona":
            raise WireError(f"argument type {letter!r} is not supported (no fds, no others)")
        out.append(nullable + letter)
        nullable = ""
    return out


def pack_args(signature: str, args: Sequence[Arg]) -> bytes:
    kinds = _split(signature)
    if len(kinds) != len(args):
        raise WireError(f"signature {signature!r} takes {len(kinds)} arguments, got {len(args)}")
    out = bytearray()
    for kind, value in zip(kinds, args, strict=True):
        letter = kind[-1]
        try:
            if letter == "i":
                out += _INT.pack(int(value))  # type: ignore[arg-type]
            elif letter in "uon":
                out += _WORD.pack(0 if value is None and kind[0] == "?" else int(value))  # type: ignore[arg-type]
            elif letter == "f":
                out += _INT.pack(round(float(value) * 256))  # type: ignore[arg-type]
            elif letter == "s":
                if value is None:
                    out += _WORD.pack(0)
                    continue
                data = str(value).encode() + b"\0"
                out += _WORD.pack(len(data)) + data + b"\0" * (_pad(len(data)) - len(data))
            else:  # "a"
                data = bytes(value)  # type: ignore[arg-type]
                out += _WORD.pack(len(data)) + data + b"\0" * (_pad(len(data)) - len(data))
        except (struct.error, TypeError, ValueError) as exc:
            raise WireError(f"{value!r} does not fit argument type {kind!r}: {exc}") from None
    return bytes(out)


def unpack_args(signature: str, payload: bytes) -> tuple[Arg, ...]:
    out: list[Arg] = []
    pos = 0

    def word() -> int:
        nonlocal pos
        if pos + 4 > len(payload):
            raise WireError(f"message ends inside an argument ({len(payload)} bytes)")
        (value,) = _WORD.unpack_from(payload, pos)
        pos += 4
        return int(value)

    for kind in _split(signature):
        letter = kind[-1]
        if letter == "i":
            out.append(_INT.unpack(_WORD.pack(word()))[0])
        elif letter in "uon":
            value = word()
            out.append(None if value == 0 and kind[0] == "?" else value)
        elif letter == "f":
            out.append(_INT.unpack(_WORD.pack(word()))[0] / 256)
        else:  # "s" or "a": a length, then the bytes, padded
            size = word()
            if pos + _pad(size) > len(payload):
                raise WireError(f"a {size}-byte argument runs past the message end")
            data = payload[pos : pos + size]
            pos += _pad(size)
            if letter == "a":
                out.append(data)
            elif size == 0:
                out.append(None)
            elif data[-1:] != b"\0":
                raise WireError("a string argument is not NUL-terminated")
            else:
                out.append(data[:-1].decode(errors="replace"))
    if pos != len(payload):
        raise WireError(f"{len(payload) - pos} bytes left after signature {signature!r}")
    return tuple(out)


# -- messages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawMessage:
    """One message as read: its arguments stay bytes until the receiver's interface is known."""

    object_id: int
    opcode: int
    payload: bytes


def pack_message(object_id: int, opcode: int, signature: str, args: Sequence[Arg]) -> bytes:
    body = pack_args(signature, args)
    size = HEADER_SIZE + len(body)
    if size > MAX_MESSAGE:
        raise WireError(f"a {size}-byte message is over the {MAX_MESSAGE}-byte limit")
    return _HEADER.pack(object_id, size << 16 | opcode) + body


@dataclass
class MessageBuffer:
    """Collects bytes as they arrive and hands out whole messages; a message split across two
    reads waits for its rest."""

    _data: bytearray = field(default_factory=bytearray)

    @property
    def pending(self) -> int:
        return len(self._data)

    def feed(self, data: bytes) -> list[RawMessage]:
        self._data += data
        out: list[RawMessage] = []
        pos = 0
        while len(self._data) - pos >= HEADER_SIZE:
            object_id, word = _HEADER.unpack_from(self._data, pos)
            size, opcode = word >> 16, word & 0xFFFF
            if size < HEADER_SIZE or size % 4 or size > MAX_MESSAGE:
                raise WireError(f"message size {size} for object {object_id} is impossible")
            if len(self._data) - pos < size:
                break
            payload = bytes(self._data[pos + HEADER_SIZE : pos + size])
            out.append(RawMessage(object_id, opcode, payload))
            pos += size
        del self._data[:pos]
        return out


# -- the interfaces we speak ------------------------------------------------------------------


@dataclass(frozen=True)
class Interface:
    name: str
    requests: tuple[tuple[str, str], ...]  # by opcode: (name, signature)
    events: tuple[tuple[str, str], ...]

    def request(self, name: str) -> tuple[int, str]:
        for opcode, (request, signature) in enumerate(self.requests):
            if request == name:
                return opcode, signature
        raise WireError(f"{self.name} has no request {name!r}")


def _interface(name: str, requests: str = "", events: str = "") -> Interface:
    """From "name:sig name:sig" lists (signatures may be empty)."""

    def table(spec: str) -> tuple[tuple[str, str], ...]:
        return tuple((item.partition(":")[0], item.partition(":")[2]) for item in spec.split())

    return Interface(name, table(requests), table(events))


INTERFACES: dict[str, Interface] = {
    i.name: i
    for i in (
        _interface("wl_display", "sync:n get_registry:n", "error:ous delete_id:u"),
        _interface("wl_registry", "bind:usun", "global:usu global_remove:u"),
        _interface("wl_callback", "", "done:u"),
        _interface(
            "wl_seat", "get_pointer:n get_keyboard:n get_touch:n release:", "capabilities:u name:s"
        ),
        _interface(
            "ext_idle_notifier_v1",
            "destroy: get_idle_notification:nuo get_input_idle_notification:nuo",
        ),
        _interface("ext_idle_notification_v1", "destroy:", "idled: resumed:"),
        _interface("org_kde_kwin_idle", "get_idle_timeout:nou"),
        _interface(
            "org_kde_kwin_idle_timeout", "release: simulate_user_activity:", "idle: resumed:"
        ),
        _interface("wl_compositor", "create_surface:n create_region:n"),
        _interface("wl_surface", "destroy:"),
        _interface("zwp_idle_inhibit_manager_v1", "destroy: create_inhibitor:no"),
        _interface("zwp_idle_inhibitor_v1", "destroy:"),
    )
}


@dataclass(frozen=True)
class Event:
    object_id: int
    interface: str
    name: str
    args: tuple[Arg, ...]


class Objects:
    """The client's side of the object map: which id is which interface. Builds requests by
    name and decodes events; ids are handed out in order and not reused (a short-lived map)."""

    def __init__(self) -> None:
        self._ids: dict[int, Interface] = {DISPLAY_ID: INTERFACES["wl_display"]}
        self._next = DISPLAY_ID + 1

    def new(self, interface: str) -> int:
        object_id = self._next
        self._next += 1
        self._ids[object_id] = INTERFACES[interface]
        return object_id

    def interface(self, object_id: int) -> str | None:
        known = self._ids.get(object_id)
        return known.name if known else None

    def forget(self, object_id: int) -> None:
        """After wl_display.delete_id: events still in flight for it are dropped."""
        if object_id != DISPLAY_ID:
            self._ids.pop(object_id, None)

    def request(self, object_id: int, name: str, *args: Arg) -> bytes:
        known = self._ids.get(object_id)
        if known is None:
            raise WireError(f"no object {object_id}")
        opcode, signature = known.request(name)
        return pack_message(object_id, opcode, signature, args)

    def decode(self, message: RawMessage) -> Event | None:
        """The event, or None for an object we no longer (or never) knew."""
        known = self._ids.get(message.object_id)
        if known is None:
            return None
        if message.opcode >= len(known.events):
            raise WireError(f"{known.name} has no event {message.opcode}")
        name, signature = known.events[message.opcode]
        return Event(message.object_id, known.name, name, unpack_args(signature, message.payload))
