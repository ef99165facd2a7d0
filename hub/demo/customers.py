"""Demo customers: realistic names, unique addresses at example domains, a buying pattern."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.catalog.models import Customer, MailKind
from hub.demo.context import Demo
from hub.demo.names import EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES
from hub.demo.timeline import SEGMENTS, order_dates

CUSTOMER_COUNT = 1000
OTHER_LOCALES = {"en-GB": 3.0, "en-CA": 2.0, "fr": 1.0, "de": 1.0}


@dataclass
class Shopper:
    customer: Customer
    segment: str
    dates: list[datetime]  # when their orders were placed, oldest first


def build_customers(demo: Demo) -> list[Shopper]:
    taken: set[str] = set()
    shoppers = []
    for number, segment in enumerate(_segments(demo)):
        dates = order_dates(demo, segment)
        customer = _customer(demo, number, dates[0], taken)
        shoppers.append(Shopper(customer, segment, dates))
    return shoppers


def _segments(demo: Demo) -> list[str]:
    segments = [name for name, share in SEGMENTS.items() for _ in range(round(share * CUSTOMER_COUNT))]
    demo.rng.shuffle(segments)
    return segments


def _customer(demo: Demo, number: int, first_order: datetime, taken: set[str]) -> Customer:
    first, last = demo.rng.choice(FIRST_NAMES), demo.rng.choice(LAST_NAMES)
    joined = first_order - timedelta(minutes=demo.rng.randrange(2, 30))
    return demo.add(
        Customer,
        email=_unique_email(demo, first, last, taken),
        name=f"{first} {last}",
        external_id=f"C-{20001 + number}",
        locale="en" if demo.chance(0.93) else demo.weighted(OTHER_LOCALES),
        marketing_consent_at=joined if demo.chance(0.4) else None,
        mail_opt_outs=[MailKind.OFFERS.value] if demo.chance(0.04) else [],
        created_at=joined,
    )


def _unique_email(demo: Demo, first: str, last: str, taken: set[str]) -> str:
    first, last = first.lower(), last.lower()
    shapes = (f"{first}.{last}", f"{first}{last[0]}", f"{first[0]}{last}", f"{first}_{last}")
    for attempt in range(100):
        local = shapes[attempt] if attempt < len(shapes) else f"{first}.{last}{attempt}"
        email = f"{local}@{demo.rng.choice(EMAIL_DOMAINS)}"
        if email not in taken:
            taken.add(email)
            return email
    raise RuntimeError(f"no free address for {first} {last}")  # not reachable with 100 tries
