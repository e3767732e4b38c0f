"""The Wayland wire format without a socket: arguments, message framing, the object map."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest

from standup.idle.wayland_wire import (
    DISPLAY_ID,
    INTERFACES,
    Event,
    MessageBuffer,
    Objects,
    RawMessage,
    WireError,
    pack_args,
    pack_message,
    unpack_args,
)

# What sway 1.7 (headless, Debian 12) sent for get_registry + sync: 38 globals, the sync's
# done and its delete_id, 1736 bytes in one read. zlib + base64 to keep the file short.
SWAY_17_REGISTRY = zlib.decompress(
    base64.b64decode(
        "eNqFVdty0zAQVRKuJRTKpRTSlgIBOgwPoeSBhz7wJxrZ3jqa2JZHlu2kX89qbaWy6wyZ0XocHa129+xZj5n9nbIR"
        "2se46oQXq5TR+5j25vQ8bPZCleaqkEZpfH+ww1yyCdqj9nwZdGCer5905l2Di4QRPIJKhsBTkYkYED3ZYZfsIdpz"
        "XLd1onks0lTg/ZnRKnF4Xv3q+X/U+r/dRDFXpclL0wFPvJhtvq9wKR3zdQR8XcuMyyiBjs8Fe0IVsnHktM1ltpKB"
        "7DgeeX6fon3j4k7EFhHFCpLE4u5qdsEO0E5x2VDrlAeiANpzuTxDe9zea0SQgHfjVSfGa/LzvZ9LAbpCcASh0sJI"
        "ld3V2c/vOdqZq9l9MNVt5PFySNE3cWlIEFwBz5XMDIIHa7JgL9wdeMZBkczCaIEvRe+OOXuJ1i4L11BAZiimDtdH"
        "jmtb5wGux17MluezHjZXdTfgHu+vfd4z8g5mpSKfBR9vOf/g+IKNcYcc+nfH/x/2Fu0nF9ON0iDjjBuVJ1BBr8U7"
        "ujj2dQGbXGnDo1QE5c0+XSyoTjN3pgg1QBaqfLtHG0t24teLlDooPa/G1+w9dX/LsZap0FtswQRC6qau0rv9Mae6"
        "HTZ8VxJqm5Nt046uZu2MoT5t8h7g7ZI42+Fkuhd3Nuzvqo87H/Z3D/exnScWJjDpqpFRj4slacfpp5LalCLha9gG"
        "SuhouD5L6pMLx4c7NKA5v+c/+33S9OLA5PJj+8u+oP3RxraLqVhhymGJMv3P+VNkktG8tN8BEIZmrNPrV7QnvRkQ"
        "Q2FKFLj1NPFm4ze0B42fRq3t92ZC+1O6s1lT+u8fqXVwMw=="
    )
)


def _client_after_get_registry() -> tuple[Objects, int, int]:
    objects = Objects()
    return objects, objects.new("wl_registry"), objects.new("wl_callback")


@pytest.mark.parametrize(
    ("signature", "args"),
    [
        ("i", (-5,)),
        ("i", (2**31 - 1,)),
        ("u", (2**32 - 1,)),
        ("f", (-1.5,)),
        ("f", (300.25,)),
        ("s", ("wl_seat",)),
        ("s", ("",)),  # empty, but present: length 1 (the NUL)
        ("s", ("sé\u00e4t",)),
        ("?s", (None,)),
        ("o", (7,)),
        ("?o", (None,)),
        ("n", (42,)),
        ("a", (b"",)),
        ("a", (b"\x01\x02\x03\x04\x05",)),
        ("usun", (36, "wl_seat", 1, 4)),  # wl_registry.bind's untyped new_id
        ("ous", (3, 1, "invalid arguments for wl_seat#4.get_pointer")),
    ],
)
def test_arguments_round_trip(signature: str, args: tuple[object, ...]) -> None:
    packed = pack_args(signature, args)  # type: ignore[arg-type]
    assert len(packed) % 4 == 0
    assert unpack_args(signature, packed) == args


def test_bytes_as_libwayland_writes_them() -> None:
    # wl_display.get_registry(new_id 2): object 1, size 12, opcode 1, then the id.
    assert pack_message(1, 1, "n", (2,)) == struct.pack("=III", 1, 12 << 16 | 1, 2)
    # A string carries its NUL in the length and is padded to 4 bytes.
    assert pack_args("s", ("wl_seat",)) == struct.pack("=I", 8) + b"wl_seat\0"
    assert pack_args("s", ("abcd",)) == struct.pack("=I", 5) + b"abcd\0\0\0\0"
    assert pack_args("f", (1.0,)) == struct.pack("=i", 256)


@pytest.mark.parametrize(
    ("signature", "args"),
    [("o", (None,)), ("u", (-1,)), ("u", (2**32,)), ("i", ("x",)), ("u", (1, 2))],
)
def test_arguments_that_do_not_fit_are_refused(signature: str, args: tuple[object, ...]) -> None:
    with pytest.raises(WireError):
        pack_args(signature, args)  # type: ignore[arg-type]


def test_file_descriptors_are_refused_both_ways() -> None:
    # Nothing this client speaks carries an fd: it reads with plain recv(), so an fd argument
    # in a table would be a silent desync.
    with pytest.raises(WireError, match="not supported"):
        pack_args("h", (3,))
    with pytest.raises(WireError, match="not supported"):
        unpack_args("uh", b"\0" * 4)
    for interface in INTERFACES.values():
        for _name, signature in interface.requests + interface.events:
            assert "h" not in signature


@pytest.mark.parametrize(
    ("signature", "payload", "match"),
    [
        ("u", b"\0\0", "ends inside"),
        ("s", struct.pack("=I", 40) + b"short\0\0\0", "runs past"),
        ("s", struct.pack("=I", 4) + b"abcd", "NUL-terminated"),
        ("u", b"\0" * 8, "left after"),
    ],
)
def test_malformed_arguments(signature: str, payload: bytes, match: str) -> None:
    with pytest.raises(WireError, match=match):
        unpack_args(signature, payload)


def test_a_captured_sway_registry_burst() -> None:
    objects, registry, callback = _client_after_get_registry()
    buffer = MessageBuffer()
    events = [objects.decode(message) for message in buffer.feed(SWAY_17_REGISTRY)]
    assert buffer.pending == 0
    globals_ = {e.args[1]: (e.args[0], e.args[2]) for e in events if e and e.name == "global"}
    assert len(globals_) == 38
    assert globals_["wl_seat"] == (36, 7)
    assert globals_["org_kde_kwin_idle"] == (7, 1)
    assert globals_["zwp_idle_inhibit_manager_v1"] == (8, 1)
    assert "ext_idle_notifier_v1" not in globals_  # sway 1.7: KDE's protocol only
    assert events[-2] == Event(callback, "wl_callback", "done", (1,))
    assert events[-1] == Event(DISPLAY_ID, "wl_display", "delete_id", (callback,))
    assert {e.object_id for e in events[:-2] if e} == {registry}


@pytest.mark.parametrize("chunk", [1, 3, 7, 64, 4096])
def test_messages_split_across_reads(chunk: int) -> None:
    whole = MessageBuffer().feed(SWAY_17_REGISTRY)
    buffer = MessageBuffer()
    pieces: list[RawMessage] = []
    for start in range(0, len(SWAY_17_REGISTRY), chunk):
        pieces += buffer.feed(SWAY_17_REGISTRY[start : start + chunk])
    assert pieces == whole
    assert buffer.pending == 0


def test_a_partial_message_waits_for_its_rest() -> None:
    message = pack_message(5, 0, "s", ("resumed later",))
    buffer = MessageBuffer()
    assert buffer.feed(message[:6]) == []  # not even a whole header
    assert buffer.feed(message[6:-1]) == []
    assert buffer.pending == len(message) - 1
    assert buffer.feed(message[-1:] + message[:8]) == [RawMessage(5, 0, message[8:])]
    assert buffer.pending == 8


@pytest.mark.parametrize("size", [0, 4, 10, 4100])
def test_impossible_sizes_are_refused(size: int) -> None:
    with pytest.raises(WireError, match="impossible"):
        MessageBuffer().feed(struct.pack("=II", 3, size << 16))


def test_requests_by_name_and_the_order_of_their_arguments() -> None:
    objects = Objects()
    notifier = objects.new("ext_idle_notifier_v1")
    kde = objects.new("org_kde_kwin_idle")
    # ext: (id, timeout, seat); KDE: (id, seat, timeout). Opcode 1, not 2 (the input-only one).
    assert objects.request(notifier, "get_idle_notification", 9, 5000, 4) == pack_message(
        notifier, 1, "nuo", (9, 5000, 4)
    )
    assert objects.request(kde, "get_idle_timeout", 9, 4, 5000) == pack_message(
        kde, 0, "nou", (9, 4, 5000)
    )
    with pytest.raises(WireError, match="no request"):
        objects.request(notifier, "get_pointer", 1)
    with pytest.raises(WireError, match="no object"):
        objects.request(99, "destroy")


def test_idle_events_decode_and_forgotten_objects_are_dropped() -> None:
    objects = Objects()
    ext = objects.new("ext_idle_notification_v1")
    kde = objects.new("org_kde_kwin_idle_timeout")
    assert objects.decode(RawMessage(ext, 0, b"")) == Event(ext, "ext_idle_notification_v1",
                                                            "idled", ())  # fmt: skip
    assert objects.decode(RawMessage(kde, 1, b"")) == Event(kde, "org_kde_kwin_idle_timeout",
                                                            "resumed", ())  # fmt: skip
    objects.forget(ext)
    assert objects.decode(RawMessage(ext, 1, b"")) is None  # in flight after destroy
    objects.forget(DISPLAY_ID)  # never: the display outlives everything
    assert objects.interface(DISPLAY_ID) == "wl_display"
    with pytest.raises(WireError, match="no event"):
        objects.decode(RawMessage(kde, 2, b""))
