"""Readers for the text of a HUB_* variable, and the text that shows a default.

Each reader takes the variable's name and its text and answers the typed value, or
raises ``SettingsError`` naming the variable and what it accepts. ``hub.config`` pairs
one reader with each setting.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hub.business_hours import BusinessHours, BusinessHoursError, parse_business_hours
from hub.web.ratelimit import Limit, limits_text, parse_limits
from hub.web.safe_urls import url_refusal

Reader = Callable[[str, str], Any]


class SettingsError(ValueError):
    """A HUB_* variable holds a value the hub cannot use."""


def text(_name: str, value: str) -> str:
    return value.strip()


def raw(_name: str, value: str) -> str:
    return value


def choice(*choices: str) -> Reader:
    def read(name: str, value: str) -> str:
        if value not in choices:
            raise SettingsError(f"{name}={value!r} is not valid: use one of {', '.join(choices)}")
        return value

    return read


def integer(low: int, high: int) -> Callable[[str, str], int]:
    def read(name: str, value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise SettingsError(f"{name}={value!r} is not a whole number ({low}–{high})") from None
        if not low <= number <= high:
            raise SettingsError(f"{name}={value!r} is out of range: use {low}–{high}")
        return number

    return read


def number(low: float, high: float) -> Callable[[str, str], float]:
    def read(name: str, value: str) -> float:
        try:
            figure = float(value)
        except ValueError:
            raise SettingsError(f"{name}={value!r} is not a number ({low:g}–{high:g})") from None
        if not low <= figure <= high:
            raise SettingsError(f"{name}={value!r} is out of range: use {low:g}–{high:g}")
        return figure

    return read


def optional(read: Reader) -> Reader:
    """``read``, except that an empty value means None (unset)."""
    return lambda name, value: read(name, value) if value.strip() else None


def days(low: int = 0, high: int = 3650) -> Callable[[str, str], timedelta]:
    whole = integer(low, high)
    return lambda name, value: timedelta(days=whole(name, value))


def boolean(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={value!r} is not valid: use true or false")


def path(_name: str, value: str) -> Path:
    return Path(value).expanduser()


def readable_file(name: str, value: str) -> Path:
    file = Path(value).expanduser()
    if not file.is_file():
        raise SettingsError(f"{name}={value!r} is not valid: use the path of a readable file")
    return file


def base_url(name: str, value: str) -> str:
    """An http(s) URL without its trailing slash (paths are appended to it)."""
    if not value:
        raise SettingsError(f"{name} is empty: use an http:// or https:// URL")
    return url(name, value).rstrip("/")


def url(name: str, value: str) -> str:
    """An http(s) URL as given; empty means none."""
    if value and url_refusal(value):
        raise SettingsError(f"{name}={value!r} is not valid: use an http:// or https:// URL")
    return value


def origins(name: str, value: str) -> tuple[str, ...]:
    found = tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
    for origin in found:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
            raise SettingsError(
                f"{name} holds {origin!r}: use comma-separated origins like https://shop.example"
            )
    return found


def _ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def hosts(name: str, value: str) -> tuple[str, ...]:
    """Comma-separated host names or IP addresses, lower-cased."""
    found = tuple(host.strip().lower() for host in value.split(",") if host.strip())
    for host in found:
        if "/" in host or (":" in host and not _ip_literal(host)):
            raise SettingsError(f"{name} holds {host!r}: use host names or addresses, without a port or path")
    return found


def database_url(name: str, value: str) -> str:
    if not value.startswith(("sqlite://", "postgres://", "postgresql://", "asyncpg://")):
        raise SettingsError(
            f"{name}={value.split('@')[-1]!r} is not valid: use sqlite://PATH or postgres://…"
        )
    return value


def secret_key(name: str, value: str) -> str:
    """At least 32 characters; empty means unset (a key of the data folder's, or none in production)."""
    if value and len(value) < 32:
        raise SettingsError(f"{name} is too short: use at least 32 characters")
    return value


def rate_limits(name: str, value: str) -> dict[str, Limit]:
    try:
        return parse_limits(value)
    except ValueError as error:
        raise SettingsError(f"{name} holds {error}") from None


def hour_pairs(defaults: Mapping[str, tuple[float, float]]) -> Reader:
    """``"urgent=1/8,high=4/24"``: two numbers of hours per known name, over ``defaults``."""

    def read(name: str, value: str) -> dict[str, tuple[float, float]]:
        pairs = dict(defaults)
        for part in filter(None, (piece.strip() for piece in value.split(","))):
            key, _, rule = part.partition("=")
            first, _, second = rule.partition("/")
            try:
                hours = (float(first), float(second))
            except ValueError:
                hours = (0.0, 0.0)
            if key.strip() not in defaults or min(hours) <= 0:
                raise SettingsError(
                    f"{name} holds {part!r}: use NAME=HOURS/HOURS with NAME one of {', '.join(defaults)}"
                )
            pairs[key.strip()] = hours
        return pairs

    return read


def words(name: str, value: str) -> tuple[str, ...]:
    """Comma- or line-separated words, lower-cased, each once."""
    found = {word.strip().lower() for word in value.replace("\n", ",").split(",")}
    found.discard("")
    if any(len(word) > 64 for word in found):
        raise SettingsError(f"{name} holds a word longer than 64 characters")
    return tuple(sorted(found))


COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def colour(name: str, value: str) -> str:
    if not COLOUR.match(value.strip()):
        raise SettingsError(f"{name} must be a colour written #rrggbb, e.g. #2c5fd8")
    return value.strip().lower()


def as_text(value: object) -> str:
    """A value in its variable's own syntax, to edit: what its reader reads back."""
    if value is None or value == "" or value == ():
        return ""
    if isinstance(value, tuple) and all(isinstance(item, str) for item in value):
        return ", ".join(value)
    if isinstance(value, BusinessHours):
        return str(value)
    return shown(value)


def weights(defaults: Mapping[str, int], total: int) -> Reader:
    """``"recency=20,answers=0"``: whole points per known name over ``defaults``, adding up to ``total``."""

    def read(name: str, value: str) -> dict[str, int]:
        found = dict(defaults)
        for part in filter(None, (piece.strip() for piece in value.split(","))):
            key, _, points = part.partition("=")
            if key.strip() not in defaults or not points.strip().isdigit():
                raise SettingsError(
                    f"{name} holds {part!r}: use NAME=POINTS with NAME one of {', '.join(defaults)}"
                )
            found[key.strip()] = int(points)
        if sum(found.values()) != total:
            raise SettingsError(f"{name} adds up to {sum(found.values())}: the points must add up to {total}")
        return found

    return read


POOL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def prices(name: str, value: str) -> dict[str, int]:
    """``"5-off=500,10-off=900"``: a code pool's name and the points one of its codes costs."""
    found: dict[str, int] = {}
    for part in filter(None, (piece.strip() for piece in value.split(","))):
        key, _, points = (item.strip() for item in part.partition("="))
        if not POOL_NAME.match(key) or not points.isdigit() or not 0 < int(points) <= 1_000_000:
            raise SettingsError(f"{name} holds {part!r}: use POOL=POINTS, e.g. 5-off=500")
        found[key] = int(points)
    return found


def business_hours(name: str, value: str) -> BusinessHours:
    """Weekly windows such as ``mon-fri 09:00-17:00`` (hub.business_hours); empty is around the clock."""
    try:
        return parse_business_hours(value)
    except BusinessHoursError as error:
        raise SettingsError(f"{name}: {error}") from None


def time_zone(name: str, value: str) -> str:
    """An IANA time zone name such as ``Europe/Berlin``."""
    zone = value.strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"{name}={value!r} is not a time zone: use a name like Europe/Berlin") from None
    return zone


def shown(value: object) -> str:
    """A default as the README and ``--help`` show it."""
    if value is None or value == "" or value == ():
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, BusinessHours):
        return str(value) or "(around the clock)"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, timedelta):
        return str(value.days)
    if isinstance(value, tuple) and not isinstance(value, Limit):
        numbers = all(isinstance(item, int | float) for item in value)
        return ("/" if numbers else ",").join(shown(item) for item in value)
    if isinstance(value, Mapping):
        if all(isinstance(item, Limit) for item in value.values()):
            return limits_text(value)
        return ",".join(f"{key}={shown(item)}" for key, item in value.items())
    return str(value)
