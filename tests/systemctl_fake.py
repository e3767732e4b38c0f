"""A fake `systemctl` for the service tests: it logs what it is told and answers questions
about the user manager from fake.json beside its log."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def write_fake_systemctl(script: Path, log: Path) -> None:
    """A `systemctl` at `script` that appends its argv to `log`; FAIL_ON=<verb> makes it fail.

    It answers from fake.json beside the log (see `fake_manager`): the manager's environment,
    `is-active` words, `show` state."""
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        f"fake = json.load(open({str(log.with_name('fake.json'))!r}))\n"
        "if os.environ.get('FAIL_ON') in sys.argv:\n"
        "    print('Failed to connect to bus: No medium found', file=sys.stderr)\n"
        "    sys.exit(1)\n"
        "verb = sys.argv[2]\n"
        "if verb == 'show-environment':\n"
        "    print('\\n'.join(f'{k}={v}' for k, v in fake['env'].items()))\n"
        "if verb == 'show': print('\\n'.join(f'{k}={v}' for k, v in fake['show'].items()))\n"
        "if verb == 'is-enabled': print('enabled')\n"
        "if verb == 'is-active':\n"
        "    word = fake['active'].get(sys.argv[3], 'inactive'); print(word)\n"
        "    sys.exit(0 if word == 'active' else 3)\n"
    )
    script.chmod(0o755)


def actions(log: Path) -> list[str]:
    """What the fake systemctl was told to do, without the questions it was asked."""
    queries = ("show-environment", "show", "is-active", "is-enabled", "is-system-running")
    return [line for line in log.read_text().splitlines() if line.split()[1] not in queries]


def fake_manager(log: Path, **answers: object) -> None:
    """Change what the fake systemctl answers: env=, active= (unit -> word), show=."""
    path = log.with_name("fake.json")
    fake = json.loads(path.read_text()) if path.exists() else {}
    fake = {"env": {}, "active": {"graphical-session.target": "active"}, "show": {}, **fake}
    fake.update(answers)
    path.write_text(json.dumps(fake))
