"""Around the reviews: helpful votes, the brand's public replies, per-product rating figures."""

from __future__ import annotations

import hashlib
from datetime import datetime

from hub.demo.context import Demo
from hub.demo.products import Item
from hub.demo.reviews import Reviewed
from hub.demo.staff import Team
from hub.demo.staff_texts import PUBLIC_REPLIES
from hub.reviews.models import HelpfulVote, ProductRating, Reply, Review

VOTED_SHARE = 0.35
REPLIED_SHARE = 0.45  # of published reviews with one or two stars


def build_votes(demo: Demo, reviewed: list[Reviewed]) -> None:
    for review in _published(reviewed):
        if review.body and review.published_at and demo.chance(VOTED_SHARE):
            helpful = min(int(demo.rng.expovariate(0.35)) + 1, 25)
            unhelpful = demo.rng.choice((0, 0, 0, 0, 1, 1, 2, 3))
            _votes(demo, review, review.published_at, helpful, unhelpful)


def _votes(demo: Demo, review: Review, since: datetime, helpful: int, unhelpful: int) -> None:
    review.helpful_count, review.unhelpful_count = helpful, unhelpful
    for number in range(helpful + unhelpful):
        browser = f"demo-browser:{review.pk}:{number}".encode()
        demo.add(
            HelpfulVote,
            review_id=review.pk,
            voter_hash=hashlib.sha256(browser).hexdigest(),
            helpful=number < helpful,
            created_at=since + (demo.now - since) * demo.rng.random(),
        )


def build_replies(demo: Demo, reviewed: list[Reviewed], team: Team) -> None:
    for entry in reviewed:
        review = entry.review
        if not review.is_public or review.rating > 2:
            continue
        at = review.submitted_at + demo.hours(3, 40)
        if at <= demo.now and demo.chance(REPLIED_SHARE):
            author = demo.rng.choice(team.moderators)
            body = demo.rng.choice(PUBLIC_REPLIES).format(
                first=entry.purchase.shopper.customer.first_name,
                noun=entry.item.line.noun,
                agent=author.name.split()[0],
            )
            demo.add(
                Reply, review_id=review.pk, author_id=author.pk, body=body, is_public=True, created_at=at
            )


def build_ratings(demo: Demo, items: list[Item], reviewed: list[Reviewed]) -> None:
    """One row per product with the figures of its published reviews."""
    histograms = {item.product.pk: [0, 0, 0, 0, 0] for item in items}
    for entry in reviewed:
        if entry.review.is_public:
            histograms[entry.item.product.pk][entry.review.rating - 1] += 1
    for product_id, histogram in histograms.items():
        demo.add(
            ProductRating,
            product_id=product_id,
            count=sum(histogram),
            rating_sum=sum(stars * n for stars, n in enumerate(histogram, start=1)),
            histogram=histogram,
            photo_count=0,
            version=1,
        )


def _published(reviewed: list[Reviewed]) -> list[Review]:
    return [r.review for r in reviewed if r.review.is_public]
