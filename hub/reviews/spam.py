"""Spam rules: the honeypot, too many links, the same text twice, and rate limits.

Rate limits: per link (invitation) or customer they count the review rows and revisions
stored in the last window, so they hold across processes. Per IP address they use an
in-process sliding window keyed by a salted hash of the address (no address is stored):
that one limit is per process, so N web processes allow up to N times as many.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import deque
from datetime import datetime, timedelta

from tortoise.expressions import Q

from hub.reviews.models import Review, ReviewRevision
from hub.text.contact_details import count_links

MAX_LINKS = 2
WINDOW = timedelta(minutes=10)
PER_IP = 10
PER_LINK = 20
# Short texts ("Love it!") are repeated honestly; only longer ones count as duplicates.
DUPLICATE_MIN_LENGTH = 40


def too_many_links(text: str) -> bool:
    return count_links(text) > MAX_LINKS


def _comparable(text: str) -> str:
    return " ".join(text.casefold().split())


async def is_duplicate(customer_id: int | None, body: str, *, exclude_id: int | None = None) -> bool:
    """Whether this customer already wrote the same (long enough) text."""
    if customer_id is None or len(body) < DUPLICATE_MIN_LENGTH:
        return False
    earlier = Review.filter(customer_id=customer_id)
    if exclude_id is not None:
        earlier = earlier.exclude(id=exclude_id)
    wanted = _comparable(body)
    return any(_comparable(str(text)) == wanted for text in await earlier.values_list("body", flat=True))


async def recent_submissions(*, invitation_id: int | None, customer_id: int | None, now: datetime) -> int:
    """Reviews and edits stored in the last window for one link, else for one customer."""
    if invitation_id is None and customer_id is None:
        return 0
    key = {"invitation_id": invitation_id} if invitation_id is not None else {"customer_id": customer_id}
    since = now - WINDOW
    recent = await Review.filter(Q(submitted_at__gte=since) | Q(edited_at__gte=since), **key).values_list(
        "submitted_at", "edited_at"
    )
    reviews = sum(1 for submitted, _ in recent if submitted >= since)
    if not any(edited and edited >= since for _, edited in recent):
        return reviews
    revision_key = {f"review__{name}": value for name, value in key.items()}
    return reviews + await ReviewRevision.filter(**revision_key, created_at__gte=since).count()


class IpWindow:
    """A sliding window of submission times per salted address hash, in this process only."""

    def __init__(self, limit: int = PER_IP, window: timedelta = WINDOW) -> None:
        self.limit = limit
        self.seconds = window.total_seconds()
        self.hits: dict[str, deque[float]] = {}
        self.swept_at = 0.0

    def key(self, secret: str, ip: str) -> str:
        return hmac.new(secret.encode(), ip.encode(), hashlib.sha256).hexdigest()

    def allow(self, secret: str, ip: str, now: float | None = None) -> bool:
        """Record one submission from `ip`; False when it is over the limit."""
        now = time.monotonic() if now is None else now
        self._sweep(now)
        hits = self.hits.setdefault(self.key(secret, ip), deque())
        while hits and hits[0] <= now - self.seconds:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def _sweep(self, now: float) -> None:
        """Forget idle addresses, at most once a minute, so memory stays bounded."""
        if now - self.swept_at < 60:
            return
        self.swept_at = now
        cutoff = now - self.seconds
        for key in [key for key, hits in self.hits.items() if not hits or hits[-1] <= cutoff]:
            del self.hits[key]


ip_window = IpWindow()
