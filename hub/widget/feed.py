"""Every review in any status, for API keys with reviews:read: a paged list and an NDJSON export.

Paging is by keyset on the review id (`cursor` = the last id seen), so deep pages of a
large table cost the same as the first.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.catalog.models import plausible_external_id
from hub.reviews.models import Review, ReviewStatus
from hub.web.params import Values, choice, whole
from hub.web.params import moment as parse_moment

FEED_LIMIT = 100
EXPORT_BATCH = 500
STATUSES = tuple(status.value for status in ReviewStatus)


@dataclass(frozen=True, slots=True)
class FeedQuery:
    status: str | None = None
    product: str | None = None
    since: datetime | None = None
    cursor: int = 0
    limit: int = 50


def parse_feed_query(params: Mapping[str, str]) -> FeedQuery:
    values = Values(params)
    query = FeedQuery(
        status=values.read(choice, "status", STATUSES),
        product=params.get("product") or None,
        since=values.read(parse_moment, "since", zone_required=True),
        cursor=values.read(whole, "cursor", high=2**31 - 1, default=0) or 0,
        limit=max(1, values.read(whole, "limit", high=FEED_LIMIT, default=50) or 50),
    )
    values.check()
    return query


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def feed_review(review: Review) -> dict[str, Any]:
    """A review as the shop's own systems see it: moderation fields, no customer email."""
    return {
        "id": review.id,
        "sku": review.product.external_id,
        "status": review.status,
        "status_reason": review.status_reason,
        "rating": review.rating,
        "title": review.title,
        "body": review.body,
        "author": review.display_name,
        "verified_buyer": review.verified_buyer,
        "source": review.source,
        "locale": review.locale,
        "flagged": review.flagged,
        "sentiment": review.sentiment_label,
        "helpful": review.helpful_count,
        "unhelpful": review.unhelpful_count,
        "has_photos": review.has_photos,
        "received_reward": review.rewarded_at is not None,
        "submitted_at": _iso(review.submitted_at),
        "published_at": _iso(review.published_at),
        "edited_at": _iso(review.edited_at),
    }


def _selected(query: FeedQuery, after: int) -> Any:
    reviews = Review.filter(id__gt=after)
    if query.status:
        reviews = reviews.filter(status=query.status)
    if query.product:
        # An id that cannot exist matches nothing, without asking the database.
        product = query.product if plausible_external_id(query.product) else ""
        reviews = reviews.filter(product__external_id=product)
    if query.since:
        reviews = reviews.filter(submitted_at__gte=query.since)
    return reviews.order_by("id").prefetch_related("product")


async def feed_page(query: FeedQuery) -> tuple[list[dict[str, Any]], int | None]:
    """One page of reviews and the cursor of the next page (None on the last)."""
    rows = await _selected(query, query.cursor).limit(query.limit + 1)
    shown = rows[: query.limit]
    next_cursor = shown[-1].id if len(rows) > query.limit else None
    return [feed_review(review) for review in shown], next_cursor


async def export_lines(query: FeedQuery) -> AsyncIterator[bytes]:
    """Every matching review as one JSON line, read in batches."""
    after = query.cursor
    while True:
        batch = await _selected(query, after).limit(EXPORT_BATCH)
        if not batch:
            return
        yield "".join(json.dumps(feed_review(review)) + "\n" for review in batch).encode()
        after = batch[-1].id
