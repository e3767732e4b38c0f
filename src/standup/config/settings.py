"""The configuration: pydantic-settings models over layered TOML files and STANDUP_* variables.

Layers, later wins: built-in defaults; /etc/xdg/standup/config.toml (every $XDG_CONFIG_DIRS
entry); the user's file ($XDG_CONFIG_HOME/standup/config.toml, or --config / $STANDUP_CONFIG);
then STANDUP_* environment variables, nested with "__" (STANDUP_SCHEDULE__SIT=45m).

We read the files ourselves rather than through pydantic-settings' TOML source so that every
error can name the file, the line, the key, the bad value and what is allowed.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tomllib
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta, tzinfo
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationError

# SettingsError from the package itself: Debian 13's 2.8 has no `exceptions` module.
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from standup import paths
from standup.busy.probes import BusyOptions
from standup.config.durations import format_duration, parse_duration, parse_positive_duration
from standup.config.errors import describe_validation_error, find_key_line
from standup.core import DAYS, Hours, Policy, parse_window
from standup.errors import ConfigError
from standup.exercises import ExerciseOptions
from standup.hooks.options import VARIABLES as HOOK_VARIABLES, HooksOptions
from standup.i18n import choose_language
from standup.i18n.options import GeneralOptions

Duration = Annotated[
    timedelta,
    BeforeValidator(parse_positive_duration),
    PlainSerializer(format_duration, return_type=str),
]


def _timeout(value: object) -> timedelta:
    duration = parse_duration(value)
    if duration < timedelta(0):
        raise ValueError("must be 0 (stay until answered) or a positive duration")
    return duration


Timeout = Annotated[
    timedelta, BeforeValidator(_timeout), PlainSerializer(format_duration, return_type=str)
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


def _window(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError('expected a window like "09:00-17:30"')
    return str(parse_window(value))


Window = Annotated[str, BeforeValidator(_window)]
DayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class ScheduleOptions(_Section):
    sit: Duration = Field(timedelta(minutes=50), description="sitting time before a reminder")
    snooze: Duration = timedelta(minutes=10)
    remind_again: Duration = timedelta(minutes=5)
    max_snoozes: int = Field(3, ge=0, le=100)
    natural_break: Duration = timedelta(minutes=5)
    after_suspend: Literal["reset", "continue"] = "reset"
    active_hours: list[Window] = Field(default_factory=lambda: ["00:00-24:00"], min_length=1)
    active_days: list[DayName] = Field(default_factory=lambda: list(DAYS), min_length=1)

    def hours(self, tz: tzinfo | None = None) -> Hours:
        return Hours(
            windows=tuple(parse_window(w) for w in self.active_hours),
            days=frozenset(DAYS.index(d) for d in self.active_days),
            tz=tz,
        )


IdleSourceName = Literal[
    "auto", "mutter", "wayland", "screensaver", "logind", "x11", "macos", "windows", "none"
]


class IdleOptions(_Section):
    source: IdleSourceName = "auto"


class NotificationOptions(_Section):
    backend: Literal["auto", "freedesktop", "plyer", "log"] = "auto"
    urgency: Literal["low", "normal", "critical"] = "normal"
    timeout: Timeout = timedelta(0)
    sound: Literal["auto", "off"] = "auto"


class TrayOptions(_Section):
    show: Literal["auto", "always", "never"] = Field(
        "auto", description="a tray icon: where a tray host is there, always, or never"
    )
    label: bool = Field(True, description="the minutes left beside the icon, where hosts show it")


class HistoryOptions(_Section):
    keep_days: int = Field(365, ge=1, le=36500)


# Set while the files are checked on their own: a variable that overrides a key must not
# hide a mistake in the file (it would surface the day the variable is gone).
_FILES_ONLY: ContextVar[bool] = ContextVar("standup_files_only", default=False)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STANDUP_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    general: GeneralOptions = GeneralOptions()
    schedule: ScheduleOptions = ScheduleOptions()
    notifications: NotificationOptions = NotificationOptions()
    tray: TrayOptions = TrayOptions()
    exercises: ExerciseOptions = ExerciseOptions()
    history: HistoryOptions = HistoryOptions()
    idle: IdleOptions = IdleOptions()
    busy: BusyOptions = BusyOptions()
    hooks: HooksOptions = HooksOptions()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Our merged files arrive as init values; the environment wins over them.
        if _FILES_ONLY.get():
            return (init_settings,)
        return (env_settings, init_settings)

    def policy(self, tz: tzinfo | None = None) -> Policy:
        """The core's rules; `tz` is the local time zone working hours are read in."""
        s = self.schedule
        return Policy(
            sit=s.sit,
            snooze=s.snooze,
            remind_again=s.remind_again,
            max_snoozes=s.max_snoozes,
            natural_break=s.natural_break,
            after_suspend=s.after_suspend,
            hours=s.hours(tz),
            busy_recheck=self.busy.recheck,
        )


@dataclass(frozen=True)
class LoadedConfig:
    settings: Settings
    files: tuple[Path, ...]  # the files that were read, lowest precedence first
    user_file: Path  # where the user's file is (or would be)
    origins: Mapping[tuple[str, ...], str] = field(default_factory=dict)


# Where the files are is a matter of paths, light enough for `config path`; the name stays.
candidate_files = paths.config_files


def load_config(explicit: Path | None = None) -> LoadedConfig:
    """Read and validate every layer; raise ConfigError with a message for people."""
    files, user, named = candidate_files(explicit)
    if named and user.is_dir():
        raise ConfigError(f"config file {user} is a directory", hint="name a TOML file")
    if named and not user.exists():
        raise ConfigError(
            f"config file {user} does not exist",
            hint="create it with `standup config init`, or point --config at an existing file",
        )
    merged: dict[str, Any] = {}
    origins: dict[tuple[str, ...], str] = {}
    read: list[Path] = []
    for path in files:
        data = read_toml(path)
        if data is None:
            continue
        read.append(path)
        _deep_merge(merged, data, origins, str(path), ())
    try:
        _check_files_alone(merged)
    except ValidationError as error:
        raise ConfigError(
            describe_validation_error(error, origins, allowed_keys, _default_data)
        ) from None
    _check_variable_names()
    for name in os.environ:
        if name.startswith("STANDUP_") and "__" in name:
            key = tuple(name[len("STANDUP_") :].lower().split("__"))
            origins[key] = f"environment variable {name}"
    try:
        settings = Settings(**merged)
    except ValidationError as error:
        raise ConfigError(
            describe_validation_error(error, origins, allowed_keys, _default_data)
        ) from None
    except SettingsError:
        raise ConfigError(_describe_bad_variable()) from None
    choose_language(settings.general.chosen)  # what this process says from now on
    return LoadedConfig(settings, tuple(read), user, origins)


# STANDUP_* variables that are not settings: where things are and how much is logged (for
# people), the roots the busy probes read and the translations' folder (moved by tests).
USER_VARIABLES = ("STANDUP_CONFIG", "STANDUP_LOG_LEVEL", "STANDUP_STATE_DIR", "STANDUP_RUNTIME_DIR")
_MOVED_BY_TESTS = ("STANDUP_PROC_ROOT", "STANDUP_PROC_ASOUND", "STANDUP_LOCALEDIR")
PROCESS_VARIABLES = frozenset({*USER_VARIABLES, *_MOVED_BY_TESTS, *HOOK_VARIABLES})
_VARIABLE_EXAMPLE = "e.g. STANDUP_SCHEDULE__SIT=45m"


def _check_variable_names() -> None:
    """A STANDUP_* variable that names no setting is a mistake, reported like an unknown key
    in a file (pydantic-settings would ignore it, and the user would wonder why)."""
    tables = sorted(Settings.model_fields)
    for name in sorted(os.environ):
        if not name.startswith("STANDUP_") or name in PROCESS_VARIABLES:
            continue
        table, nested, _key = name[len("STANDUP_") :].lower().partition("__")
        if nested and table in tables:
            continue  # a key within a table: checked by the model, which knows the keys
        if table in tables:
            raise ConfigError(
                f"environment variable {name} sets the whole [{table}] table; set one key in "
                f"it as STANDUP_{table.upper()}__<KEY>",
                hint=_VARIABLE_EXAMPLE,
            )
        raise ConfigError(
            f"environment variable {name} is not a standup setting: settings are "
            f"STANDUP_<TABLE>__<KEY> with a table of {', '.join(tables)}; the other variables "
            f"are {', '.join(USER_VARIABLES)}",
            hint=f"{_VARIABLE_EXAMPLE}; unset {name} if it is not meant for standup",
        )


def _check_files_alone(merged: dict[str, Any]) -> None:
    token = _FILES_ONLY.set(True)
    try:
        Settings(**merged)
    finally:
        _FILES_ONLY.reset(token)


def _describe_bad_variable() -> str:
    """pydantic-settings could not parse a STANDUP_* variable; it does not say which."""
    suspects = []
    for name, value in sorted(os.environ.items()):
        if not name.startswith("STANDUP_") or "__" not in name:
            continue
        key = tuple(name[len("STANDUP_") :].lower().split("__"))
        if allowed_keys(key[:-1]) and _is_list_field(key):
            try:
                json.loads(value)
            except ValueError:
                suspects.append(f"environment variable {name}: {'.'.join(key)} = {value!r}")
    where = "; ".join(suspects) or "a STANDUP_* environment variable"
    example = 'STANDUP_SCHEDULE__ACTIVE_DAYS=\'["mon", "tue"]\''
    return f"{where}: lists are written as JSON there, e.g. {example}"


def _is_list_field(key: tuple[str, ...]) -> bool:
    model: Any = Settings
    for name in key:
        fields = getattr(model, "model_fields", {})
        if name not in fields:
            return False
        model = fields[name].annotation
    return getattr(model, "__origin__", None) is list


# Far beyond any real config (20,000 custom exercises take about 4 MB); a larger "file" (a
# link to /dev/zero, a log) is not read.
MAX_CONFIG_BYTES = 16 * 1024 * 1024


def read_config_text(path: Path) -> str | None:
    """The file's text, line endings kept; None when it does not exist; ConfigError when it
    cannot be read or is not a regular file of reasonable size."""
    try:
        # O_NONBLOCK: a FIFO put in place of the file must not block the daemon in open().
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a directory") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ConfigError(f"config file {path} is a symlink loop") from None
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise ConfigError(f"config file {path} is a directory")
        raise ConfigError(
            f"config file {path} is not a regular file", hint="make it a plain TOML file"
        )
    with os.fdopen(fd, "rb") as handle:
        try:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
        except OSError as error:
            raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"config file {path} is larger than {MAX_CONFIG_BYTES >> 20} MiB")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text") from None


def read_toml(path: Path) -> dict[str, Any] | None:
    """The parsed file, None when it does not exist; ConfigError for unreadable or bad TOML."""
    text = read_config_text(path)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # The message already reads "... (at line 3, column 7)".
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None


def _deep_merge(
    into: dict[str, Any],
    data: Mapping[str, Any],
    origins: dict[tuple[str, ...], str],
    source: str,
    prefix: tuple[str, ...],
) -> None:
    for key, value in data.items():
        path = (*prefix, key)
        if isinstance(value, dict):
            if not isinstance(into.get(key), dict):
                into[key] = {}
            _deep_merge(into[key], value, origins, source, path)
        else:
            into[key] = value
        origins[path] = source


def allowed_keys(table: tuple[str, ...]) -> list[str]:
    """The key names a table accepts, for "unknown key" messages."""
    model: Any = Settings
    for name in table:
        fields = getattr(model, "model_fields", {})
        if name not in fields:
            return []
        model = fields[name].annotation
        if hasattr(model, "__args__"):  # list[Model] -> Model
            model = next((a for a in model.__args__ if hasattr(a, "model_fields")), model)
    return sorted(getattr(model, "model_fields", {}))


def key_line(path: Path, key: tuple[str | int, ...]) -> int | None:
    try:
        text = read_config_text(path)
    except ConfigError:
        return None
    return find_key_line(text, key) if text is not None else None


def _default_data() -> dict[str, Any]:
    return defaults().model_dump(mode="json")


def defaults() -> Settings:
    """The built-in defaults, ignoring every file and variable."""
    return Settings.model_construct(
        schedule=ScheduleOptions(),
        notifications=NotificationOptions(),
        exercises=ExerciseOptions(),
        history=HistoryOptions(),
        idle=IdleOptions(),
        busy=BusyOptions(),
    )
