"""The core stays pure: it imports nothing that does I/O, threads or reads the clock."""

from __future__ import annotations

import ast
from pathlib import Path

import standup.core

FORBIDDEN = {
    "apscheduler",
    "jeepney",
    "sqlite3",
    "socket",
    "subprocess",
    "time",
    "threading",
    "os",
    "plyer",
    "asyncio",
    "logging",
}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_imports_nothing_that_does_io() -> None:
    files = sorted(Path(standup.core.__file__).parent.glob("*.py"))
    assert len(files) >= 3
    for path in files:
        bad = imported_roots(path) & FORBIDDEN
        assert not bad, f"{path.name} imports {bad}"


def test_core_never_reads_the_clock() -> None:
    for path in Path(standup.core.__file__).parent.glob("*.py"):
        text = path.read_text()
        for call in ("datetime.now", "datetime.utcnow", ".today("):
            assert call not in text, f"{path.name} calls {call}"
