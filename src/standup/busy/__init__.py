"""Is the user busy (a call, a full-screen window, do-not-disturb): the probes the daemon asks
before it shows a reminder.
"""
