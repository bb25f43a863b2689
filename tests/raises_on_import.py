"""A module whose import fails, as a user's module can."""

raise RuntimeError("this module fails on import, on purpose")
