"""Moderators' work on reviews: the filtered list, approve, reject, replies, history."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from hub.config import Settings
from hub.mail.outbox import enqueue
from hub.reviews.aggregates import refresh_rating
from hub.reviews.models import Reply, Review, ReviewRevision, ReviewStatus
from hub.sentiment import profanity
from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.web.params import has_control_characters
from hub.webhooks.events import emit, iso, review_data

PAGE_SIZE = 50
REPLY_LIMIT = 5000
REJECT_REASONS = {
    "spam": "Spam or advertising",
    "offensive": "Offensive or abusive",
    "personal_data": "Personal data",
    "off_topic": "Not about the product",
    "fake": "Not a genuine customer",
    "other": "Other",
}
ACTIONS = ("approve", "reject")


class ModerationError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ReviewFilter:
    status: str = ""
    rating: int | None = None
    flagged: bool | None = None
    product_id: int | None = None
    has_photos: bool | None = None
    page: int = 1


@dataclass(frozen=True, slots=True)
class ReviewPage:
    reviews: list[Review]
    page: int
    has_next: bool


@dataclass(frozen=True, slots=True)
class ReviewDetail:
    review: Review
    revisions: list[ReviewRevision]
    replies: list[Reply]
    cases: list[dict[str, Any]]  # id and status of the cases opened for it, newest first


async def list_reviews(wanted: ReviewFilter) -> ReviewPage:
    """Newest first, `PAGE_SIZE` a page, with products and replies loaded."""
    conditions = {
        "status": wanted.status or None,
        "rating": wanted.rating,
        "flagged": wanted.flagged,
        "product_id": wanted.product_id,
        "has_photos": wanted.has_photos,
    }
    query = Review.filter(**{name: value for name, value in conditions.items() if value is not None})
    page = max(wanted.page, 1)
    rows = await (
        query.order_by("-submitted_at", "-id")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
        .prefetch_related("product", "replies")
    )
    return ReviewPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


async def review_detail(review_id: int) -> ReviewDetail | None:
    review = await Review.get_or_none(id=review_id).prefetch_related("product", "customer")
    if review is None:
        return None
    revisions = await ReviewRevision.filter(review=review).order_by("-created_at", "-id")
    replies = await Reply.filter(review=review).order_by("created_at", "id").prefetch_related("author")
    opened = Review.filter(id=review.id, cases__id__isnull=False).order_by("-cases__id")
    cases = [
        {"id": row["cases__id"], "status": row["cases__status"]}
        for row in await opened.values("cases__id", "cases__status")
    ]
    return ReviewDetail(review, revisions, replies, cases)


async def _set_status(review: Review, status: ReviewStatus, reason: str, now: datetime) -> None:
    was_published = review.is_public
    review.status, review.status_reason = status.value, reason
    if status is ReviewStatus.PUBLISHED and review.published_at is None:
        review.published_at = now
    await review.save(update_fields=["status", "status_reason", "published_at", "updated_at"])
    if was_published or status is ReviewStatus.PUBLISHED:
        await refresh_rating(review.product_id)
    if not was_published and review.is_public:
        await emit("review.published", {"review": review_data(review, public_text=True)}, now)


def _decision(action: str, reason: str) -> tuple[ReviewStatus, str]:
    if action == "approve":
        return ReviewStatus.PUBLISHED, "approved"
    if action != "reject":
        raise ModerationError("action", f"use one of {', '.join(ACTIONS)}")
    if reason not in REJECT_REASONS:
        raise ModerationError("reason", "choose why the review is rejected")
    return ReviewStatus.REJECTED, reason


async def moderate_reviews(
    actor: StaffUser, review_ids: list[int], action: str, reason: str = ""
) -> list[Review]:
    """Approve or reject reviews (with a reason), keep ratings right, audit each one."""
    status, code = _decision(action, reason)
    now = datetime.now(UTC)
    async with in_transaction():
        reviews = await Review.filter(id__in=review_ids).select_for_update().order_by("id")
        for review in reviews:
            await _set_status(review, status, code, now)
            await audit(actor, f"review.{action}", "review", review.id, reason=code)
    return reviews


async def moderate_review(actor: StaffUser, review_id: int, action: str, reason: str = "") -> Review:
    reviews = await moderate_reviews(actor, [review_id], action, reason)
    if not reviews:
        raise ModerationError("review", "no such review")
    return reviews[0]


def _reply_text(body: str) -> str:
    text = body.strip()
    if not text:
        raise ModerationError("body", "write the reply first")
    if len(text) > REPLY_LIMIT:
        raise ModerationError("body", f"is longer than {REPLY_LIMIT} characters")
    if has_control_characters(text):
        raise ModerationError("body", "must not hold control characters")
    return text


async def _mail_reply(settings: Settings, review: Review, reply: Reply) -> None:
    customer = review.customer
    if customer is None or customer.erased_at is not None:
        raise ModerationError("public", "this review has no customer to mail; reply publicly")
    await enqueue(
        settings,
        kind="private_reply",
        template="private_reply",
        to=customer.email,
        customer=customer,
        reply_to=settings.support_email,
        dedupe_key=f"private_reply:{reply.id}",
        context={"customer": customer, "review": review, "reply": reply, "product": review.product},
    )


async def reply_to_review(
    settings: Settings, actor: StaffUser, review_id: int, body: str, *, public: bool
) -> Reply:
    """A public reply shown under the review, or a private one mailed to the customer."""
    text = _reply_text(body)
    review = await Review.get_or_none(id=review_id).prefetch_related("customer", "product")
    if review is None:
        raise ModerationError("review", "no such review")
    async with in_transaction():
        reply = await Reply.create(review=review, author=actor, body=text, is_public=public)
        if not public:
            await _mail_reply(settings, review, reply)
        await audit(actor, "review.reply", "review", review.id, public=public, reply_id=reply.id)
        await emit("review.reply_posted", reply_data(review, reply))
    return reply


def reply_data(review: Review, reply: Reply) -> dict[str, Any]:
    """The reply's text only when it is public; a private reply went to the customer alone."""
    shown: dict[str, Any] = {"id": reply.id, "public": reply.is_public, "created_at": iso(reply.created_at)}
    if reply.is_public:
        shown["body"] = reply.body
    return {"review": {"id": review.id, "product_id": review.product_id}, "reply": shown}


@dataclass
class RescanCounts:
    checked: int = 0
    held: int = 0
    masked: int = 0
    released: int = 0


async def _mask_words(settings: Settings, review: Review) -> None:
    review.title = profanity.mask(settings, review.title)
    review.body = profanity.mask(settings, review.body)
    await review.save(update_fields=["title", "body", "updated_at"])


async def _rescan_one(settings: Settings, review: Review, counts: RescanCounts) -> None:
    rude = bool(profanity.find(settings, f"{review.title}\n{review.body}"))
    if rude and settings.profanity_action == "mask":
        await _mask_words(settings, review)
        counts.masked += 1
        rude = False
    now = datetime.now(UTC)
    if rude and review.is_public:
        await _set_status(review, ReviewStatus.PENDING, "profanity", now)
        counts.held += 1
    elif not rude and review.status_reason == "profanity":
        publish = settings.auto_publish
        await _set_status(
            review,
            ReviewStatus.PUBLISHED if publish else ReviewStatus.PENDING,
            "clean" if publish else "auto_publish_off",
            now,
        )
        counts.released += 1


async def rescan_reviews(
    settings: Settings, batch: int = 500, progress: Callable[[RescanCounts], Awaitable[None]] | None = None
) -> RescanCounts:
    """Check published and pending reviews against the current word list again; ``progress``
    hears the counts after each batch."""
    counts = RescanCounts()
    last_id = 0
    while (
        reviews := await Review.filter(
            id__gt=last_id, status__in=[ReviewStatus.PUBLISHED, ReviewStatus.PENDING]
        )
        .order_by("id")
        .limit(batch)
    ):
        for review in reviews:
            async with in_transaction():
                await _rescan_one(settings, review, counts)
        counts.checked += len(reviews)
        last_id = reviews[-1].id
        if progress:
            await progress(counts)
    return counts
