"""Submitting and editing reviews: the pipeline, the case and the rating, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from hub.catalog.models import Customer, Order, Product
from hub.config import Settings
from hub.invites.models import Invitation
from hub.reviews.aggregates import refresh_rating
from hub.reviews.models import Review, ReviewRevision, ReviewSource, ReviewStatus
from hub.reviews.pipeline import Decision, check_rate, screen
from hub.text.normalise import SubmissionError, clean_name
from hub.triage.cases import open_case
from hub.triage.models import Case
from hub.webhooks.events import emit, review_data

__all__ = ["SubmissionError", "SubmissionResult", "edit_review", "submit_review"]


@dataclass(frozen=True, slots=True)
class SubmissionResult:
    review: Review
    decision: Decision | None
    case: Case | None = None
    created: bool = True

    @property
    def published(self) -> bool:
        return self.review.is_public


def _fields(decision: Decision, now: datetime, published_at: datetime | None) -> dict[str, Any]:
    text, assessment = decision.text, decision.assessment
    return {
        "rating": text.rating,
        "title": text.title,
        "body": text.body,
        "status": decision.status.value,
        "status_reason": decision.reason,
        "sentiment_polarity": assessment.polarity,
        "sentiment_subjectivity": assessment.subjectivity,
        "sentiment_label": assessment.label,
        "flagged": assessment.flagged,
        "flag_reasons": list(assessment.reasons),
        "priority": assessment.priority,
        "published_at": (published_at or now) if decision.published else published_at,
    }


def body_spans(decision: Decision) -> list[tuple[int, int, str]]:
    """The flagged phrases as [start, end, reason] within the body.

    The pipeline assesses "title\nbody"; the case page highlights the body, so
    the spans are shifted and those inside the title are left out.
    """
    offset = len(decision.text.title) + 1 if decision.text.title else 0
    return [
        (e.start - offset, e.end - offset, e.reason)
        for e in decision.assessment.evidence
        if e.start >= offset
    ]


async def _case_for(settings: Settings, decision: Decision, review: Review, now: datetime) -> Case | None:
    if not decision.opens_case:
        return None
    assessment = decision.assessment
    return await open_case(
        settings,
        reasons=assessment.reasons,
        priority=assessment.priority,
        evidence=body_spans(decision),
        customer=review.customer,
        review=review,
        order=review.order,
        product=review.product,
        now=now,
    )


async def _emit(
    review: Review, decision: Decision, *, was_published: bool, was_flagged: bool, now: datetime
) -> None:
    """review.published when it became public, review.flagged when it became flagged.

    Imported reviews (another app's history) are not events: they happened elsewhere, long ago.
    """
    if review.source == ReviewSource.IMPORT:
        return
    if review.is_public and not was_published:
        await emit("review.published", {"review": review_data(review, public_text=True)}, now)
    if decision.opens_case and not was_flagged:
        await emit("review.flagged", {"review": review_data(review, public_text=False)}, now)


async def _refuse_repeat(order: Order | None, product: Product) -> None:
    if order is not None and await Review.filter(order=order, product=product).exists():
        raise SubmissionError("product", "this product of the order is already reviewed")


async def submit_review(
    settings: Settings,
    *,
    product: Product,
    rating: object,
    title: str,
    body: str,
    display_name: str,
    customer: Customer | None = None,
    order: Order | None = None,
    invitation: Invitation | None = None,
    source: str = ReviewSource.INVITATION.value,
    verified_buyer: bool | None = None,
    locale: str = "en",
    ip: str | None = None,
    honeypot: str = "",
    submitted_at: datetime | None = None,
    import_key: str | None = None,
) -> SubmissionResult:
    """Store one review through the pipeline; `SubmissionError` if it is refused.

    An `import_key` seen before returns the stored review unchanged (`created=False`).
    `verified_buyer` defaults to whether an order is known.
    """
    if import_key and (known := await Review.get_or_none(import_key=import_key)):
        return SubmissionResult(known, None, created=False)
    now = submitted_at or datetime.now(UTC)
    name = clean_name(display_name)
    customer_id = customer.id if customer else None
    if source != ReviewSource.IMPORT:
        await check_rate(
            settings,
            ip=ip,
            invitation_id=invitation.id if invitation else None,
            customer_id=customer_id,
            now=now,
        )
    decision = await screen(
        settings, rating=rating, title=title, body=body, honeypot=honeypot, customer_id=customer_id
    )
    await _refuse_repeat(order, product)
    fields = _fields(decision, now, None)
    try:
        async with in_transaction():
            review = await Review.create(
                product=product,
                customer=customer,
                order=order,
                invitation=invitation,
                display_name=name,
                source=source,
                locale=locale,
                import_key=import_key,
                verified_buyer=order is not None if verified_buyer is None else verified_buyer,
                submitted_at=now,
                **fields,
            )
            case = await _case_for(settings, decision, review, now)
            if decision.published:
                await refresh_rating(product.id)
            await _emit(review, decision, was_published=False, was_flagged=False, now=now)
    except IntegrityError:
        raise SubmissionError("product", "this product of the order is already reviewed") from None
    return SubmissionResult(review, decision, case)


def _status_after_edit(decision: Decision, previous: str) -> Decision:
    """A review a moderator rejected goes back to a moderator, not straight to the page."""
    if previous != ReviewStatus.REJECTED or not decision.published:
        return decision
    return Decision(
        ReviewStatus.PENDING, "edited_after_reject", decision.reasons, decision.text, decision.assessment
    )


async def edit_review(
    settings: Settings,
    review: Review,
    *,
    rating: object,
    title: str,
    body: str,
    display_name: str | None = None,
    ip: str | None = None,
    honeypot: str = "",
    now: datetime | None = None,
) -> SubmissionResult:
    """Change a review: its previous version is kept and the pipeline runs again."""
    now = now or datetime.now(UTC)
    name = clean_name(display_name) if display_name is not None else review.display_name
    await check_rate(
        settings,
        ip=ip,
        invitation_id=review.invitation_id,
        customer_id=review.customer_id,
        now=now,
    )
    decision = await screen(
        settings,
        rating=rating,
        title=title,
        body=body,
        honeypot=honeypot,
        customer_id=review.customer_id,
        exclude_id=review.id,
    )
    decision = _status_after_edit(decision, review.status)
    was_published, was_flagged = review.is_public, bool(review.flag_reasons)
    await review.fetch_related("customer", "order", "product")
    async with in_transaction():
        await ReviewRevision.create(
            review=review, rating=review.rating, title=review.title, body=review.body, status=review.status
        )
        review.update_from_dict(
            {**_fields(decision, now, review.published_at), "display_name": name, "edited_at": now}
        )
        await review.save()
        case = await _case_for(settings, decision, review, now)
        if was_published or decision.published:
            await refresh_rating(review.product_id)
        await _emit(review, decision, was_published=was_published, was_flagged=was_flagged, now=now)
    return SubmissionResult(review, decision, case)
