"""One step of an install or uninstall: a service manager's command run, and its failure told
in words the user can act on."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from standup.errors import StandupError
from standup.i18n import N_, _
from standup.service.systemd import Runner

NO_USER_MANAGER_HINT = N_(
    "no systemd user manager answers here. Log in to a graphical session (or run "
    "`loginctl enable-linger $USER`), check that XDG_RUNTIME_DIR is set, then run "
    "`systemctl --user daemon-reload && systemctl --user enable --now standup`"
)


class ServiceError(StandupError):
    """The service manager is missing or refused a step."""

    exit_code = 1


def run_step(
    argv: Sequence[str], tolerate: bool, echo: Callable[[str], None], runner: Runner
) -> None:
    """Run `argv`, echoed; a failure is said and carried on from when `tolerate`, else a
    ServiceError."""
    echo("$ " + " ".join(argv))
    try:
        done = runner(argv)
    except OSError as error:
        said = _("cannot run {program}: {error}")
        raise ServiceError(said.format(program=argv[0], error=error.strerror or error)) from None
    if done.returncode == 0:
        return
    reason = (done.stderr or done.stdout or "").strip().splitlines()
    text = reason[-1] if reason else _("exit status {code}").format(code=done.returncode)
    if tolerate:
        # Translators: after a step of `service uninstall` that failed; {error} is why.
        echo("  " + _("({error}; carrying on)").format(error=text))
        return
    hint = _(NO_USER_MANAGER_HINT) if _no_user_manager(text) else ""
    # Translators: {command} is the command that was run, in backquotes.
    said = _("{command} failed: {error}").format(command=f"`{' '.join(argv)}`", error=text)
    raise ServiceError(said, hint=hint)


def _no_user_manager(text: str) -> bool:
    markers = ("Failed to connect to bus", "No medium found", "XDG_RUNTIME_DIR", "not been booted")
    return any(marker in text for marker in markers)
