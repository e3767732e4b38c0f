"""The daemon's live config: re-read on request, keep the last good one, say once what is wrong.

A broken edit must never stop reminders, and must not nag: the first time a given error is
seen it is logged and shown in one desktop notification; fixing the file withdraws it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from standup.config.settings import LoadedConfig, Settings, candidate_files, load_config
from standup.config.watch import ConfigWatcher
from standup.control import known
from standup.errors import ConfigError
from standup.i18n import _
from standup.notify.base import Notifier, Reminder

log = logging.getLogger("standup")

NotifierFactory = Callable[..., Notifier]


class LiveConfig:
    def __init__(
        self, loaded: LoadedConfig, explicit: Path | None, notifier_factory: NotifierFactory
    ) -> None:
        self.loaded = loaded
        self.explicit = explicit
        # What a command must see to take the daemon's word for this config (control.known):
        # noted as the files are now, just after the first load, and before each reload.
        self.sources = known.sources(explicit)
        self._notifier_factory = notifier_factory
        self._alert: Notifier | None = None
        self.error: str | None = None  # the last reload's error, until the file is fixed
        self._watcher: ConfigWatcher | None = None

    def watch(self, on_change: Callable[[], None]) -> None:
        """Call `on_change` when a config file changes: inotify on Linux, so no wake-ups while
        nothing changes; every config directory is watched, since editors save by rename."""
        files, _user, _named = candidate_files(self.explicit)
        self._watcher = ConfigWatcher(files, on_change)
        self._watcher.start()

    @property
    def settings(self) -> Settings:
        return self.loaded.settings

    def reload(self) -> Settings:
        """Load the files again; return the settings that were running before.

        On a bad file the running config stays, the error is reported once, and ConfigError
        is raised for the caller (`standup reload` shows it)."""
        try:
            sources = known.sources(self.explicit)
            loaded = load_config(self.explicit)
            gone = [p for p in self.loaded.files if p not in loaded.files]
            if gone:
                # A missing file would silently mean the built-in defaults: keep what runs.
                text = _("config file {file} is gone; keeping the settings read from it")
                raise ConfigError(
                    text.format(file=gone[0]),
                    hint=_("restore it, or restart standup to run without it"),
                )
        except ConfigError as error:
            self._report(str(error))
            raise
        if self.error is not None:
            log.info("the config is valid again")
            self.error = None
            if self._alert is not None:
                self._alert.close()
        old, self.loaded, self.sources = self.loaded.settings, loaded, sources
        return old

    def _report(self, message: str) -> None:
        if message == self.error:
            log.debug("config still not valid: %s", message)
            return
        self.error = message
        log.error("config not reloaded, keeping the running one: %s", message)
        if self._alert is None:
            # A notifier of its own, so the alert never replaces a reminder bubble.
            self._alert = self._notifier_factory(
                self.settings.notifications.backend, lambda key: None
            )
        self._alert.show(
            Reminder(
                title=_("standup: config not reloaded"),
                body=_("{error}\nThe previous settings stay in force until this is fixed.").format(
                    error=message
                ),
                urgency="normal",
            )
        )

    def close(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        if self._alert is not None:
            self._alert.shutdown()
            self._alert = None
