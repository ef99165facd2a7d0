"""THE parser for request values: query strings, forms, JSON bodies and path segments.

Every function takes the raw value as it came (a ``str`` from a query or form, an
``UploadFile`` where a form sent a file, any JSON value) and the field's name, and
returns the value or raises `InvalidInput` naming the field. Nothing that a client
can send makes them fail otherwise: not "²" (a digit to ``str.isdigit``, not to
``int``), not a 30-digit number (past every integer column), not a NUL byte (which
PostgreSQL refuses in text), not a year 9999, not an object where text was expected.

An empty or missing value gives the default (``required=True`` refuses it instead).
`Values` reads many fields of one form or query and reports every bad one at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request

from hub.web.errors import FieldError, InvalidInput

MAX_ID = 2**31 - 1  # the id columns are 32-bit on PostgreSQL
MAX_WHOLE = 2**53  # past this a JSON number is no longer exact anywhere
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_TEXT = 10_000
DIGITS = re.compile(r"-?[0-9]{1,16}")
# C0 controls but tab, newline and carriage return; NUL among them.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TRUE, FALSE = frozenset({"true", "1", "yes", "on"}), frozenset({"false", "0", "no", "off"})

T = TypeVar("T")


def _missing(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def _string(raw: object, field: str, what: str) -> str:
    if not isinstance(raw, str):
        raise InvalidInput.one(field, f"must be {what}")
    return raw.strip()


def whole(
    raw: object,
    field: str,
    *,
    low: int = 0,
    high: int = MAX_ID,
    default: int | None = None,
    required: bool = False,
) -> int | None:
    """A whole number from ``low`` to ``high``: ASCII digits, or a JSON integer."""
    if _missing(raw):
        if required:
            raise InvalidInput.one(field, "is required")
        return default
    reason = f"must be a whole number from {low} to {high}"
    if isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    elif isinstance(raw, str) and DIGITS.fullmatch(raw.strip()):
        number = int(raw.strip())
    else:
        raise InvalidInput.one(field, reason)
    if not low <= number <= high:
        raise InvalidInput.one(field, reason)
    return number


def identifier(raw: object, field: str, *, default: int | None = None, required: bool = False) -> int | None:
    """A database id: a whole number from 1 to `MAX_ID`."""
    return whole(raw, field, low=1, high=MAX_ID, default=default, required=required)


def identifiers(raws: Iterable[object], field: str) -> list[int]:
    """Every id of a multi-valued field (``form.getlist("ids")``), in order, without repeats."""
    found = (identifier(raw, field, required=True) for raw in raws)
    return list(dict.fromkeys(number for number in found if number is not None))


def flag(raw: object, field: str, *, default: bool = False) -> bool:
    """true/false, 1/0, yes/no or on/off (a checkbox), or a JSON boolean."""
    if isinstance(raw, bool):
        return raw
    if _missing(raw):
        return default
    word = _string(raw, field, "true or false").lower()
    if word not in TRUE | FALSE:
        raise InvalidInput.one(field, "must be true or false")
    return word in TRUE


def choice(
    raw: object, field: str, choices: Iterable[str], *, default: str | None = None, required: bool = False
) -> str | None:
    """One of ``choices``, exactly as listed."""
    allowed = tuple(choices)
    if _missing(raw):
        if required:
            raise InvalidInput.one(field, "is required")
        return default
    reason = f"must be one of {', '.join(allowed)}"
    if _string(raw, field, reason) not in allowed:
        raise InvalidInput.one(field, reason)
    return str(raw).strip()


def _in_years(moment: T, year: int, field: str) -> T:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput.one(field, f"must be a date from {MIN_YEAR} to {MAX_YEAR}")
    return moment


def day(raw: object, field: str, *, default: date | None = None, required: bool = False) -> date | None:
    """A date as YYYY-MM-DD, from `MIN_YEAR` to `MAX_YEAR`."""
    if _missing(raw):
        if required:
            raise InvalidInput.one(field, "is required")
        return default
    try:
        parsed = date.fromisoformat(_string(raw, field, "a date as YYYY-MM-DD"))
    except ValueError:
        raise InvalidInput.one(field, "must be a date as YYYY-MM-DD") from None
    return _in_years(parsed, parsed.year, field)


def moment(
    raw: object,
    field: str,
    *,
    default: datetime | None = None,
    required: bool = False,
    zone_required: bool = False,
) -> datetime | None:
    """An ISO 8601 date and time in UTC; without a zone it is read as UTC unless one is required."""
    if _missing(raw):
        if required:
            raise InvalidInput.one(field, "is required")
        return default
    example = "must be an ISO 8601 date and time, e.g. 2025-03-01T12:00:00Z"
    try:
        parsed = datetime.fromisoformat(_string(raw, field, example).replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput.one(field, example) from None
    if parsed.tzinfo is None:
        if zone_required:
            raise InvalidInput.one(field, "must carry a time zone, e.g. Z or +02:00")
        parsed = parsed.replace(tzinfo=UTC)
    return _in_years(parsed.astimezone(UTC), parsed.year, field)


def has_control_characters(value: str) -> bool:
    """NUL (which PostgreSQL refuses in text) or another control character but tab and line ends."""
    return CONTROL.search(value) is not None


def text(
    raw: object,
    field: str,
    *,
    max_length: int = MAX_TEXT,
    default: str = "",
    required: bool = False,
    strip: bool = True,
) -> str:
    """Text of at most ``max_length`` characters, with no NUL or other control character."""
    if _missing(raw):
        if required:
            raise InvalidInput.one(field, "is required")
        return default
    if not isinstance(raw, str):
        raise InvalidInput.one(field, "must be text")
    value = raw.strip() if strip else raw
    if has_control_characters(value):
        raise InvalidInput.one(field, "must not hold control characters")
    if len(value) > max_length:
        raise InvalidInput.one(field, f"must be at most {max_length} characters")
    return value


class Values:
    """Reads many fields of one source and raises once, naming every bad field.

    ``values = Values(request.query_params)``; ``page = values.read(whole, "page", default=1)``;
    ``values.check()`` raises `InvalidInput` if any field was bad (each read returned its
    default meanwhile).
    """

    def __init__(self, source: Mapping[str, Any]) -> None:
        self.source = source
        self.errors: list[FieldError] = []

    def read(self, parse: Callable[..., T], field: str, *args: Any, **options: Any) -> T:
        try:
            return parse(self.source.get(field), field, *args, **options)
        except InvalidInput as error:
            self.errors.extend(error.errors)
            options.pop("required", None)
            return parse(None, field, *args, **options)  # the default

    def fail(self, field: str, reason: str) -> None:
        self.errors.append(FieldError(field, reason))

    def check(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


class IdConvertor(Convertor[int]):
    """``{name:id}`` in a path: a database id, or 0 (no row has it) past the column's range.

    Starlette's ``int`` accepts any number of digits, and a number past the id column
    makes PostgreSQL (and SQLite past 64 bits) fail with a 500.
    """

    regex = "[0-9]{1,19}"

    def convert(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ID else 0

    def to_string(self, value: int) -> str:
        return str(int(value))


register_url_convertor("id", IdConvertor())


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def form_text(request: Request) -> dict[str, str]:
    """A submitted form's text fields (uploaded files left out)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}
