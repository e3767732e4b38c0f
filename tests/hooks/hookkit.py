"""Hook commands for the tests: real processes that tell what they were given."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["argv_dump", "dumped", "env_dump"]

_ENV_DUMP = """import json, os, sys
variables = {k: v for k, v in os.environ.items() if k.startswith("STANDUP_")}
with open(sys.argv[1], "a") as out:
    out.write(json.dumps(variables) + "\\n")
"""
_ARGV_DUMP = """import json, sys
with open(sys.argv[1], "a") as out:
    out.write(json.dumps(sys.argv[2:]) + "\\n")
"""


def env_dump(path: Path) -> list[str]:
    """A hook that appends its STANDUP_* variables to `path` as one JSON line."""
    return [sys.executable, "-c", _ENV_DUMP, str(path)]


def argv_dump(path: Path, *args: str) -> list[str]:
    """A hook that appends the arguments after `path` to it as one JSON line."""
    return [sys.executable, "-c", _ARGV_DUMP, str(path), *args]


def dumped(path: Path) -> list[Any]:
    """What the hooks wrote to `path`, one value a run; [] before the first."""
    if not path.exists():
        return []
    return [
        json.loads(line)
        for line in path.read_text().splitlines()
        if line.endswith("}") or line.endswith("]")
    ]
