"""What happened, kept: the SQLite store and the statistics read from it."""
