"""The one base of the exceptions this package defines.

Every exception class in the package derives from `DecisionsError` (a test holds it to
that), so `except DecisionsError` catches what the package raises on purpose and nothing that
Python or a library raises: an error a command must turn into one line, or a signal between
two of its own functions.
"""

from __future__ import annotations


class DecisionsError(Exception):
    """An error of this package, raised on purpose; subclasses say which."""
