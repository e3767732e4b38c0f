"""Hostile values for the state store's JSON keys, as the second audit planted them and their
neighbours. Before bounded decoding each of the deep and out-of-range ones made `standup run`
exit 1 at every start (RecursionError, OverflowError), a crash loop under systemd."""

from __future__ import annotations

SITTING = '"phase":"sitting","sitting_since":"2026-12-06T10:00:00+00:00"'

GOOD = {
    "core": "{" + SITTING + ',"snoozes":1,"snoozed_until":"2026-12-06T10:50:00+00:00"}',
    "rotation": (
        '{"categories":{"hamstrings.mobility":{"credit":0.5,"queue":["leg-swings"],"seen":[]}},'
        '"last":"couch-stretch","seed":42,"targets":{"hamstrings":0.25},"version":1}'
    ),
    "progression": '{"steps":{"leg-swings":1},"version":1}',
}

# Below the bracket cap, so only the depth limit stands between it and the decoder's stack.
_DEEP_UNDER_CAP = "[" * 5_000 + "]" * 5_000

HOSTILE: dict[str, dict[str, str]] = {
    "core": {
        "deep": "[" * 100_000,
        "deep inside": "{" + SITTING + ',"snoozes":' + _DEEP_UNDER_CAP + "}",
        "1e999": "{" + SITTING + ',"snoozes":1e999}',
        "10**5000": "{" + SITTING + ',"snoozes":1' + "0" * 5000 + "}",
        "wrong types": '{"phase":{"a":1},"sitting_since":[2026],"snoozes":"x"}',
        "truncated": GOOD["core"][:40],
    },
    "rotation": {
        "deep": "[" * 100_000,
        "deep inside": '{"version":1,"seed":1,"categories":' + _DEEP_UNDER_CAP + "}",
        "1e999": '{"version":1,"seed":1e999}',
        "10**5000": '{"version":1,"seed":1' + "0" * 5000 + "}",
        "wrong types": '{"version":1,"seed":"7","categories":{"a.b":{"queue":[1,2]}}}',
        "truncated": GOOD["rotation"][:60],
    },
    "progression": {
        "deep": "[" * 100_000,
        "deep inside": '{"version":1,"steps":{"leg-swings":' + _DEEP_UNDER_CAP + "}}",
        "1e999": '{"version":1,"steps":{"leg-swings":1e999}}',
        "10**5000": '{"version":1,"steps":{"leg-swings":1' + "0" * 5000 + "}}",
        "wrong types": '{"version":1,"steps":[["leg-swings",1]]}',
        "truncated": GOOD["progression"][:20],
    },
}

KINDS = sorted(HOSTILE["core"])
