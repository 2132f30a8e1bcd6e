"""The package's exceptions and warnings.

An error is classified by the stage that failed, not by its status code:
whatever stops a rule set from loading is a RulesError (a rules file, an
override), whatever stops a record from evaluating is a RecordError (a
field's value, an empty needed field, an overflow or a parameter without
a value on the date) — `status` keeps the C status name either way.
"""
from __future__ import annotations

from typing import Any, Optional


class Error(Exception):
    """Any error from quotalevy.  `status` is the C status name, e.g.
    'QL_ERECORD'; `message` is the message without its location; `row` is
    the row's position in a batch (evaluate_columns, evaluate_frame) and
    `index` its frame index label, when the error is a row's."""

    def __init__(self, status: str, message: str, file: str = "", line: int = 0,
                 column: int = 0, field: str = "", text: Optional[str] = None,
                 row: Optional[int] = None, index: Any = None):
        super().__init__(text or message)
        self.status = status
        self.message = message
        self.file = file or None
        self.line = line or None
        self.column = column or None
        self.field = field or None
        self.row = row
        self.index = index

    def __reduce__(self):
        return (_rebuild, (type(self), self.status, self.message, self.file or "",
                           self.line or 0, self.column or 0, self.field or "",
                           str(self), self.row, self.index))


def _rebuild(cls, *args):
    return cls(*args)


class RulesError(Error):
    """A rule set that cannot be loaded (a rules file, an override):
    .file, .line and .column say where."""


class RecordError(Error):
    """A record that cannot be evaluated: .field names the field when the
    problem is one field's (an empty needed field, a bad value, a broken
    validation); .file/.line/.column locate the rule that needed it."""


class FieldTypeError(RecordError, TypeError):
    """A field given a value of a type it cannot take exactly — a binary
    float, an arbitrary object.  Both a RecordError (it is the record's)
    and a TypeError (it is the caller's type)."""


class FieldValueError(RecordError, ValueError):
    """A field given a value of the right type but the wrong shape — a
    list of another length, a list given whole and by item.  Both a
    RecordError (errors='yield' yields it for its record) and a
    ValueError."""


class ExtraColumnsWarning(UserWarning):
    """Columns that are not inputs of the rule set were ignored."""
