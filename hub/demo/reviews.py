"""Demo reviews: written after delivery in answer to an invitation, scored like real ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.demo.context import Demo
from hub.demo.invitations import complete
from hub.demo.names import display_name
from hub.demo.orders import Purchase
from hub.demo.products import Item
from hub.demo.review_texts import MODERATED, review_text
from hub.invites.models import Invitation
from hub.reviews.models import Review, ReviewSource, ReviewStatus
from hub.reviews.pipeline import Decision, decide
from hub.sentiment.scoring import Assessment
from hub.text.normalise import CleanText

RATING_WEIGHT = {5: 61.0, 4: 18.5, 3: 8.5, 2: 4.0, 1: 8.0}
TROUBLED_WEIGHT = {5: 40.0, 4: 20.0, 3: 17.0, 2: 9.0, 1: 14.0}
REFUNDED_WEIGHT = {5: 8.0, 4: 8.0, 3: 14.0, 2: 25.0, 1: 45.0}
TROUBLED_LINES = ("Merino Base Layer Crew", "Basecamp Rechargeable Lantern")
KIND_WEIGHT = {
    5: {"glowing": 84.0, "blank": 8.0, "mild": 5.0, "misclick": 3.0},
    4: {"mild": 65.0, "glowing": 10.0, "mixed": 17.0, "blank": 8.0},
    3: {"mixed": 57.0, "snag": 40.0, "urgent": 3.0},
    2: {"snag": 57.0, "angry": 37.0, "urgent": 6.0},
    1: {"angry": 55.0, "snag": 37.0, "urgent": 8.0},
}
RESPONSE_CHANCE = 0.48
LINE_REVIEW_CHANCE = 0.78


@dataclass
class Reviewed:
    """A review with the purchase and product it is about."""

    review: Review
    purchase: Purchase
    item: Item
    decision: Decision

    @property
    def assessment(self) -> Assessment:
        return self.decision.assessment

    @property
    def opens_case(self) -> bool:
        return self.decision.opens_case


def build_reviews(
    demo: Demo, purchases: list[Purchase], invitations: dict[int, Invitation]
) -> list[Reviewed]:
    reviewed: list[Reviewed] = []
    for purchase in purchases:
        invitation = invitations.get(purchase.order.pk)
        answered_at = _answer_time(demo, purchase, invitation)
        if invitation is None or answered_at is None:
            continue
        complete(invitation, answered_at)
        for offset, item in enumerate(_items_to_review(demo, purchase)):
            at = answered_at + timedelta(minutes=3 * offset, seconds=demo.rng.randrange(60))
            reviewed.append(_review(demo, purchase, item, invitation, at))
    _moderate(demo, reviewed)
    return reviewed


def _answer_time(demo: Demo, purchase: Purchase, invitation: Invitation | None) -> datetime | None:
    order = purchase.order
    if invitation is None or invitation.sent_at is None or order.delivered_at is None:
        return None
    refunded = order.refunded_at is not None
    if not demo.chance(0.65 if refunded else RESPONSE_CHANCE):
        return None
    at = max(_after_invitation(demo, invitation), order.delivered_at + demo.hours(1, 5))
    expires_at = invitation.expires_at or demo.now
    return at if at <= min(demo.now, expires_at) else None


def _after_invitation(demo: Demo, invitation: Invitation) -> datetime:
    assert invitation.sent_at is not None and invitation.remind_at is not None
    roll = demo.rng.random()
    if roll < 0.55:
        return invitation.sent_at + demo.hours(0.1, 72)
    if roll < 0.85:
        return invitation.remind_at + demo.hours(0.1, 60)
    return invitation.sent_at + demo.days(3, 45)


def _items_to_review(demo: Demo, purchase: Purchase) -> list[Item]:
    items = [item for _, item in purchase.lines if demo.chance(LINE_REVIEW_CHANCE)]
    return items or [demo.rng.choice(purchase.lines)[1]]


def _review(demo: Demo, purchase: Purchase, item: Item, invitation: Invitation, at: datetime) -> Reviewed:
    rating = _rating(demo, purchase, item)
    kind = demo.weighted({str(k): w for k, w in KIND_WEIGHT[rating].items()})
    title, body = review_text(demo.rng, kind, item.line.noun, item.line.category)
    review = demo.add(
        Review,
        product_id=item.product.pk,
        customer_id=purchase.shopper.customer.pk,
        order_id=purchase.order.pk,
        invitation_id=invitation.pk,
        rating=rating,
        display_name=display_name(purchase.shopper.customer.name),
        verified_buyer=True,
        source=ReviewSource.INVITATION.value,
        submitted_at=at,
        created_at=at,
    )
    return Reviewed(review, purchase, item, judge(demo, review, CleanText(rating, title, body)))


def _rating(demo: Demo, purchase: Purchase, item: Item) -> int:
    weights = RATING_WEIGHT
    if purchase.order.refunded_at is not None:
        weights = REFUNDED_WEIGHT
    elif item.line.name in TROUBLED_LINES:
        weights = TROUBLED_WEIGHT
    return int(demo.weighted({str(k): w for k, w in weights.items()}))


def judge(demo: Demo, review: Review, text: CleanText) -> Decision:
    """Run `text` through the moderation pipeline and store its verdict on `review`."""
    decision = decide(demo.settings, text)
    kept, assessment = decision.text, decision.assessment
    review.rating, review.title, review.body = kept.rating, kept.title, kept.body
    review.status, review.status_reason = decision.status.value, decision.reason
    review.sentiment_polarity = assessment.polarity
    review.sentiment_subjectivity = assessment.subjectivity
    review.sentiment_label = assessment.label
    review.flagged = assessment.flagged
    review.flag_reasons = list(assessment.reasons)
    review.priority = assessment.priority
    published = review.submitted_at + timedelta(seconds=demo.rng.randrange(2, 90))
    review.published_at = published if decision.published else None
    return decision


def _moderate(demo: Demo, reviewed: list[Reviewed]) -> None:
    """Give a few reviews texts the pipeline stops or changes, or a moderator rejects."""
    since = demo.now - timedelta(days=12)
    recent = [r for r in reviewed if r.review.submitted_at > since]
    older = [r for r in reviewed if r.review.submitted_at <= since]
    demo.rng.shuffle(recent)
    demo.rng.shuffle(older)
    for when, rating, title, body, rejected_for in MODERATED:
        pool = recent if when == "recent" else older
        if pool:
            target = pool.pop()
            text = CleanText(rating, title, body.format(noun=target.item.line.noun))
            target.decision = judge(demo, target.review, text)
            if rejected_for:
                target.review.status, target.review.status_reason = ReviewStatus.REJECTED.value, rejected_for
