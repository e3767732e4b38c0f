"""Hooks: the user's own commands, run when standup reminds, is answered, sees the user leave
or come back, or is paused and resumed.

`options` is the `[hooks]` table, `events` turns one step of the core into hook events and
their STANDUP_* variables (pure), and `runner` runs the commands off the worker thread: no
shell, a time limit, a few at once.
"""
