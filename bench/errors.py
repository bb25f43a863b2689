"""The one error type a user sees as a single line (``ERROR: ...``), never as a traceback."""


class UserError(Exception):
    """Bad input or an unusable environment: the CLI prints the message and exits non-zero."""
