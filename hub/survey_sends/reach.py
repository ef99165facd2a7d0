"""The preview: how many customers a segment holds, and how many of them a survey would reach now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub.advocacy.segments import Segment, last_customer_id, segment_query
from hub.catalog.models import MailKind
from hub.config import Settings
from hub.mail.caps import capped_customers
from hub.mail.suppression import suppressed

SPAN = 10_000  # customer ids a query covers
FIELDS = ("id", "email", "unsubscribed_at", "erased_at", "mail_opt_outs")


@dataclass(frozen=True)
class Reach:
    matching: int = 0
    unsubscribed: int = 0
    suppressed: int = 0
    capped: int = 0

    @property
    def reachable(self) -> int:
        return self.matching - self.unsubscribed - self.suppressed - self.capped


async def reach(settings: Settings, segment: Segment, now: datetime) -> Reach:
    """The segment's size, less those who turned surveys off, whose address is suppressed, or
    who reached the shared mail cap (each customer counted under the first that applies)."""
    capped = await capped_customers(settings, now)
    counts = {"matching": 0, "unsubscribed": 0, "suppressed": 0, "capped": 0}
    after, last = 0, await last_customer_id()
    while after < last:
        span = (after, min(after + SPAN, last))
        batch = await segment_query(segment, span).only(*FIELDS)
        blocked = await suppressed(customer.email for customer in batch if customer.email)
        for customer in batch:
            counts["matching"] += 1
            if not customer.email or not customer.accepts(MailKind.SURVEYS.value):
                counts["unsubscribed"] += 1
            elif customer.email.strip().lower() in blocked:
                counts["suppressed"] += 1
            elif customer.id in capped:
                counts["capped"] += 1
        after = span[1]
    return Reach(**counts)
