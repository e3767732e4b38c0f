"""Too easy / too hard move the next picks, kept in the store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from standup.control.client import ControlError
from standup.history.store import Store

from daemon_harness import Harness


def entry(exercise_id: str, easier: str = "", harder: str = "") -> str:
    links = (f'easier = "{easier}"\n' if easier else "") + (
        f'harder = "{harder}"\n' if harder else ""
    )
    return f"""
[[exercises.custom]]
id = "{exercise_id}"
name = "{exercise_id.title()}"
target = "hamstrings"
kind = "strength"
position = "standing"
equipment = ["none"]
dose = "2 x 8 reps"
steps = ["Slowly, both legs."]
cue = "Slow and steady."
{links}"""


BASE = '[schedule]\nsit = "50m"\nsnooze = "10m"\nremind_again = "5m"\n[idle]\nsource = "none"\n'
# easy -> mid -> hard, one category: the rotation picks each once in three reminders.
CHAIN = entry("easy", harder="mid") + entry("mid", easier="easy", harder="hard")
CHAIN += entry("hard", easier="mid")


def config(include: list[str]) -> str:
    ids = ", ".join(f'"{i}"' for i in include)
    return BASE + f"[exercises]\ninclude_only = [{ids}]\n" + CHAIN


@pytest.fixture
def harness(tmp_path: Path, xdg_dirs):
    h = Harness(tmp_path, config(["easy", "mid", "hard"]))
    yield h
    h.stop()


def remind(h: Harness) -> str:
    h.clock.advance(minutes=50)
    h.tick()
    info = h.request("status")["exercise"]
    return info["id"]


def test_too_easy_from_the_cli_counts_as_done_and_moves_that_pick_harder(
    harness: Harness,
) -> None:
    harness.start()
    shown = remind(harness)
    base = shown
    result = harness.request("done", {"rating": "too_easy"})
    assert result["state"] == "sitting"
    daemon = harness.daemon
    assert daemon is not None
    assert daemon.call(lambda: dict(daemon.desk.progression.steps)) == (
        {base: 1} if base != "hard" else {}
    )
    harness.stop()
    with Store.open(harness.db) as store:
        events = store.history(harness.clock.now - timedelta(1))
        saved = store.get_value("progression")
    [done] = [e for e in events if e.kind == "done"]
    assert done.exercise == shown and done.detail["rating"] == "too_easy"
    assert saved is not None and (base == "hard" or f'"{base}":1' in saved)


def test_the_progression_substitutes_the_pick_and_survives_a_restart(harness: Harness) -> None:
    harness.start()
    with Store.open(harness.db) as store:
        store.set_value("progression", '{"version":1,"steps":{"easy":2,"mid":1,"hard":-2}}')
    harness.stop()
    daemon = harness.start()
    seen = []
    for _ in range(3):
        seen.append(remind(harness))
        info = harness.request("status")["exercise"]
        assert info.get("instead_of") != info["id"]
        harness.request("done")
    # Every pick walked: easy -> hard, mid -> hard, hard -> easy.
    assert sorted(seen) == ["easy", "hard", "hard"]
    assert daemon.call(lambda: daemon.desk.progression.steps) == {
        "easy": 2,
        "mid": 1,
        "hard": -2,
    }


def test_an_ineligible_neighbour_stops_the_walk(tmp_path: Path, xdg_dirs) -> None:
    h = Harness(tmp_path, config(["easy", "hard"]))  # mid is excluded
    try:
        h.start()
        shown = remind(h)
        h.request("done", {"rating": "too_easy"})
        h.tick()
        assert h.daemon is not None
        assert h.daemon.call(lambda: h.daemon.desk.progression.steps) == {}
        assert shown in ("easy", "hard")
        offered = dict(h.notifier.shown[0].actions)
        assert "too_easy" not in offered and "too_hard" not in offered  # no eligible neighbour
    finally:
        h.stop()


def test_a_corrupt_stored_progression_is_ignored(harness: Harness) -> None:
    harness.start()
    with Store.open(harness.db) as store:
        store.set_value("progression", "{not json")
    harness.stop()
    daemon = harness.start()
    assert daemon.call(lambda: daemon.desk.progression.steps) == {}
    shown = remind(harness)
    assert shown in ("easy", "mid", "hard")


def test_a_rating_with_nothing_to_rate_or_a_bad_value_is_refused(harness: Harness) -> None:
    harness.start()
    with pytest.raises(ControlError, match="none to rate"):
        harness.request("done", {"rating": "too_hard"})
    remind(harness)
    with pytest.raises(ControlError, match="rating must be one of"):
        harness.request("done", {"rating": "meh"})
    assert harness.request("status")["state"] == "reminding"


def test_too_hard_from_the_bubble_moves_the_pick_easier(harness: Harness) -> None:
    daemon = harness.start()
    shown = remind(harness)
    harness.notifier.on_action("too_hard")
    status = daemon.call(daemon.status)
    assert status["state"] == "sitting"
    expected = {} if shown == "easy" else {shown: -1}
    assert daemon.call(lambda: daemon.desk.progression.steps) == expected


def test_the_reminder_carries_the_exercise_picture(tmp_path: Path, xdg_dirs) -> None:
    picture = tmp_path / "pose.svg"
    picture.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    own = entry("easy").replace('cue = "Slow and steady."', f'cue = "Slow."\nimage = "{picture}"')
    h = Harness(tmp_path, BASE + '[exercises]\ninclude_only = ["easy"]\n' + own)
    try:
        h.start()
        remind(h)
        assert h.notifier.shown[-1].image == str(picture)
    finally:
        h.stop()


def test_exercises_next_shows_the_substitute_for_the_coming_pick(harness: Harness) -> None:
    from standup.cli.exercises import next_row
    from standup.config.settings import load_config
    from standup.exercises import Rotation

    options = load_config(harness.config).settings.exercises
    steps = '{"version":1,"steps":{"easy":2,"mid":1}}'  # every pick walks to hard
    for seed in range(5):
        row = next_row(options, Rotation(seed=seed).to_json(), steps)
        assert row is not None and row.exercise.id == "hard"
    plain = {next_row(options, Rotation(seed=s).to_json()).exercise.id for s in range(20)}
    assert plain == {"easy", "mid", "hard"}
