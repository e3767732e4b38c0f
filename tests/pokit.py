"""tools/po.py for the tests, loaded from its file (tools/ is not a package), and the tree's
translations compiled the way the wheel's build compiles them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PO_DIR = ROOT / "po"
TEMPLATE = PO_DIR / "standup.pot"
EXERCISES_DIR = PO_DIR / "exercises"
EXERCISES_TEMPLATE = EXERCISES_DIR / "standup-exercises.pot"


def _load_po_tools():
    spec = importlib.util.spec_from_file_location("standup_po_tools", ROOT / "tools" / "po.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # where its dataclasses look their annotations up
    spec.loader.exec_module(module)
    return module


po = _load_po_tools()


def languages() -> list[str]:
    return sorted(path.stem for path in PO_DIR.glob("*.po"))


def folders() -> dict[str, Path]:
    """Each domain's folder of .po files."""
    return {domain: ROOT / folder for domain, folder in po.DOMAINS.items()}


def files(language: str) -> list[Path]:
    """A language's files: its messages, then its exercise texts."""
    return [folder / f"{language}.po" for folder in folders().values()]


def every_file() -> list[Path]:
    """Every language's every file."""
    return [path for language in languages() for path in files(language)]


def compile_tree(localedir: Path) -> Path:
    """Every language's files compiled into `localedir`, as the wheel has them; `localedir`."""
    for domain, folder in folders().items():
        po.compile_folder(folder, localedir, domain)
    return localedir


# The pseudo-language's marks: a text shown without them was never asked of gettext.
OPEN, CLOSE = "\u2039", "\u203a"  # single angle quotation marks


def pseudo_tree(localedir: Path) -> Path:
    """A language "xx" in `localedir`: every message of the code as it is now (not the
    committed template, which may lag) and every exercise text between OPEN and CLOSE,
    placeholders kept; `localedir`."""
    package = ROOT / "src" / "standup"
    domains = {
        po.MESSAGES: po.extract_code(ROOT, package),
        po.EXERCISES: po.extract_catalogue(ROOT, package / "exercises" / "data" / "exercises.toml"),
    }
    for domain, entries in domains.items():
        unique = {entry.key: entry for entry in reversed(entries)}  # the first of each kept
        for entry in unique.values():
            texts = [entry.msgid] if entry.plural is None else [entry.msgid, entry.plural]
            entry.msgstr = [f"{OPEN}{text}{CLOSE}" for text in texts]
        target = localedir / "xx" / "LC_MESSAGES" / f"{domain}.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(po.compile_mo([po.new_language("xx", domain)[0], *unique.values()]))
    return localedir
