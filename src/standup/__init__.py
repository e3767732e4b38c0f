"""standup: a sedentary-break reminder daemon."""

__version__ = "0.1.0"
