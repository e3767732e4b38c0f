"""The wheel's build step of our own: each language's files compiled into the package's locale
folder (po/<lang>.po to standup/locale/<lang>/LC_MESSAGES/standup.mo, po/exercises/<lang>.po
to standup-exercises.mo). The .mo files are never in the tree:
they are made here, from the .po files, by tools/po.py (the standard library only, so the
build needs nothing more, pybuild's included). An editable install has none; the tests
compile their own."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _po_tools(root: Path) -> Any:
    spec = importlib.util.spec_from_file_location("standup_po_tools", root / "tools" / "po.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # where its dataclasses look their annotations up
    spec.loader.exec_module(module)
    return module


class CompileCatalogues(BuildHookInterface):  # type: ignore[misc]  # hatchling is untyped
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        self._made = Path(tempfile.mkdtemp(prefix="standup-locale-"))
        po = _po_tools(root)
        for domain, folder in po.DOMAINS.items():
            for mo_file in po.compile_folder(root / folder, self._made, domain):
                inside = mo_file.relative_to(self._made).as_posix()
                build_data["force_include"][str(mo_file)] = f"standup/locale/{inside}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        made = getattr(self, "_made", None)
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
