"""Commands: filled in by its issue."""

COMMANDS: list = []
