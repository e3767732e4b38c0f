"""The configuration: the settings model and its loading (`settings`), messages for people
(`errors`), durations, `config set` editing and the file watcher.
"""
