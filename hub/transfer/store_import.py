"""Imported reviews of the store itself, through the same moderation pipeline as reviews.

A store review has no product, so it opens no case and moves no rating; its reply is
kept on the row (`StoreReview.reply`), and its photo links as a list.
"""

from __future__ import annotations

from hub.catalog.models import Customer
from hub.config import Settings
from hub.reviews.models import ReviewStatus, StoreReview
from hub.reviews.pipeline import screen
from hub.text.normalise import clean_name
from hub.transfer.cells import SourceState
from hub.transfer.review_rows import ImportedReview

# What the old app did outranks the pipeline's "publish", never its "spam".
HELD = {
    SourceState.SPAM: (ReviewStatus.SPAM, "spam_at_source"),
    SourceState.REJECTED: (ReviewStatus.REJECTED, "rejected_at_source"),
    SourceState.UNPUBLISHED: (ReviewStatus.PENDING, "unpublished_at_source"),
}


def status_at_source(
    status: ReviewStatus, reason: str, state: SourceState | None
) -> tuple[ReviewStatus, str]:
    """The status of an imported review: the pipeline's, held back as far as the source held it."""
    if state not in HELD or status is ReviewStatus.SPAM:
        return status, reason
    held, why = HELD[state]
    if state is SourceState.UNPUBLISHED and status is not ReviewStatus.PUBLISHED:
        return status, reason
    return held, why


async def import_store_review(
    settings: Settings, item: ImportedReview, customer: Customer | None
) -> tuple[bool, str]:
    """(created, status) of the store review of ``item``; an import key seen before is skipped."""
    known = await StoreReview.get_or_none(import_key=item.key)
    if known is not None:
        return False, known.status
    decision = await screen(
        settings,
        rating=item.rating,
        title=item.title,
        body=item.body,
        honeypot="",
        customer_id=customer.id if customer else None,
    )
    status, reason = status_at_source(decision.status, decision.reason, item.state)
    assessment = decision.assessment
    review = await StoreReview.create(
        customer=customer,
        rating=decision.text.rating,
        title=decision.text.title,
        body=decision.text.body,
        display_name=clean_name(item.reviewer_name),
        location=item.location,
        status=status.value,
        status_reason=reason,
        verified_buyer=item.verified,
        sentiment_label=assessment.label,
        flagged=assessment.flagged,
        flag_reasons=list(assessment.reasons),
        reply=item.reply,
        reply_public=item.reply_public,
        replied_at=item.replied_at,
        photo_urls=item.photo_urls,
        import_key=item.key,
        submitted_at=item.submitted_at,
        published_at=item.submitted_at if status.is_public else None,
    )
    return True, review.status
