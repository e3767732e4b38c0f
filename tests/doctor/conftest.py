"""`main(argv)` with the service and doctor commands, whether or not cli.py registers them yet."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from standup import cli, cli_service


@pytest.fixture
def run_main(monkeypatch: pytest.MonkeyPatch) -> Callable[[Sequence[str]], int]:
    build = cli.build_parser

    def build_with_service():  # type: ignore[no-untyped-def]
        parser = build()
        sub = parser._subparsers._group_actions[0]  # type: ignore[union-attr]
        if "service" not in sub.choices:
            cli_service.add_parsers(sub)
        return parser

    monkeypatch.setattr(cli, "build_parser", build_with_service)
    return cli.main
