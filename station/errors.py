"""Errors the environment or the user causes: shown as a clear message, never a traceback."""


class UserError(Exception):
    """An expected problem with a message that says what is wrong and what to do."""
