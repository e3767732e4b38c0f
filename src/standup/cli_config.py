"""`standup config path|show|check|init`: these work without a daemon."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from standup.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("config", help="see, check or create the config file")
    actions = parser.add_subparsers(dest="config_command", metavar="{path,show,check,init}")
    actions.required = True
    actions.add_parser("path", help="the files read, in order, and which exist")
    show = actions.add_parser("show", help="the effective config, as TOML")
    show.add_argument("--sources", action="store_true", help="say where each value came from")
    check = actions.add_parser("check", help="validate the config (or FILE); exit 2 if bad")
    check.add_argument("file", nargs="?", type=Path)
    init = actions.add_parser("init", help="write the commented example to your config path")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(runner=_cmd_config)


def _cmd_config(args: argparse.Namespace) -> int:
    runner = {"path": _path, "show": _show, "check": _check, "init": _init}[args.config_command]
    return runner(args)


def _path(args: argparse.Namespace) -> int:
    from standup.config import candidate_files

    files, user, _named = candidate_files(args.config)
    for path in files:
        mark = "exists " if path.is_file() else "missing"
        role = "user " if path == user else "admin"
        print(f"{mark}  {role}  {path}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from standup.config import load_config

    loaded = load_config(args.config)
    data = loaded.settings.model_dump(mode="json")
    origins = loaded.origins if args.sources else None
    sys.stdout.write(to_toml(data, origins))
    return 0


def _check(args: argparse.Namespace) -> int:
    from standup.config import load_config

    loaded = load_config(args.file or args.config)
    read = ", ".join(map(str, loaded.files)) or "no file (built-in defaults)"
    print(f"config OK: {read}")
    return 0


def _init(args: argparse.Namespace) -> int:
    from importlib.resources import files

    from standup.config import candidate_files

    _files, target, _named = candidate_files(args.config)
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists", hint="use --force to overwrite it")
    text = files("standup").joinpath("data/config.example.toml").read_text(encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    print(f"wrote {target}")
    return 0


def to_toml(data: dict[str, Any], origins: Any = None) -> str:
    """Our config as TOML: tables of scalars and lists, plus arrays of tables."""
    lines: list[str] = []
    for section, table in data.items():
        simple = {k: v for k, v in table.items() if not _is_table(v) and not _is_table_list(v)}
        lines.append(f"[{section}]")
        for key, value in simple.items():
            lines.append(_assign(key, value, origins, (section, key)))
        for key, value in table.items():
            if _is_table(value):
                lines.append(f"\n[{section}.{key}]")
                for sub, item in value.items():
                    lines.append(_assign(sub, item, origins, (section, key, sub)))
            elif _is_table_list(value):
                for item in value:
                    lines.append(f"\n[[{section}.{key}]]")
                    lines.extend(_assign(k, v, None, ()) for k, v in item.items())
        lines.append("")
    return "\n".join(lines)


def _is_table(value: Any) -> bool:
    return isinstance(value, dict)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _assign(key: str, value: Any, origins: Any, path: tuple[str, ...]) -> str:
    line = f"{_key(key)} = {_value(value)}"
    if origins is not None:
        line += f"  # {origins.get(path, 'built-in default')}"
    return line


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else _value(key)


def _value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)
