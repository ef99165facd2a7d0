"""Reading dates and periods from query strings, with errors that name the field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from hub.advocacy.retention import Period
from hub.web.errors import FieldError, InvalidInput
from hub.web.params import day

BadParams = InvalidInput


def _day(params: Mapping[str, str], name: str, default: date) -> tuple[date, FieldError | None]:
    try:
        return day(params.get(name), name, default=default) or default, None
    except InvalidInput as error:
        return default, error.errors[0]


def period_from(
    params: Mapping[str, str], today: date, default_days: int, names: tuple[str, str] = ("from", "to")
) -> Period:
    """The period named by two query parameters; missing ones default to the last ``default_days``."""
    end, end_error = _day(params, names[1], today)
    start, start_error = _day(params, names[0], end - timedelta(days=default_days))
    errors = [e for e in (start_error, end_error) if e]
    if not errors and start > end:
        errors.append(FieldError(names[0], f"must not be after {names[1]}"))
    if errors:
        raise BadParams(errors)
    return Period(start, end)
