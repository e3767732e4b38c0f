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
