"""Random Wayland event streams: from the wire decoder nothing escapes but WireError, and from
the source nothing but IdleError, whatever a compositor sends and however it is cut up."""

from __future__ import annotations

import contextlib
import itertools
import socket
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from standup.idle import IdleError
from standup.idle.wayland import WaylandSource
from standup.idle.wayland_wire import (
    HEADER_SIZE,
    MAX_MESSAGE,
    MessageBuffer,
    Objects,
    WireError,
    pack_args,
    pack_message,
    unpack_args,
)

# The fuzzers run in the full suite (CI), bounded there; the fast lane leaves them out.
pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=150,
    deadline=None,  # bounded by HANDSHAKE below instead: socket timing is noisy in CI
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HANDSHAKE = 1.0  # the source's deadline; every stream below ends, so none should need it

# The ids the client hands out, in order: what a stream must name to reach each step.
REGISTRY, SYNC, SEAT, NOTIFIER, NOTIFICATION, SECOND_SYNC = range(2, 8)
INTERFACE_NAMES = ["wl_seat", "ext_idle_notifier_v1", "org_kde_kwin_idle", "wl_output", ""]

words = st.integers(0, 2**32 - 1)
texts = st.text(max_size=40) | st.sampled_from(INTERFACE_NAMES)


def _raw(object_id: int, opcode: int, body: bytes) -> bytes:
    """A header around any body, as long as the size fits in its 16 bits."""
    size = (HEADER_SIZE + len(body)) << 16 | opcode
    return object_id.to_bytes(4, sys.byteorder) + size.to_bytes(4, sys.byteorder) + body


@st.composite
def events(draw: st.DrawFn) -> bytes:
    """One message: mostly plausible events for the ids the client uses, some nonsense."""
    # Weighted towards what a compositor sends, so that many streams get past the handshake.
    kind = draw(st.sampled_from([0, 0, 0, 1, 2, 2, 3, 4, 4, 5, 5, 5, 6, 6, 6, 7]))
    target = draw(st.sampled_from([1, REGISTRY, SYNC, SECOND_SYNC, NOTIFICATION, 9, 0xFF000001]))
    if kind == 0:
        return pack_message(REGISTRY, 0, "usu", (draw(words), draw(texts), draw(words)))
    if kind == 1:
        return pack_message(REGISTRY, 1, "u", (draw(words),))
    if kind == 2:
        return pack_message(draw(st.sampled_from([SYNC, SECOND_SYNC])), 0, "u", (draw(words),))
    if kind == 3:
        return pack_message(1, 0, "ous", (draw(words), draw(words), draw(texts)))
    if kind == 4:
        return pack_message(1, 1, "u", (draw(st.integers(0, 10)),))
    if kind == 5:
        return pack_message(NOTIFICATION, draw(st.integers(0, 2)), "", ())
    if kind == 6:
        body = draw(st.binary(max_size=64))
        return _raw(target, draw(st.integers(0, 0xFFFF)), body + b"\0" * (-len(body) % 4))
    return draw(st.binary(max_size=24))  # bytes that may be no message at all


streams = st.lists(events(), max_size=8).map(b"".join)


def test_a_good_handshake_opens_in_this_harness() -> None:
    """The harness below can reach an open source: the fuzz is not all failures."""
    first = b"".join(
        [
            pack_message(REGISTRY, 0, "usu", (1, "wl_seat", 7)),
            pack_message(REGISTRY, 0, "usu", (2, "ext_idle_notifier_v1", 1)),
            pack_message(SYNC, 0, "u", (0,)),
        ]
    )
    second = pack_message(SECOND_SYNC, 0, "u", (0,)) + pack_message(NOTIFICATION, 0, "", ())
    outcome = _open_on(first, second)
    assert isinstance(outcome, WaylandSource)
    outcome.close()


@pytest.fixture(autouse=True)
def thread_errors() -> Iterator[list[BaseException]]:
    """Exceptions that escape a reader thread: none may."""
    caught: list[BaseException] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: caught.append(args.exc_value)  # type: ignore[arg-type, misc]
    yield caught
    threading.excepthook = previous
    assert caught == []


def _open_on(first: bytes, second: bytes = b"") -> WaylandSource | IdleError:
    """A source on a socket that answers the first sync with `first` and the second with
    `second`, and then ends: the source, or its error."""
    client, server = socket.socketpair()
    compositor = threading.Thread(target=_serve, args=(server, first, second), daemon=True)
    compositor.start()
    try:
        return WaylandSource(client, deadline=HANDSHAKE)
    except IdleError as error:
        return error
    finally:
        compositor.join(HANDSHAKE)
        server.close()


def _serve(server: socket.socket, first: bytes, second: bytes) -> None:
    buffer, syncs = MessageBuffer(), 0
    with contextlib.suppress(OSError):  # the client gave up first (its right), or a timeout
        while syncs < 2 and (data := server.recv(4096)):
            for message in buffer.feed(data):
                if (message.object_id, message.opcode) == (1, 0):  # wl_display.sync
                    syncs += 1
                    server.sendall(first if syncs == 1 else second)
                    # A client still waiting for the first sync never asks again: end soon.
                    server.settimeout(0.05)
    with contextlib.suppress(OSError):
        server.shutdown(socket.SHUT_WR)


# Often a good start, so that the fuzz reaches the second step and the reader thread.
GOOD_START = b"".join(
    [
        pack_message(REGISTRY, 0, "usu", (1, "wl_seat", 7)),
        pack_message(REGISTRY, 0, "usu", (2, "ext_idle_notifier_v1", 1)),
    ]
)


def answered(sync: int, start: bytes = b"") -> st.SearchStrategy[bytes]:
    """A random stream after `start`, and most often the answer to the sync at its end."""
    done = pack_message(sync, 0, "u", (0,))
    return st.tuples(st.sampled_from([b"", start]), st.just(b"") | streams, st.integers(0, 3)).map(
        lambda t: t[0] + t[1] + (done if t[2] else b"")
    )


@FUZZ
@given(first=answered(SYNC, GOOD_START), second=answered(SECOND_SYNC))
def test_any_stream_in_the_handshake_ends_in_a_source_or_an_idle_error(
    first: bytes, second: bytes
) -> None:
    began = time.monotonic()
    outcome = _open_on(first, second)
    assert time.monotonic() - began < HANDSHAKE  # the stream's end, not the deadline
    if isinstance(outcome, IdleError):
        assert str(outcome).startswith("wayland: ")
        event("failed in the handshake")
        return
    event("opened")
    # Open: the reader thread reads the rest up to the end, which fails the source in words.
    outcome._thread.join(HANDSHAKE)
    assert not outcome._thread.is_alive()
    with pytest.raises(IdleError, match=r"^wayland: "):
        outcome.sample()
    outcome.close()


@FUZZ
@given(stream=streams, cuts=st.lists(st.integers(0, 4096), max_size=8))
def test_the_decoder_raises_only_wire_errors_however_the_stream_is_cut(
    stream: bytes, cuts: list[int]
) -> None:
    objects = Objects()
    for name in ("wl_registry", "wl_callback", "wl_seat", "ext_idle_notifier_v1"):
        objects.new(name)
    objects.new("ext_idle_notification_v1")
    buffer = MessageBuffer()
    bounds = sorted({0, len(stream), *(c for c in cuts if c < len(stream))})
    try:
        for start, end in itertools.pairwise(bounds):
            for message in buffer.feed(stream[start:end]):
                objects.decode(message)
                assert HEADER_SIZE + len(message.payload) <= MAX_MESSAGE
    except WireError:
        return
    assert buffer.pending < MAX_MESSAGE  # a whole message would have been handed out


signatures = st.lists(
    st.sampled_from(["i", "u", "f", "s", "?s", "o", "?o", "n", "a"]), max_size=6
).map("".join)


@FUZZ
@given(signature=signatures, payload=st.binary(max_size=80))
def test_any_payload_for_any_signature_decodes_or_is_a_wire_error(
    signature: str, payload: bytes
) -> None:
    try:
        args = unpack_args(signature, payload)
    except WireError:
        return
    assert len(args) == len(signature.replace("?", ""))
    # Numbers pack back to the same bytes (strings and arrays may not: invalid UTF-8 is
    # replaced, padding is not kept).
    if not set(signature) & {"s", "a"}:
        assert pack_args(signature, args) == payload
