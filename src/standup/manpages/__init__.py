"""The man pages, standup(1) and standup.toml(5), made from the command table and the settings
model when the package is built: `python3 -m standup.manpages DIR` writes both into DIR."""
