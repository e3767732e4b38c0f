"""A packaged install: the user unit a distribution package puts where systemd looks for vendor
units, and what `service install` does with it instead of writing a unit of its own.

Debian's package installs /usr/lib/systemd/user/standup.service, enabled for no one, and
standup itself under /usr/lib/python3/dist-packages. A standup run from there enables that
unit, and takes away what an earlier install from a checkout or pipx left in the user's
folders (a unit there would win over the package's, and run the old copy). A standup from a
venv beside the package is not the package's: it writes its own unit as before.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from standup.i18n import _
from standup.service import installed
from standup.service.identity import identity_paths
from standup.service.systemd import systemctl
from standup.service.unit import UNIT_NAME, UNIT_TEMPLATE as _TEMPLATE, exec_line, render_unit

PACKAGED_UNIT = Path("/usr/lib/systemd/user") / UNIT_NAME
PACKAGED_COMMAND = "/usr/bin/standup"
# Where Debian's python3 packages put modules (pybuild installs standup there).
PACKAGED_PREFIXES = ("/usr/lib/python3/dist-packages/",)

_INSTALL_NOTE = (
    "# `standup service install` replaces this line with the interpreter that has standup "
    "installed:\n# ExecStart=/path/to/python -m standup run\n"
)
_PACKAGED_NOTE = (
    "# Installed by the standup package and enabled for no one: each user turns it on with\n"
    "# standup service install (or systemctl --user enable standup.service).\n"
)


def unit_text() -> str:
    """The packaged unit: the same template, run by the package's command."""
    if _INSTALL_NOTE not in _TEMPLATE:
        raise LookupError("the unit template's note on ExecStart= changed: update _INSTALL_NOTE")
    text = render_unit(exec_line([PACKAGED_COMMAND, "run"]))
    return text.replace(_INSTALL_NOTE, _PACKAGED_NOTE)


def in_use(module_file: str | None = None) -> bool:
    """Whether this standup is the package's, and the package's unit is there."""
    if module_file is None:
        import standup

        module_file = standup.__file__
    where = os.path.realpath(module_file)
    return where.startswith(PACKAGED_PREFIXES) and PACKAGED_UNIT.is_file()


def unit_in_effect(own_unit: Path) -> Path:
    """The unit systemd reads: the user's own when there is one, else the package's."""
    if own_unit.is_file() or not in_use():
        return own_unit
    return PACKAGED_UNIT


def plan_fields(
    own_unit: Path,
    shell_files: installed.ExtraFiles,
    commands: list[list[str]],
    now: bool,
    notes: list[str],
) -> dict[str, Any]:
    """`Plan` fields for an install that runs `commands` to enable the package's unit: remove
    standup's own unit, desktop file, icon and completions from the user's folders, where they
    would hide the package's; anything else there is named and kept. `notes` on the user
    manager come first in the advice."""
    extra = tuple((path, None) for path in (*identity_paths(), *(p for p, _data in shell_files)))
    stale = [path for path in (own_unit, *(p for p, _data in extra)) if os.path.lexists(path)]
    kept = os.path.lexists(own_unit) and installed.why_kept(own_unit)
    if kept:  # the user's own unit: it wins over the package's, and is theirs to run
        said = _("your own unit {unit} stays; systemd runs it, not {packaged}")
    else:
        said = _("the unit is the package's: {packaged}")
    advice = [*notes, said.format(unit=own_unit, packaged=PACKAGED_UNIT)]
    if not now:
        start = f"systemctl --user start {UNIT_NAME}"
        advice.append(_("start it now with: {command}").format(command=start))
    fields: dict[str, Any] = {"commands": commands, "advice": advice, "installs": True}
    if not stale:
        return fields
    fields.update(path=own_unit, content=None, extra=extra)
    if os.path.lexists(own_unit) and not kept:
        # Disabled before it goes, or its link in default.target.wants would dangle; a unit
        # the manager no longer knows fails to disable, which stops nothing.
        disable = systemctl("disable", UNIT_NAME)
        fields.update(
            commands=[disable, *commands], tolerate_failure=frozenset({0}), run_after_file=1
        )
    return fields
