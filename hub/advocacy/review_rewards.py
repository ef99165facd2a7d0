"""Review rewards that stay honest: the same for every rating, given when the review is submitted.

The reward is decided by two things only: that a review was submitted, and whether it came
with a photo or video. The rating, the sentiment and the moderation outcome are never read,
so a one-star and a five-star review earn alike. It is given at submission, before moderation,
so rejecting a review later (for content, never for its stars) does not take it back. The
review is marked ``rewarded_at``: the widget, the JSON API and the JSON-LD disclose it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub.advocacy.codes import issue_code
from hub.advocacy.models import PointsEntry, PoolCode
from hub.advocacy.points import Source, earn
from hub.catalog.models import Customer
from hub.config import Settings
from hub.photos.models import Photo
from hub.reviews.models import Review


@dataclass(frozen=True)
class ReviewReward:
    points: int
    pool: str

    @property
    def offered(self) -> bool:
        return bool(self.points or self.pool)


def reward_for(settings: Settings, with_media: bool) -> ReviewReward:
    """The shop's reward for a review, with or without a photo or video: never its rating."""
    if with_media:
        points = settings.points_for_photo_review or settings.points_for_review
        return ReviewReward(points, settings.photo_review_reward_pool or settings.review_reward_pool)
    return ReviewReward(settings.points_for_review, settings.review_reward_pool)


async def reward_review(settings: Settings, review: Review, now: datetime) -> PointsEntry | None:
    """Give the review's author the shop's reward, once per review; the ledger line (with the
    code, if one was issued), or None when nothing is offered or it was given already."""
    if review.customer_id is None:
        return None
    with_media = await Photo.filter(review_id=review.id).exists()
    reward = reward_for(settings, with_media)
    if not reward.offered:
        return None
    claimed = await Review.filter(id=review.id, rewarded_at__isnull=True).update(rewarded_at=now)
    if not claimed:
        return None
    customer = await Customer.get(id=review.customer_id)
    code = await _code(reward.pool, customer, review)
    entry = await earn(
        customer.id,
        reward.points,
        "review with photo" if with_media else "review",
        source=Source.REVIEW,
        event_key=f"review:{review.id}",
        code=code,
    )
    if entry is None:  # nothing given after all (the pool was empty and no points offered)
        await Review.filter(id=review.id).update(rewarded_at=None)
    return entry


async def _code(pool: str, customer: Customer, review: Review) -> PoolCode | None:
    return await issue_code(pool, customer, f"review:{review.id}") if pool else None
