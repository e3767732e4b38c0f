"""Running standup as a user service: the unit, install and uninstall, the desktop identity, and
the doctor that checks the whole set-up.
"""
