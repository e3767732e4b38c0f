"""Random TOML documents for our tables: every failure is a ConfigError naming the file."""

from __future__ import annotations

import json
import math
import os
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from standup.config.settings import LoadedConfig, Settings, load_config
from standup.errors import ConfigError

# The fuzzers run in the full suite (CI), bounded there; the fast lane leaves them out.
pytestmark = pytest.mark.slow

TABLES = {
    name: sorted(field.annotation.model_fields) for name, field in Settings.model_fields.items()
}
FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def toml_value(value: Any) -> str:
    """One TOML value; inline tables and arrays for nesting."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string (no lone surrogates)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(tables: dict[str, dict[str, Any]]) -> str:
    return "".join(
        f"[{json.dumps(name)}]\n"
        + "".join(f"{json.dumps(key)} = {toml_value(v)}\n" for key, v in body.items())
        for name, body in tables.items()
    )


text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
durations = st.from_regex(r"\A[0-9]{1,4}(\.[0-9])?[dhms]([0-9]{1,3}[ms])?\Z") | st.sampled_from(
    ["50m", "1h30m", "0s", "-5m", "", "m", "5 m", "09:00-17:30", "00:00-24:00", "balanced"]
)
# Numbers stay within what a duration can hold: beyond that is the known overflow below.
scalars = (
    st.booleans()
    | st.integers(-(10**9), 10**9)
    | st.floats(-1e9, 1e9)
    | st.just(float("nan"))
    | text
    | durations
    | st.dates()
    | st.times()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    names = draw(st.lists(st.sampled_from(sorted(TABLES)) | text, max_size=4, unique=True))
    doc = {}
    for name in names:
        keys = st.sampled_from(TABLES.get(name) or ["x"]) | text
        doc[name] = draw(st.dictionaries(keys, values, max_size=4))
    return doc


@pytest.fixture
def config_file(tmp_path: Path, xdg_dirs, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in [n for n in os.environ if n.startswith("STANDUP_")]:
        monkeypatch.delenv(name)
    return tmp_path / "fuzzed.toml"


def check_loads_or_names_the_file(path: Path, text: str | bytes) -> LoadedConfig | None:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    try:
        return load_config(path)
    except ConfigError as error:
        assert str(path) in str(error), str(error)
        return None


@FUZZ
@given(doc=documents())
def test_random_documents_load_or_fail_with_a_config_error(config_file: Path, doc) -> None:
    loaded = check_loads_or_names_the_file(config_file, toml_document(doc))
    if loaded is not None:
        assert loaded.files[-1] == config_file
        loaded.settings.policy()  # a valid config also makes a policy


@settings(FUZZ, max_examples=100)
@given(raw=st.binary(max_size=300))
def test_random_bytes_fail_with_a_config_error(config_file: Path, raw: bytes) -> None:
    check_loads_or_names_the_file(config_file, raw)


@pytest.mark.parametrize(
    "line",
    ["[schedule]\nsit = 60", '[schedule]\nsnooze = "1h30m"', "[exercises]\nfocus = 'balanced'"],
)
def test_valid_documents_load(config_file: Path, line: str) -> None:
    assert check_loads_or_names_the_file(config_file, line + "\n") is not None


@pytest.mark.parametrize(
    "line",
    [
        "[schedule]\nsit = inf",
        "[schedule]\nsit = 1e300",
        "[schedule]\nsit = 99999999999999999",
        '[schedule]\nremind_again = "99999999999d"',
        "[notifications]\ntimeout = inf",
    ],
)
def test_out_of_range_durations_are_config_errors(config_file: Path, line: str) -> None:
    check_loads_or_names_the_file(config_file, line + "\n")
