"""A string against its column's length, before it is written: whether it fits, or cut with a note.

The length is read from the model (``max_length`` of the Tortoise field), so a
migration that widens a column widens what is accepted, and nothing says 255 twice.
What a store's webhook or a batch job carries is cut (`cut`), and the cut is noted so
the answer and the log say what was shortened (never the text itself); a lookup asks
first whether the column could hold the value at all (`fits`).
"""

from __future__ import annotations

from tortoise.models import Model

from hub.web.errors import FieldError


def column_length(model: type[Model], name: str) -> int:
    """The longest text ``model.name`` holds."""
    length = getattr(model._meta.fields_map[name], "max_length", None)
    if not isinstance(length, int):
        raise TypeError(f"{model.__name__}.{name} has no max_length")
    return length


def cut(model: type[Model], name: str, value: str, notes: list[FieldError], path: str = "") -> str:
    """``value`` shortened to what the column holds; a shortening is added to ``notes``."""
    length = column_length(model, name)
    if len(value) <= length:
        return value
    notes.append(FieldError(path or name, f"was cut to {length} characters"))
    return value[:length]


def fits(model: type[Model], name: str, value: str) -> bool:
    """Whether ``model.name`` could hold ``value``; one it could not names no row, so a lookup can stop.

    Too long for the column, or holding a NUL byte (PostgreSQL stores none in text).
    """
    return len(value) <= column_length(model, name) and "\x00" not in value
