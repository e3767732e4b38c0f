"""`python3 -m standup.manpages DIR`: write standup.1 and standup.toml.5 into DIR, dated by
SOURCE_DATE_EPOCH when it is set."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from standup.files import write_atomic
from standup.i18n import choose_language
from standup.manpages import command_page, config_page

PAGES = {"standup.1": command_page.render, "standup.toml.5": config_page.render}


def build_date() -> str:
    """The build's date: SOURCE_DATE_EPOCH's when set (a reproducible build), else today's."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return time.strftime("%Y-%m-%d", time.gmtime(int(epoch) if epoch else None))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python3 -m standup.manpages DIR", file=sys.stderr)
        return 1
    folder = Path(argv[0])
    date = build_date()
    # The pages are English (the package ships no translated ones), whatever the build's locale.
    choose_language("en")
    for name, render in PAGES.items():
        write_atomic(folder / name, render(date).encode("utf-8"), mode=0o644)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
