"""Commands that need no validation import no validation library: they start fast."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pydantic", "pydantic_settings", "apscheduler", "plyer", "sqlite3", "jeepney", "tomlkit")


@pytest.mark.parametrize(
    "argv", [["config", "path"], ["config", "path", "--config", "/tmp/x.toml"], ["--version"]]
)
def test_light_commands_import_nothing_heavy(xdg_dirs, argv) -> None:
    probe = (
        "import sys\n"
        "from standup.cli.main import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.splitlines()[-1] == "[]", result.stderr
    if "--config" in argv:
        assert "/tmp/x.toml" in result.stdout  # the option after the command took effect


def test_version_is_answered_before_the_command_line_is_built(xdg_dirs) -> None:
    """`standup --version` says what `--version` of the full parser says, importing neither
    argparse nor the command table."""
    probe = (
        "import sys\n"
        "sys.argv = ['standup', '--version']\n"
        "from standup.cli.entry import main\n"
        "code = main()\n"
        "print(code, sorted(m for m in ('argparse', 'standup.commands', 'standup.cli.main')"
        " if m in sys.modules))\n"
    )
    fast = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    full = subprocess.run([sys.executable, "-m", "standup", "--log-level", "info", "--version"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    version_line, imported = fast.stdout.splitlines()
    assert imported == "0 []", fast.stderr
    assert version_line == full.stdout.strip()
