"""The wire format, without sockets."""

from __future__ import annotations

import json

import pytest

from standup.control.protocol import (
    MAX_LINE,
    LineBuffer,
    ProtocolError,
    decode_reply,
    decode_request,
    encode_error,
    encode_request,
    encode_result,
)

COMMANDS = {"status", "snooze"}


def test_request_round_trip_is_one_line() -> None:
    line = encode_request("snooze", {"for": "10m", "note": "a\nb ü"})
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line) == {"v": 1, "cmd": "snooze", "args": {"for": "10m", "note": "a\nb ü"}}
    assert decode_request(line[:-1], COMMANDS) == ("snooze", {"for": "10m", "note": "a\nb ü"}, None)


def test_args_default_to_empty() -> None:
    assert decode_request(b'{"v": 1, "cmd": "status"}', COMMANDS) == ("status", {}, None)


def test_deadline_round_trip() -> None:
    line = encode_request("status", None, deadline=12345.6789012)
    assert json.loads(line)["deadline"] == 12345.678901
    assert decode_request(line[:-1], COMMANDS).deadline == 12345.678901
    assert decode_request(b'{"v":1,"cmd":"status","deadline":7}', COMMANDS).deadline == 7.0


@pytest.mark.parametrize(
    ("line", "code", "words"),
    [
        (b"\xff\xfe", "bad_json", "UTF-8"),
        (b"{nope", "bad_json", "not valid JSON"),
        (b"[1, 2]", "bad_json", "JSON object"),
        (b'{"cmd": "status"}', "bad_version", "version None"),
        (b'{"v": 2, "cmd": "status"}', "bad_version", "version 2"),
        (b'{"v": 1}', "unknown_command", '"cmd"'),
        (b'{"v": 1, "cmd": 7}', "unknown_command", '"cmd"'),
        (b'{"v": 1, "cmd": "dance"}', "unknown_command", "'dance'; known commands: snooze"),
        (b'{"v": 1, "cmd": "status", "args": [1]}', "bad_args", '"args" must be'),
        (b" " * (MAX_LINE + 1), "too_large", "larger than"),
        (b'{"v": 1, "cmd": "status", "deadline": "soon"}', "bad_args", '"deadline" must be'),
        (b'{"v": 1, "cmd": "status", "deadline": true}', "bad_args", '"deadline" must be'),
        (b'{"v": 1, "cmd": "status", "deadline": NaN}', "bad_args", '"deadline" must be'),
        (b'{"v": 1, "cmd": "status", "deadline": 1e999}', "bad_args", '"deadline" must be'),
        (b'{"v": 1, "cmd": "status", "deadline": 1' + b"0" * 400 + b"}", "bad_args", "must be"),
    ],
)
def test_bad_requests_name_the_problem(line: bytes, code: str, words: str) -> None:
    with pytest.raises(ProtocolError) as info:
        decode_request(line, COMMANDS)
    assert info.value.code == code
    assert words in str(info.value)


def test_replies() -> None:
    ok = decode_reply(encode_result({"sat": 3})[:-1])
    assert ok.ok and ok.result == {"sat": 3}
    bad = decode_reply(encode_error("no such thing", "bad_args")[:-1])
    assert not bad.ok and bad.error == "no such thing" and bad.code == "bad_args"
    with pytest.raises(ProtocolError):
        decode_reply(b'{"v": 1}')


def test_line_buffer_splits_and_bounds() -> None:
    buf = LineBuffer(limit=10)
    buf.feed(b"one\ntw")
    assert buf.next_line() == b"one"
    assert buf.next_line() is None
    buf.feed(b"o\n\nthree")
    assert buf.next_line() == b"two"
    assert buf.next_line() == b""
    assert buf.next_line() is None
    assert buf.rest() == b"three"
    buf.feed(b"-and-more")
    with pytest.raises(ProtocolError) as info:
        buf.next_line()
    assert info.value.code == "too_large"


def test_line_buffer_rejects_a_complete_oversized_line() -> None:
    buf = LineBuffer(limit=4)
    buf.feed(b"12345\n")
    with pytest.raises(ProtocolError):
        buf.next_line()
