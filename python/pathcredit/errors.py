"""Errors raised by pathcredit.

Every error carries the message the command line prints. Errors about input name the
input and where: a file's line and column, or a DataFrame's row (counted from 0, as
pandas counts) and column.
"""

from __future__ import annotations

from typing import Optional


class PathcreditError(Exception):
    """Base class of pathcredit's errors."""

    def __init__(self, message: str, location: Optional[dict] = None):
        super().__init__(message)
        #: Where the problem is: ``file``, ``line``, ``row``, ``column``,
        #: ``column_name`` (``None`` where not known).
        self.location = location


class InputError(PathcreditError, ValueError):
    """An input cannot be read: a bad value, a missing column, an empty table."""


class InputTypeError(InputError, TypeError):
    """An input is of a kind pathcredit cannot read (not a table, a path or CSV bytes)."""


class ParameterError(PathcreditError, ValueError):
    """A parameter is out of its domain (named as the keyword argument)."""


class ModelError(PathcreditError, RuntimeError):
    """A model cannot run on this data (and the message says what would fix it)."""


def _from_native(error) -> PathcreditError:
    kind, message, location = error.args
    if location is not None:
        file, line, row, column, column_name = location
        location = {
            "file": file,
            "line": line or None,
            "row": row,
            "column": column,
            "column_name": column_name,
        }
    cls = {
        "input": InputError,
        "parameter": ParameterError,
        "model": ModelError,
    }.get(kind)
    if cls is None:
        if kind == "io":
            return OSError(message)
        return PathcreditError(message, location)
    return cls(message, location)
