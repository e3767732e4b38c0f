"""Gettext catalogues for standup's build and its translators, with Python's standard library only.

Reads and writes `.po`/`.pot` files, compiles `.mo` files (GNU's format, as Python's gettext
reads it), extracts the messages marked in the code (`_`, `N_`, `ngettext`, `pgettext`,
`npgettext`) and every text of the exercise catalogue (one context per exercise and field), and
merges a new template into a language's file. Deterministic: the same tree gives the same
template byte for byte, so a test can tell a stale one, whatever gettext version is installed.
Used by hatch_build.py (the wheel), tools/update-pot and the tests; not shipped.
"""

from __future__ import annotations

import ast
import re
import struct
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

MARKERS = {"_": ("msgid",), "N_": ("msgid",), "ngettext": ("msgid", "plural")}
MARKERS |= {"pgettext": ("msgctxt", "msgid"), "npgettext": ("msgctxt", "msgid", "plural")}
# The exercise fields a user reads, in the order a translator meets them in a bubble.
EXERCISE_FIELDS = ("name", "steps", "dose", "cue", "side", "feel", "why")
# What a translator of each field must keep to; the limits are the catalogue's own (catalogue.py).
FIELD_NOTES = {
    "name": "The bubble's title: at most 26 columns, one line beside the picture.",
    "steps": "The first step is the one instruction that makes the move. The body (first step, "
    "dose, cue, other steps) wraps to at most 4 lines of 40 columns; its first three parts "
    "to at most 4 lines of 26.",
    "dose": "How long or how many; keep the digits, under 40 characters.",
    "cue": "The move's own safety cue: keep its meaning exactly.",
    "side": 'What a side means, shown as "Left ({side}): 12 s"; under 20 characters, lower-case.',
    "feel": "Where the move is felt: the place the picture marks.",
    "why": "What the move does and why it helps, one line for `exercises show`.",
}
_BRACE = re.compile(r"\{[a-z_]+\}")
HEADER_FIELDS = (
    ("Project-Id-Version", "standup"),  # the domain's name
    ("Report-Msgid-Bugs-To", ""),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
)


@dataclass
class Entry:
    """One message: its context, text and plural, its translations, and the comments around
    it (`notes` for translators from the source, `comments` of the translators themselves)."""

    msgid: str
    msgctxt: str | None = None
    plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    notes: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid

    @property
    def translated(self) -> bool:
        return all(self.msgstr) and "fuzzy" not in self.flags


# ---- reading and writing .po ----------------------------------------------------------------


def _unquote(text: str) -> str:
    return ast.literal_eval(text)  # a PO string is a C string, which a Python literal reads


def read_po(text: str) -> list[Entry]:
    """The entries of a .po or .pot file, the header (msgid "") first when it has one."""
    entries: list[Entry] = []
    current = Entry("")
    last: tuple[str, int] | None = None
    done = False  # the current entry has its msgstr: a comment or msgid starts the next one
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):  # "#~": an obsolete entry, gone from the code
            continue
        if done and not line.startswith(('"', "msgstr")):
            entries.append(current)
            current, last, done = Entry(""), None, False
        if line.startswith("#"):
            kind, rest = line[1:2], line[2:].strip()
            if kind == ".":
                current.notes.append(rest)
            elif kind == ":":
                current.places.extend(rest.split())
            elif kind == ",":
                current.flags.extend(f.strip() for f in rest.split(",") if f.strip())
            else:
                current.comments.append(line[2:])
            continue
        if line.startswith('"'):
            assert last is not None, f"a continued string with nothing before it: {raw!r}"
            _append(current, last, _unquote(line))
            continue
        word, _, value = line.partition(" ")
        if word == "msgctxt":
            current.msgctxt, last = _unquote(value), ("ctx", 0)
        elif word == "msgid":
            current.msgid, last = _unquote(value), ("id", 0)
        elif word == "msgid_plural":
            current.plural, last = _unquote(value), ("plural", 0)
        elif word.startswith("msgstr"):
            index = int(word[7:-1]) if word.startswith("msgstr[") else 0
            while len(current.msgstr) <= index:
                current.msgstr.append("")
            current.msgstr[index], last, done = _unquote(value), ("str", index), True
    if done:
        entries.append(current)
    return entries


def _append(entry: Entry, last: tuple[str, int], text: str) -> None:
    kind, index = last
    if kind == "ctx":
        entry.msgctxt = (entry.msgctxt or "") + text
    elif kind == "id":
        entry.msgid += text
    elif kind == "plural":
        entry.plural = (entry.plural or "") + text
    else:
        entry.msgstr[index] += text


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    parts = escaped.split("\n")
    if len(parts) == 1:
        return f'"{escaped}"'
    # A multi-line text, a line of the file per line of the text, as GNU's tools write it.
    lines = [part + "\\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return '""\n' + "\n".join(f'"{line}"' for line in lines)


def render_po(entries: list[Entry]) -> str:
    """The text of a .po or .pot file of `entries`."""
    blocks = []
    for entry in entries:
        lines = [f"# {c}".rstrip() for c in entry.comments]
        lines += [f"#. {note}" for note in entry.notes]
        lines += [f"#: {place}" for place in entry.places]
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        if entry.msgctxt is not None:
            lines.append(f"msgctxt {_quote(entry.msgctxt)}")
        lines.append(f"msgid {_quote(entry.msgid)}")
        if entry.plural is not None:
            lines.append(f"msgid_plural {_quote(entry.plural)}")
            lines += [f"msgstr[{n}] {_quote(s)}" for n, s in enumerate(entry.msgstr)]
        else:
            lines.append(f"msgstr {_quote(entry.msgstr[0])}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def header(fields: dict[str, str]) -> Entry:
    return Entry("", msgstr=["".join(f"{name}: {value}\n" for name, value in fields.items())])


def header_fields(entry: Entry) -> dict[str, str]:
    pairs = (line.partition(": ") for line in entry.msgstr[0].splitlines() if ": " in line)
    return {name: value for name, _, value in pairs}


# ---- compiling .mo --------------------------------------------------------------------------


def compile_mo(entries: list[Entry]) -> bytes:
    """GNU's .mo format of the translated entries (the header always; fuzzy and untranslated
    ones are left out, so gettext shows their English)."""
    table: dict[bytes, bytes] = {}
    for entry in entries:
        if entry.msgid and not entry.translated:
            continue
        key = entry.msgid if entry.plural is None else f"{entry.msgid}\0{entry.plural}"
        if entry.msgctxt is not None:
            key = f"{entry.msgctxt}\x04{key}"
        table[key.encode()] = "\0".join(entry.msgstr).encode()
    keys = sorted(table)
    count = len(keys)
    originals_at, translations_at = 28, 28 + 8 * count
    strings_at = translations_at + 8 * count
    originals, translations, blob = [], [], b""
    for key in keys:
        originals.append((len(key), strings_at + len(blob)))
        blob += key + b"\0"
    for key in keys:
        translations.append((len(table[key]), strings_at + len(blob)))
        blob += table[key] + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, 0)
    out += b"".join(struct.pack("<2I", *pair) for pair in originals + translations)
    return out + blob


def compile_folder(po_dir: Path, localedir: Path, domain: str = "standup") -> list[Path]:
    """Every `po_dir/<lang>.po` compiled to `localedir/<lang>/LC_MESSAGES/<domain>.mo`."""
    made = []
    for po_file in sorted(po_dir.glob("*.po")):
        target = localedir / po_file.stem / "LC_MESSAGES" / f"{domain}.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(compile_mo(read_po(po_file.read_text("utf-8"))))
        made.append(target)
    return made


# ---- extracting the template ----------------------------------------------------------------


def extract_code(root: Path, package: Path) -> list[Entry]:
    """The messages marked in the package's modules, with the `# Translators:` comment just
    above each and the file it is in (no line numbers: they would churn the template)."""
    found: list[Entry] = []
    for path in sorted(package.rglob("*.py")):
        source = path.read_text("utf-8")
        lines = source.splitlines()
        place = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            roles = MARKERS.get(node.func.id)
            if roles is None or len(node.args) < len(roles):
                continue
            texts = [arg.value for arg in node.args[: len(roles)] if isinstance(arg, ast.Constant)]
            if len(texts) != len(roles) or not all(isinstance(t, str) for t in texts):
                continue  # a call on a variable: its text is extracted where it is written
            parts = dict(zip(roles, texts, strict=True))
            entry = Entry(parts["msgid"], parts.get("msgctxt"), parts.get("plural"), places=[place])
            if entry.plural is not None:
                entry.msgstr = ["", ""]
            entry.notes = _translator_comment(lines, node.lineno)
            found.append(entry)
    return found


def _translator_comment(lines: list[str], lineno: int) -> list[str]:
    above: list[str] = []
    index = lineno - 2
    while index >= 0 and lines[index].strip().startswith("#"):
        above.insert(0, lines[index].strip().lstrip("#").strip())
        index -= 1
    for n, text in enumerate(above):
        if text.startswith("Translators:"):
            return [" ".join(above[n:])]
    return []


def extract_catalogue(root: Path, catalogue: Path) -> list[Entry]:
    """Every text of every exercise, its context "<id>.<field>" (steps: "<id>.step1", ...)."""
    place = catalogue.relative_to(root).as_posix()
    found = []
    for exercise in tomllib.loads(catalogue.read_text("utf-8"))["exercise"]:
        for name in EXERCISE_FIELDS:
            value = exercise.get(name)
            if not value:
                continue
            texts = value if isinstance(value, list) else [value]
            for n, text in enumerate(texts, start=1):
                context = f"{exercise['id']}.{'step' + str(n) if name == 'steps' else name}"
                notes = [FIELD_NOTES[name]] if n == 1 else []
                found.append(Entry(text, context, notes=notes, places=[place]))
    return found


# The catalogues, one gettext domain each, and the folder of their files: standup's messages,
# which every command reads, and the exercise texts, read only where an exercise is shown (so a
# `status` loads a few dozen messages, not every step of every move).
MESSAGES, EXERCISES = "standup", "standup-exercises"
DOMAINS = {MESSAGES: "po", EXERCISES: "po/exercises"}


def template_path(root: Path, domain: str) -> Path:
    return root / DOMAINS[domain] / f"{domain}.pot"


def template(root: Path, domain: str = MESSAGES) -> str:
    """The .pot of `domain` in the tree at `root`: the code's messages, or the catalogue's."""
    package = root / "src" / "standup"
    if domain == MESSAGES:
        entries = extract_code(root, package)
    else:
        entries = extract_catalogue(root, package / "exercises" / "data" / "exercises.toml")
    merged: dict[tuple[str | None, str], Entry] = {}
    for entry in entries:
        if _BRACE.search(entry.msgid) and "python-brace-format" not in entry.flags:
            entry.flags.append("python-brace-format")
        known = merged.setdefault(entry.key, entry)
        if known is not entry:
            known.places += [p for p in entry.places if p not in known.places]
            known.notes += [n for n in entry.notes if n not in known.notes]
    fields = dict(HEADER_FIELDS)
    fields["Project-Id-Version"] = domain
    return render_po([header(fields), *merged.values()])


def merge(pot: list[Entry], po: list[Entry]) -> list[Entry]:
    """A language's entries brought to a new template: its header and translations (with its
    translators' comments) kept, new messages added untranslated, messages gone dropped."""
    have = {entry.key: entry for entry in po}
    rule = header_fields(have[(None, "")]).get("Plural-Forms", "") if (None, "") in have else ""
    found = re.search(r"nplurals\s*=\s*(\d+)", rule)
    plurals = int(found.group(1)) if found else 2
    merged = []
    for entry in pot:
        old = have.get(entry.key)
        if old is not None and not entry.msgid:  # the header: the language's own
            entry = old
        elif old is not None and (old.plural is None) == (entry.plural is None):
            entry.msgstr, entry.comments = old.msgstr, old.comments
            entry.flags = sorted(set(entry.flags) | ({"fuzzy"} & set(old.flags)))
        elif entry.plural is not None:
            entry.msgstr = [""] * plurals
        merged.append(entry)
    return merged


# Plural rules of the languages standup plans, as GNU gettext's documentation gives them.
PLURAL_FORMS = {
    "de": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "nl": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "pt_BR": "nplurals=2; plural=(n > 1);",
    "tr": "nplurals=2; plural=(n != 1);",
    "ja": "nplurals=1; plural=0;",
    "zh_CN": "nplurals=1; plural=0;",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
}


def new_language(language: str, domain: str = MESSAGES) -> list[Entry]:
    """The header of a new language's file of `domain`, its plural rule filled in where known."""
    fields = dict(HEADER_FIELDS)
    fields["Project-Id-Version"] = domain
    fields["Language"] = language
    fields["Plural-Forms"] = PLURAL_FORMS.get(language, "nplurals=2; plural=(n != 1);")
    return [header(fields)]
