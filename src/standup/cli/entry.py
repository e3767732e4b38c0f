"""The `standup` command's entry point: `--version` is answered before the command line is
built (argparse, the command table and their imports cost more than the answer)."""

from __future__ import annotations

import sys


def main() -> int:
    if sys.argv[1:] == ["--version"]:
        from standup import __version__

        print(f"standup {__version__}")
        return 0
    from standup.cli.main import main as run_command_line

    return run_command_line()
