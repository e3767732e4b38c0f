"""`standup exercises list|show|next`: a parser builder and a runner; the work is in exercises.

With a daemon running the same config, the text comes from it (`control.known`): it holds the
validated config and the rotation, and this process then imports no pydantic.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from standup.errors import StandupError, UsageError
from standup.i18n import _, ngettext, pgettext

if TYPE_CHECKING:
    from types import ModuleType

    from standup.exercises import Exercise, ExerciseOptions


def _lib() -> ModuleType:
    """The exercises module, imported on first use: `standup --help` and the fast client
    commands build this parser too, and must not pay for pydantic."""
    from standup import exercises

    return exercises


class ExerciseRow(NamedTuple):
    """One exercise as the commands report it: the entry and whether it can come up. (A
    NamedTuple: the client path would pay for importing `dataclasses`.)"""

    exercise: Exercise
    reason: str | None
    custom: bool

    @property
    def eligible(self) -> bool:
        return self.reason is None

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape: every catalogue field plus category, custom, eligible, reason."""
        data = self.exercise.model_dump(mode="json")
        data["equipment"] = list(self.exercise.equipment)
        data["steps"] = list(self.exercise.steps)
        return {
            **data,
            "category": self.exercise.category,
            "custom": self.custom,
            "eligible": self.eligible,
            "reason": self.reason,
        }


def cmd_exercises(args: argparse.Namespace) -> int:
    """`standup exercises ...`: the running daemon's answer when it runs the same config;
    else the options from the config, the rotation and progressions from the history (read
    only), then `run`."""
    from standup.control import known

    command = getattr(args, "exercises_command", None) or "list"
    asked = {"command": command, "json": bool(getattr(args, "json", False))}
    if command == "list":
        asked["all"] = bool(getattr(args, "all", False))
    if command == "show":
        asked.update(id=args.id, open=bool(getattr(args, "open", False)))
    answer = known.ask("exercises", asked, args.config)
    if answer is not None:
        return print_answer(answer, sys.stdout)
    from standup.config.settings import load_config
    from standup.daemon.persist import Key
    from standup.history.store import Store

    settings = load_config(args.config).settings
    rotation = snoozed = progression = None
    store = Store.open_readonly()
    if store is not None:
        with store:
            rotation = store.get_value(Key.ROTATION)
            progression = store.get_value(Key.PROGRESSION)
            snoozed = snoozed_exercise(store.get_value(Key.CORE), store.get_value(Key.EXERCISE))
    return run(
        args, settings.exercises, rotation, sys.stdout, snoozed=snoozed, progression=progression
    )


def print_answer(answer: dict[str, Any], out: TextIO) -> int:
    """Print the daemon's answer as `run` would have printed it; its errors as `run`'s."""
    if answer.get("error"):
        raise _refusal(answer["error"])
    out.write(str(answer.get("text", "")))
    out.flush()  # before a viewer or an error says anything
    if answer.get("picture_error"):
        raise _refusal(answer["picture_error"])
    if answer.get("picture"):
        open_with_platform_viewer(Path(answer["picture"]))
    return 0


def _refusal(error: dict[str, Any]) -> StandupError:
    refusal = StandupError(str(error.get("message", "")), str(error.get("hint", "")))
    refusal.exit_code = int(error.get("exit_code", 1))
    return refusal


def run(
    args: argparse.Namespace,
    options: ExerciseOptions,
    rotation_json: str | None,
    out: TextIO,
    *,
    snoozed: str | None = None,
    progression: str | None = None,
) -> int:
    """Carry out `standup exercises ...` and print the result to `out`; returns the exit code.
    `snoozed`: the id of the exercise a snoozed reminder will bring back, if any."""
    command = getattr(args, "exercises_command", None) or "list"
    as_json = bool(getattr(args, "json", False))
    if command == "list":
        rows = list_rows(options, show_all=bool(getattr(args, "all", False)))
        if as_json:
            _print_json([row.to_dict() for row in rows], out)
        else:
            _print_table(rows, options, out)
    elif command == "show":
        row = show_row(options, args.id)
        if as_json:
            _print_json(row.to_dict(), out)
        else:
            _print_exercise(row, out, options=options)
        if getattr(args, "open", False):
            open_picture(row.exercise)
    elif command == "next":
        back = show_row(options, snoozed) if snoozed and options.find(snoozed) else None
        coming = back or next_row(options, rotation_json, progression)
        if as_json:
            _print_json(coming.to_dict() if coming else None, out)
        elif coming is None:
            count = len(_lib().eligible(options))
            # Translators: English says "exercises" for one too, as it always has.
            none_yet = ngettext(
                "No reminder has been given yet: the first one is picked at random from "
                "{count} eligible exercises.",
                "No reminder has been given yet: the first one is picked at random from "
                "{count} eligible exercises.",
                count,
            )
            out.write(none_yet.format(count=count) + "\n")
        else:
            _print_exercise(coming, out, upcoming=True)
            if back is not None:
                out.write("\n" + _("(the snoozed reminder comes back with this exercise)") + "\n")
    else:
        unknown = _("unknown exercises command {command}").format(command=repr(command))
        raise UsageError(unknown, hint=_("use list, show or next"))
    return 0


def list_rows(options: ExerciseOptions, *, show_all: bool = False) -> list[ExerciseRow]:
    """Every exercise that can come up, or with `show_all` every one, in catalogue order."""
    explain = _lib().explainer(options)
    custom = {e.id for e in options.custom}
    rows = [ExerciseRow(e, explain(e), e.id in custom) for e in options.catalogue()]
    return rows if show_all else [row for row in rows if row.eligible]


def show_row(options: ExerciseOptions, exercise_id: str) -> ExerciseRow:
    """One exercise by id; an unknown id is a usage error with a suggestion."""
    exercise = options.find(exercise_id)
    if exercise is None:
        import difflib

        ids = [e.id for e in options.catalogue()]
        close = difflib.get_close_matches(exercise_id, ids, n=1)
        hint = _("`standup exercises list --all` shows every id")
        if close:
            hint = _("did you mean {id}? `standup exercises list --all` shows every id")
        raise UsageError(
            _("no exercise with id {id}").format(id=repr(exercise_id)),
            hint=hint.format(id=repr(close[0]) if close else ""),
        )
    return _row(exercise, options)


def snoozed_exercise(core_json: str | None, exercise_id: str | None) -> str | None:
    """The exercise a snoozed reminder brings back, from what the daemon saved: a snooze keeps
    the reminder's exercise, so the rotation's next pick is not what comes next."""
    if not core_json or not exercise_id:
        return None
    from standup.core import Phase, state_from_dict
    from standup.history.stored_json import decode

    try:
        state = state_from_dict(decode(core_json))
    except ValueError:  # all decode refuses; state_from_dict says None for the rest
        return None
    if state is None or state.phase is not Phase.SITTING or state.snoozes == 0:
        return None
    return exercise_id


def next_row(
    options: ExerciseOptions, rotation_json: str | None, progression: str | None = None
) -> ExerciseRow | None:
    """The next pick of the stored rotation (not advanced), or None when nothing is stored yet."""
    rotation = _lib().load_rotation(rotation_json)
    if rotation is None:
        return None
    from standup.exercises.progression import by_id, load_progression

    picked = _lib().pick(rotation, options, advance=False)
    # "Too easy" / "too hard" answers put a neighbour on the progression in its place.
    pool = by_id(_lib().eligible(options))
    return _row(load_progression(progression).substitute(picked, pool), options)


def _row(exercise: Exercise, options: ExerciseOptions) -> ExerciseRow:
    custom = any(c.id == exercise.id for c in options.custom)
    return ExerciseRow(exercise, _lib().explain_ineligible(exercise, options), custom)


def _print_json(data: object, out: TextIO) -> None:
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _print_table(rows: list[ExerciseRow], options: ExerciseOptions, out: TextIO) -> None:
    from standup.exercises.catalogue import in_language
    from standup.i18n.width import columns

    show_reason = any(not row.eligible for row in rows)
    # Translators: the headings of `exercises list`'s columns (the ids and words below stay).
    header = [pgettext("column", "ID"), pgettext("column", "CATEGORY"), pgettext("column", "WHERE")]
    header += [pgettext("column", "NEEDS")]
    header += [pgettext("column", "FILTERED OUT")] if show_reason else []
    table = [header]
    for row in rows:
        e = row.exercise
        cells = [e.id, e.category, e.position, ", ".join(e.needs) or "-"]
        table.append(cells + ([row.reason or ""] if show_reason else []))
    widths = [max(columns(line[i]) for line in table) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = (c + " " * (w - columns(c)) for c, w in zip(cells, widths, strict=True))
        return "  ".join(padded).rstrip() + "\n"

    out.write(line(header))
    for cells, row in zip(table[1:], rows, strict=True):
        out.write(line(cells))
        # The dose and the safety cue on an indented line: what the reminder will ask for.
        e = in_language(row.exercise)
        # Translators: `exercises list`: an exercise's name, dose and safety cue, as written.
        out.write("    " + _("{name}: {dose}. {cue}").format(name=e.name, dose=e.dose, cue=e.cue))
        out.write("\n")
    count = sum(row.eligible for row in rows)
    total = len(options.catalogue())
    # Translators: {focus} is the config's word for it (hamstrings, hip_flexors, balanced).
    eligible = ngettext(
        "{count} of {total} eligible (focus: {focus})",
        "{count} of {total} eligible (focus: {focus})",
        count,
    )
    out.write(eligible.format(count=count, total=total, focus=options.focus) + "\n")


def _print_exercise(
    row: ExerciseRow,
    out: TextIO,
    upcoming: bool = False,
    *,
    options: ExerciseOptions | None = None,
) -> None:
    """The entry in full: the bubble it becomes, then (with `options`, for `show`) why it
    helps, its neighbours on the progression, and the cues that hold for every exercise.
    The texts in the user's language; the glossary found in the English steps."""
    from standup.exercises.catalogue import in_language

    lib = _lib()
    e = in_language(row.exercise)
    title, body = lib.render(e)
    # Translators: an exercise's name, then its id in brackets (the id stays as it is).
    heading = _("Next: {name} [{id}]") if upcoming else _("{name} [{id}]")
    out.write(heading.format(name=e.name, id=e.id) + "\n")
    if row.eligible:
        status = _("eligible")
    else:
        status = _("not eligible: {reason}").format(reason=row.reason)
    # Translators: an exercise's category, position and equipment (the config's words), then
    # whether it can come up ("eligible", or "not eligible: " and why).
    about = _("{category}, {position}, equipment: {equipment}; {status}").format(
        category=e.category, position=e.position, equipment=", ".join(e.equipment), status=status
    )
    out.write(f"{about}\n\n{title}\n{body}\n")
    if options is None:
        return
    if e.why:
        out.write("\n" + _("Why: {why}").format(why=e.why) + "\n")
    if e.feel:
        out.write(_("Feel it here: {feel}").format(feel=e.feel) + "\n")
    for line in lib.glossary(row.exercise):  # the words found in the English steps
        out.write(_(line) + "\n")
    neighbours = ((_("Easier: {name} [{id}]"), e.easier), (_("Harder: {name} [{id}]"), e.harder))
    for label, other_id in neighbours:
        other = options.find(other_id) if other_id else None
        if other is not None:
            out.write(label.format(name=in_language(other).name, id=other.id) + "\n")
    out.write(f"\n{_(lib.GENERAL_CUE)}\n{_(lib.SAFETY_NOTICE)}\n")


def open_picture(exercise: Exercise) -> None:
    """Open the exercise's picture in the desktop's viewer, without a shell."""
    path = picture_path(exercise)
    if path is None:
        raise no_picture(exercise)
    open_with_platform_viewer(path)


def picture_path(exercise: Exercise) -> Path | None:
    from standup.exercises.pictures import picture_file

    path = picture_file(exercise)
    return None if path is None else Path(path)


def no_picture(exercise: Exercise) -> StandupError:
    return StandupError(
        _("exercise {id} has no picture").format(id=repr(exercise.id)),
        hint=_('a custom entry can name one with image = "~/path/to/file.svg"'),
    )


# How xdg-open says that no program on this desktop opens the file's type.
_NO_VIEWER = "no method available for opening"


def open_with_platform_viewer(path: Path) -> None:
    if sys.platform == "win32":
        os.startfile(path)  # type: ignore[attr-defined]  # Windows only
        return
    import shutil
    import subprocess

    opener = "open" if sys.platform == "darwin" else "xdg-open"
    found = shutil.which(opener)
    yourself = _("open it yourself: {file}").format(file=path)
    if found is None:
        missing = _("cannot open {file}: no {opener} on PATH").format(file=path, opener=opener)
        raise StandupError(missing, hint=yourself)
    try:
        # xdg-open may wait for the viewer where the desktop has no launcher of its own.
        result = subprocess.run(
            [found, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    except OSError as exc:
        failed = _("cannot run {program}: {error}").format(program=opener, error=exc)
        raise StandupError(failed, hint=yourself) from exc
    if result.returncode != 0:
        said = result.stderr.strip().splitlines()[-1:]
        why = said[0] if said else _("exit code {code}").format(code=result.returncode)
        if _NO_VIEWER in why:  # xdg-open knows no program for SVG: one line says so
            raise StandupError(_("no image viewer for the picture: {file}").format(file=path))
        failed = _("{opener} could not open {file}: {why}")
        raise StandupError(failed.format(opener=opener, file=path, why=why), hint=yourself)
