"""Cells of a review export: flags, states, ratings, links and dates, each refused with a reason.

Dates like `3/2/2024` are day-first in some exports and month-first in others (a file
saved again by Excel takes the computer's locale). A file's order comes from
`--date-order`, else from its own dates (`13/2/2024` can only be day-first); a date
neither decides is refused, naming both readings. Dotted dates (`05.03.2024`) are
day-first wherever they are written.
"""

from __future__ import annotations

import re
from calendar import month_name
from datetime import UTC, datetime
from enum import StrEnum

from hub.web.safe_urls import url_refusal

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "t", "verified", "ok", "published", "approved"})
PHOTO_SEPARATOR = re.compile(r"[\s,;|]+")
DAY_MONTH = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %Z",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)


class DateOrder(StrEnum):
    DMY = "dmy"
    MDY = "mdy"


class SourceState(StrEnum):
    """What the old app did with a review."""

    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    SPAM = "spam"
    REJECTED = "rejected"


PUBLISHED_WORDS = TRUE_WORDS | {"active"}
STATE_WORDS = {"spam": SourceState.SPAM, "rejected": SourceState.REJECTED, "declined": SourceState.REJECTED}


def truthy(value: str, words: frozenset[str] = TRUE_WORDS) -> bool:
    return value.strip().lower() in words


def source_state(value: str) -> SourceState | None:
    """Published, unpublished (`not-yet`, `Hidden`, `false`…), spam or rejected; None if empty."""
    word = value.strip().lower()
    if not word:
        return None
    if word in PUBLISHED_WORDS:
        return SourceState.PUBLISHED
    return STATE_WORDS.get(word, SourceState.UNPUBLISHED)


def web_link(name: str, value: str) -> str:
    """``value`` when empty or an http(s) URL; `ValueError` naming the field otherwise."""
    if value and (reason := url_refusal(value)):
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise ValueError(f"{name} {shown!r} {reason}")
    return value


def photo_urls(value: str) -> list[str]:
    """The links of a cell that lists photos, in order, without repeats; each must be http(s)."""
    links = [web_link("photo url", part) for part in PHOTO_SEPARATOR.split(value) if part]
    return list(dict.fromkeys(links))


def parse_rating(value: str) -> int:
    try:
        number = float(value.strip())
    except ValueError:
        raise ValueError(f"rating {value.strip()!r} is not a number from 1 to 5") from None
    if not number.is_integer() or not 1 <= number <= 5:
        raise ValueError(f"rating {value.strip()!r} is not a number from 1 to 5")
    return int(number)


def date_evidence(value: str) -> DateOrder | None:
    """The order a date can only be read in (`13/2/2024`: day-first), or None."""
    found = DAY_MONTH.fullmatch(value.strip())
    if not found or found[2] == ".":
        return None
    first, second = int(found[1]), int(found[3])
    if first > 12 >= second:
        return DateOrder.DMY
    if second > 12 >= first:
        return DateOrder.MDY
    return None


def _spelled(day: int, month: int, year: str) -> str:
    return f"{day} {month_name[month]} {year}" if 1 <= month <= 12 else "no date"


def _day_month(text: str, order: DateOrder | None) -> datetime | None:
    found = DAY_MONTH.fullmatch(text)
    if found is None:
        return None
    first, second = int(found[1]), int(found[3])
    if found[2] == ".":
        order = DateOrder.DMY
    elif order is None and first != second and first <= 12 and second <= 12:
        raise ValueError(
            f"date {text!r} is {_spelled(first, second, found[4])} day-first or "
            f"{_spelled(second, first, found[4])} month-first: run again with "
            "--date-order dmy or --date-order mdy"
        )
    order = order or (DateOrder.DMY if first > 12 else DateOrder.MDY)
    day, month = (first, second) if order is DateOrder.DMY else (second, first)
    hours, minutes, seconds = (int(part or 0) for part in found.groups()[4:])
    try:
        return datetime(int(found[4]), month, day, hours, minutes, seconds)
    except ValueError:
        raise ValueError(f"date {text!r} is not a date read {order.value} (--date-order)") from None


def _iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _formatted(value: str) -> datetime | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def parse_date(value: str, order: DateOrder | None = None) -> datetime:
    """An ISO 8601 or a common export date; a date without a zone is taken as UTC."""
    text = value.strip()
    moment = _day_month(text, order) or _iso(text) or _formatted(text)
    if moment is None:
        raise ValueError(f"date {text!r} is not a date (use ISO 8601, e.g. 2025-03-01T10:00:00Z)")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
