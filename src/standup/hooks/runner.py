"""Run the hooks: the user's commands, off the worker thread, bounded in time and number.

The worker thread only hands events over (`fire`): it never waits for a hook. One thread runs
them, started when an event comes and gone when none waits, so a daemon with no hooks (or
none running) has no thread for them at all. Events run in the order they happened (the
light dimmed for a reminder is raised again for its answer, never the other way round); the
commands of one event run side by side, a few at once. The thread sleeps in one select() on
the commands' output and pidfds (Linux) until one ends or its time is up: no polling.

Each command runs without a shell, in a session of its own; when it ends, or its time is up,
its whole process group is killed, so nothing it started outlives it. Output goes to the log
at debug level; a failure is one warning line, once per command until it works again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import shlex
import signal
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from standup.hooks.events import HookEvent, hook_events

if TYPE_CHECKING:
    from collections.abc import Sequence

    from standup.core import Record, State
    from standup.exercises import Exercise
    from standup.hooks.options import HooksOptions

log = logging.getLogger("standup.hooks")

TIME_LIMIT = 10.0  # seconds a command may run before its process group is killed
MAX_RUNNING = 4  # commands at once
MAX_WAITING = 32  # events waiting for their turn; more are dropped
MAX_OUTPUT = 4096  # bytes of a command's output kept for the log; the rest is read and dropped
KILL_WAIT = 2.0  # seconds to wait for a killed command to be gone
NO_PIDFD_POLL = 0.05  # seconds between checks where the OS has no pidfd (not Linux)
# Addressed to standup itself by systemd: a hook must not speak for the unit.
_NOT_PASSED_ON = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID")


@dataclass(frozen=True)
class HookJob:
    """One command to run for one event."""

    event: str
    argv: tuple[str, ...]
    variables: dict[str, str]

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return self.event, self.argv

    def describe(self) -> str:
        command = shlex.join(self.argv)
        if len(command) > 120:
            command = command[:117] + "..."
        return f"{self.event} hook `{command}`"


@dataclass(eq=False)
class _Running:
    """A started command: its output so far, and what is left to see before it is done."""

    job: HookJob
    proc: subprocess.Popen[bytes]
    deadline: float  # time.monotonic()
    pidfd: int | None
    output: bytearray = field(default_factory=bytearray)
    pipe_open: bool = True
    exited: bool = False

    def done(self) -> bool:
        return self.exited and not self.pipe_open


class HookRunner:
    """Runs hook commands on one short-lived thread; thread-safe."""

    def __init__(
        self,
        *,
        time_limit: float = TIME_LIMIT,
        max_running: int = MAX_RUNNING,
        max_waiting: int = MAX_WAITING,
    ) -> None:
        self.time_limit = time_limit
        self._max_running = max_running
        self._max_waiting = max_waiting
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)  # notified when the thread ends
        self._waiting: deque[list[HookJob]] = deque()  # one list of commands per event
        self._thread: threading.Thread | None = None
        self._running: dict[int, subprocess.Popen[bytes]] = {}  # by pid, for close()
        self.peak = 0  # most commands that ever ran at once
        self._failing: set[tuple[str, tuple[str, ...]]] = set()  # warned about already
        self._dropping = False  # warned that events are dropped, until the queue drains
        self._closed = False

    # ---- the worker thread hands events over ------------------------------------------------

    def fire(
        self,
        options: HooksOptions,
        records: Sequence[Record],
        before: State,
        after: State,
        exercise: Exercise | None,
    ) -> None:
        """Queue the commands for the events of one core step. Returns at once."""
        if not options.configured():
            return
        for event in hook_events(records, before, after, exercise):
            self.run(event, options.commands(event.name))

    def run(self, event: HookEvent, commands: Sequence[Sequence[str]]) -> None:
        """Queue one event's commands. Any thread; returns at once."""
        jobs = [HookJob(event.name, tuple(argv), event.variables) for argv in commands]
        if not jobs:
            return
        with self._lock:
            if self._closed:
                return
            if len(self._waiting) >= self._max_waiting:
                if not self._dropping:
                    self._dropping = True
                    log.warning(
                        "hooks: %d events already wait for their turn; the %s hooks and any "
                        "more until they are through are dropped",
                        len(self._waiting),
                        event.name,
                    )
                return
            self._waiting.append(jobs)
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._work, name="standup-hook", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while True:
            with self._lock:
                if self._closed or not self._waiting:
                    self._thread = None
                    self._dropping = False
                    self._idle.notify_all()
                    return
                jobs = self._waiting.popleft()
            try:
                self._run_event(jobs)
            except Exception:  # a bug here must not stop every later hook
                log.exception("running the %s hooks failed", jobs[0].event)

    # ---- one event's commands -----------------------------------------------------------------

    def _run_event(self, jobs: list[HookJob]) -> None:
        pending = deque(jobs)
        running: list[_Running] = []
        with selectors.DefaultSelector() as selector:
            while pending or running:
                while pending and len(running) < self._max_running:
                    started = self._start(pending.popleft(), selector)
                    if started is not None:
                        running.append(started)
                if not running:
                    continue
                self._wait_a_while(running, selector)
                for command in [c for c in running if c.done() or c.deadline <= time.monotonic()]:
                    running.remove(command)
                    self._finish(command, selector)

    def _start(self, job: HookJob, selector: selectors.BaseSelector) -> _Running | None:
        if self.stopping():  # stopping: the rest of this event's commands are dropped too
            return None
        argv = list(job.argv)
        argv[0] = os.path.expanduser(argv[0])  # "~/bin/desk-up"; arguments stay as written
        env = {k: v for k, v in os.environ.items() if k not in _NOT_PASSED_ON}
        env.update(job.variables)
        log.debug("%s: starting", job.describe())
        try:
            proc = subprocess.Popen(
                argv,
                shell=False,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # its own process group, killed as one
                close_fds=True,
            )
        except (OSError, ValueError) as error:  # ValueError: a NUL character in an argument
            self._failed(job, f"cannot be started: {getattr(error, 'strerror', None) or error}")
            return None
        command = _Running(job, proc, time.monotonic() + self.time_limit, _pidfd(proc.pid))
        assert proc.stdout is not None
        selector.register(proc.stdout, selectors.EVENT_READ, command)
        if command.pidfd is not None:
            selector.register(command.pidfd, selectors.EVENT_READ, command)
        with self._lock:
            self._running[proc.pid] = proc
            self.peak = max(self.peak, len(self._running))
            if self.stopping():  # close() came while it started: it saw no process to kill
                _kill_group(proc)
        return command

    def _wait_a_while(self, running: list[_Running], selector: selectors.BaseSelector) -> None:
        """Sleep until output comes, a command ends, or the first deadline."""
        timeout = max(0.0, min(c.deadline for c in running) - time.monotonic())
        if any(c.pidfd is None and not c.exited for c in running):
            timeout = min(timeout, NO_PIDFD_POLL)
        for key, _ in selector.select(timeout):
            command: _Running = key.data
            if key.fileobj is command.proc.stdout:
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    command.pipe_open = False
                    selector.unregister(key.fileobj)
                command.output += chunk[: MAX_OUTPUT - len(command.output)]
            else:  # the pidfd: it has ended (its output may still be open)
                command.exited = True
                selector.unregister(key.fileobj)
        for command in running:
            if command.pidfd is None and not command.exited:
                command.exited = command.proc.poll() is not None

    def _finish(self, command: _Running, selector: selectors.BaseSelector) -> None:
        proc = command.proc
        timed_out = not command.done()
        _kill_group(proc)  # what it left behind, or all of it at the deadline; before reaping
        try:
            proc.wait(KILL_WAIT)
        except subprocess.TimeoutExpired:
            # Only a process we may not signal (a setuid program) outlives SIGKILL: leave it,
            # rather than let it hold every later hook up. subprocess reaps it in the end.
            log.warning("%s could not be stopped; it is left running", command.job.describe())
            self._failing.add(command.job.key)
        with self._lock:
            del self._running[proc.pid]
        for fileobj in (proc.stdout, command.pidfd):
            if fileobj is not None and fileobj in selector.get_map():
                selector.unregister(fileobj)
        assert proc.stdout is not None
        proc.stdout.close()
        if command.pidfd is not None:
            os.close(command.pidfd)
        if proc.returncode is not None:
            self._report(command.job, proc.returncode, bytes(command.output), timed_out)

    def _report(self, job: HookJob, status: int, output: bytes, timed_out: bool) -> None:
        text = output.decode("utf-8", "replace").strip()
        if text:
            log.debug("%s output:\n%s", job.describe(), text)
        last_line = text.splitlines()[-1][:200] if text else ""
        said = f": {last_line}" if last_line else ""
        if timed_out:
            self._failed(job, f"still ran after {self.time_limit:g} s and was stopped{said}")
        elif status < 0:
            self._failed(job, f"was killed by {_signal_name(-status)}{said}")
        elif status > 0:
            self._failed(job, f"exited with status {status}{said}")
        else:
            log.debug("%s: done", job.describe())
            with self._lock:
                self._failing.discard(job.key)  # say so again if it breaks after working

    def _failed(self, job: HookJob, why: str) -> None:
        with self._lock:
            first = job.key not in self._failing
            self._failing.add(job.key)
        if first:
            log.warning("%s %s", job.describe(), why)
        else:
            log.debug("%s %s (again)", job.describe(), why)

    # ---- stop -------------------------------------------------------------------------------

    def close(self) -> None:
        """Drop what waits and kill what runs; no command starts after this. Any thread."""
        with self._lock:
            self._closed = True
            self._waiting.clear()
            running = list(self._running.values())
        for proc in running:
            _kill_group(proc)

    def stopping(self) -> bool:
        """Whether close() was called (a method: read afresh each time)."""
        return self._closed

    def join(self, timeout: float) -> bool:
        """Wait until no command runs or waits; False if some still do after `timeout`."""
        with self._idle:
            return self._idle.wait_for(lambda: self._thread is None, timeout)


def _pidfd(pid: int) -> int | None:
    """A descriptor that becomes readable when the process ends (Linux 5.3+), else None."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the command's process group (its pid: it leads a session of its own)."""
    if proc.returncode is not None:
        return  # reaped: the pid, and so the group id, may belong to someone else now
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
