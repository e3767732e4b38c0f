"""standup.toml(5): every table and key of the settings model, with its default and what it
accepts, explained by the comments of the packaged example config (`config init` writes it,
and a test holds it to every key at its default). A key the example does not explain stops
the build."""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterator
from datetime import timedelta
from importlib import resources
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from standup import __version__
from standup.config.durations import describe
from standup.manpages import roff

_HEADER = re.compile(r"^\[\[?([\w.]+)\]\]?$")
_CHOICE = re.compile(r'^"[^"]+": ')  # '"auto": what it does' starts a line of its own


def example_text() -> str:
    return resources.files("standup").joinpath("data/config.example.toml").read_text("utf-8")


def default_sit() -> str:
    from standup.config.settings import ScheduleOptions

    return describe(ScheduleOptions().sit)


class Explained(typing.NamedTuple):
    """What the example says: the comment above each key or table ("schedule.sit",
    "exercises.custom"), its opening comment, and commented-out sample tables."""

    keys: dict[str, list[str]]
    intro: list[str]
    samples: dict[str, list[str]]


def read_example(text: str) -> Explained:
    keys: dict[str, list[str]] = {}
    samples: dict[str, list[str]] = {}
    intro: list[str] = []
    pending: list[str] = []
    table = ""
    sample: list[str] | None = None
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped:
            if not keys and not table and pending:
                intro = pending  # the file's opening comment
            pending, sample = [], None
            continue
        if not stripped.startswith("#"):
            header = _HEADER.match(stripped)
            name = header.group(1) if header else f"{table}.{stripped.split('=')[0].strip()}"
            if header:
                table = name
            if pending:
                keys[name] = pending
            pending = []
            continue
        comment = stripped[1:].removeprefix(" ")
        if sample is not None:
            sample.append(comment)
        elif _HEADER.match(comment):  # a commented-out table: an example to copy
            keys[_HEADER.match(comment).group(1)] = pending  # type: ignore[union-attr]
            sample = samples.setdefault(_HEADER.match(comment).group(1), [comment])  # type: ignore[union-attr]
            pending = []
        else:
            pending.append(comment.rstrip())
    return Explained(keys, intro, samples)


def render(date: str = "") -> str:
    from standup.config.settings import Settings

    explained = read_example(example_text())
    lines = [
        f'.TH STANDUP.TOML 5 {roff.quoted(date)} "standup {__version__}" "File Formats"',
        ".SH NAME",
        "standup.toml \\- the configuration file of standup(1)",
        ".SH SYNOPSIS",
        "~/.config/standup/config.toml, /etc/xdg/standup/config.toml",
        ".SH DESCRIPTION",
        *_prose(explained.intro),
    ]
    for table, field in Settings.model_fields.items():
        section = typing.cast(type[BaseModel], field.annotation)
        lines += [".SH " + roff.quoted(f"[{table}]")]
        defaults = section().model_dump(mode="json")
        for key, info in section.model_fields.items():
            lines += _key(f"{table}.{key}", info, defaults[key], explained)
    lines += [".SH SEE ALSO", "standup(1)"]
    return roff.page(lines)


def _key(name: str, info: FieldInfo, default: Any, explained: Explained) -> list[str]:
    lines = explained.keys.get(name) or ([info.description] if info.description else [])
    if not lines:
        raise LookupError(f"{name} is not explained in config.example.toml")
    table, _, key = name.rpartition(".")
    if _model_of(info.annotation) is not None:
        tag = roff.bold(f"[[{name}]]")
    elif isinstance(default, dict):
        tag = roff.bold(f"[{name}]")
    else:
        tag = f"{roff.bold(key)} = {roff.literal(_toml(default))}"
    out = [".TP", tag, *_prose(lines), ".br", roff.text(f"Accepts {_accepts(info)}.")]
    model = _model_of(info.annotation)
    if model is not None:
        out += _entry_fields(model)
    if name in explained.samples:
        out += [".IP", "For example:", *_verbatim(explained.samples[name])]
    env = f"STANDUP_{table.upper()}__{key.upper()}"
    out += [".br", roff.text(f"From the environment: {env}.")]
    return out


def _entry_fields(model: type[BaseModel]) -> list[str]:
    """The keys of a table in a list ([[exercises.custom]]): which are needed, which not."""
    needed = [n for n, f in model.model_fields.items() if f.is_required()]
    optional = [n for n, f in model.model_fields.items() if not f.is_required()]
    lines = [".IP", roff.text("Each entry needs " + ", ".join(needed) + ".")]
    for n in needed + optional:
        choices = _choices(model.model_fields[n].annotation)
        if choices:
            lines += [".br", roff.text(f"{n}: one of {choices}.")]
    return [*lines, ".br", roff.text("Optional: " + ", ".join(optional) + ".")]


def _toml(value: Any) -> str:
    """A default as TOML: JSON's strings, numbers, booleans and arrays read the same there."""
    return json.dumps(value, ensure_ascii=False)


def _accepts(info: FieldInfo) -> str:
    annotation = info.annotation
    bounds = {type(m).__name__: m for m in info.metadata}
    if annotation is timedelta:
        return 'a duration: "50m", "1h30m", "90s" or a number of seconds'
    if annotation is bool:
        return "true or false"
    if annotation is int:
        low, high = getattr(bounds.get("Ge"), "ge", None), getattr(bounds.get("Le"), "le", None)
        return f"a whole number from {low} to {high}"
    choices = _choices(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if choices and origin is not list:
        return f"one of {choices}"
    if origin is list and choices:
        return f"a list of any of {choices}"
    if origin is dict:
        return "a table of names and numbers"
    if origin is list and _model_of(annotation) is not None:
        return "a list of tables"
    if origin is list and typing.get_origin(args[0]) is list:
        return "a list of commands, each a list of words"
    return "a list of strings" if origin is list else "a string"


def _choices(annotation: Any) -> str:
    """ "a", "b" or "c" for a Literal (or a list or tuple of one); "" otherwise."""
    while typing.get_origin(annotation) in (list, tuple, typing.Annotated):
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is not typing.Literal:
        return ""
    return ", ".join(json.dumps(choice) for choice in typing.get_args(annotation))


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if typing.get_origin(annotation) is list:
        inner = typing.get_args(annotation)[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return None


def _prose(lines: list[str]) -> list[str]:
    """A comment as paragraphs: each '"choice": ...' starts a line, indented tables stay as
    they are."""
    out: list[str] = []
    text: list[str] = []
    table: list[str] = []

    def flush() -> None:
        if text:
            out.extend([".br"] if out and out[-1] != ".sp" else [])
            out.append(roff.line(roff.text(" ".join(text))))
            text.clear()
        if table:
            out.extend(_verbatim(table))
            table.clear()

    for line in lines:
        if not line:  # an empty comment line: a new paragraph
            flush()
            out.append(".sp")
            continue
        indented = line.startswith("  ")
        if indented and ("  " in line.strip() or table):
            if text:
                flush()
            table.append(line)
            continue
        if table or (_CHOICE.match(line) and text):
            flush()
        text.append(line.strip())
    flush()
    return out


def _verbatim(lines: list[str]) -> list[str]:
    return [".EX", *(roff.line(roff.literal(line)) for line in lines), ".EE"]


def iter_keys() -> Iterator[tuple[str, Any]]:
    """("schedule.sit", "50m") for every key of the model, its default as the JSON value."""
    from standup.config.settings import Settings

    for table, field in Settings.model_fields.items():
        section = typing.cast(type[BaseModel], field.annotation)
        for key, value in section().model_dump(mode="json").items():
            yield f"{table}.{key}", value
