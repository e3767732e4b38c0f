"""Tests stand on support modules and fixtures, never on each other.

No file under tests/ imports a test module (`test_*`) or a conftest, or edits sys.path: what
tests share lives in a support module (rig, sweep, daemon_harness, faultkit, ...) or a fixture,
and pytest's rootdir handling already makes tests/ and each test's own directory importable.
A conftest is pytest's to load, and which one `import conftest` finds depends on what pytest
loaded last, as every directory's conftest goes by that one name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
# Calls on sys.path that change it.
_SYS_PATH_CHANGES = {"append", "extend", "insert", "remove", "pop", "clear", "reverse", "sort"}


def _sources() -> dict[str, Path]:
    return {
        path.relative_to(TESTS).as_posix(): path
        for path in sorted(TESTS.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def _test_modules() -> set[str]:
    return {Path(name).stem for name in _sources() if Path(name).stem.startswith("test_")}


def _is_sys_path(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "path"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules an import statement may load, by their top-level names."""
    if isinstance(node, ast.Import):
        return [alias.name.partition(".")[0] for alias in node.names]
    if node.level == 0 and node.module:
        return [node.module.partition(".")[0]]
    # A relative import: `from . import test_x` names the module itself.
    base = [node.module.partition(".")[0]] if node.module else []
    return base + [alias.name for alias in node.names]


def _assigned(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign | ast.Delete):
        return list(node.targets)
    if isinstance(node, ast.AugAssign | ast.AnnAssign):
        return [node.target]
    return []


def offences(source: str, test_modules: set[str]) -> list[str]:
    """Where `source` imports one of `test_modules` or a conftest, or changes sys.path, one line
    each."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            leaned_on = [n for n in _imported(node) if n in test_modules or n == "conftest"]
            found += [f"{where}: imports {name}" for name in leaned_on]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if _is_sys_path(node.func.value) and node.func.attr in _SYS_PATH_CHANGES:
                found.append(f"{where}: sys.path.{node.func.attr}()")
            elif node.func.attr == "syspath_prepend":  # pytest's monkeypatch.syspath_prepend
                found.append(f"{where}: syspath_prepend()")
        for target in _assigned(node):
            if _is_sys_path(target.value if isinstance(target, ast.Subscript) else target):
                found.append(f"{where}: assigns to sys.path")
    return sorted(found)


@pytest.mark.parametrize(
    "source",
    [
        "from test_daemon import Harness",
        "import test_daemon",
        "import test_daemon as daemon_tests",
        "def f():\n    from test_daemon import Harness",
        "from . import test_daemon",
        "from conftest import _rig_unavailable",
        "import conftest",
        "def f():\n    from conftest import XdgDirs",
        "import sys\nsys.path.insert(0, 'tests/daemon')",
        "import sys\nsys.path.append('tests')",
        "import sys\nsys.path[:0] = ['tests']",
        "import sys\nsys.path += ['tests']",
        "import sys\nsys.path = ['tests']",
        "def f(monkeypatch):\n    monkeypatch.syspath_prepend('tests')",
    ],
)
def test_the_check_sees_a_test_module_or_conftest_import_or_a_sys_path_edit(source: str) -> None:
    assert offences(source, {"test_daemon"}) != []


@pytest.mark.parametrize(
    "source",
    [
        "from daemon_harness import Harness",
        "from faultkit import DaemonProcess",
        "from rig import rig_unavailable",
        "from test import support",  # the standard library's, not one of ours
        "import sys\nsite = [p for p in sys.path if 'site-packages' in p]",
        "import sys\nprint(len(sys.path))",
    ],
)
def test_the_check_lets_support_modules_and_reading_sys_path_pass(source: str) -> None:
    assert offences(source, {"test_daemon"}) == []


def test_no_test_module_or_conftest_is_imported_and_sys_path_is_left_alone() -> None:
    test_modules = _test_modules()
    assert "test_daemon" in test_modules  # the scan sees the tree
    found = {
        name: lines
        for name, path in _sources().items()
        if (lines := offences(path.read_text(), test_modules))
    }
    assert found == {}
