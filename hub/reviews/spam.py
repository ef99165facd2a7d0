"""Spam rules: the honeypot, too many links, the same text twice, and rate limits.

Rate limits: per link (invitation) or customer they count the review rows and revisions
stored in the last window, so they hold across processes. Per client address the pipeline
asks the hub's one rate limiter (group ``review_ip`` of ``HUB_RATE_LIMITS``, hub.web.ratelimit),
which counts per process: N web processes allow up to N times as many.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Q

from hub.reviews.models import Review, ReviewRevision
from hub.text.contact_details import count_links

MAX_LINKS = 2
WINDOW = timedelta(minutes=10)
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
