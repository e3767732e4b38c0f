"""The daemon: the worker that owns the core and its clock, presence sampling, commands, the live
config, persistence, reminders and the countdown.
"""
