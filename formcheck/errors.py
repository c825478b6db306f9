"""The one exception type whose message is shown to the user as is."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or set-up, worded for the user (no traceback)."""
