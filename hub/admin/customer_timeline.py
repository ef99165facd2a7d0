"""One customer's history in one list, newest first: every source read by its (customer, time) index.

Each source gives at most ``limit`` entries before ``before``; the merged list keeps the
newest ``limit`` and says where the next, older page starts. A customer with 5,000 orders
costs the same page as one with five.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from hub.advocacy.badges import badge_label
from hub.advocacy.models import Award, PointsEntry, StageSnapshot
from hub.catalog.models import Customer, Order, Refund
from hub.community.models import Answer, Question
from hub.invites.models import Invitation
from hub.mail.models import OutboxMessage, SuppressedAddress
from hub.photos.models import Photo
from hub.reviews.models import Review
from hub.surveys.models import SurveyResponse
from hub.triage.models import Case, case_reference
from hub.urls import path_for

TIMELINE_LIMIT = 100
STAGE_DAYS_READ = 2000  # about five years of daily snapshots, to find the stage changes in
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    kind: str
    at: datetime
    line: str
    url: str = ""


@dataclass(frozen=True)
class Timeline:
    entries: list[Entry]
    older_before: datetime | None  # the next page: entries before this moment


def money(amount: Decimal, currency: str) -> str:
    return f"{amount:.2f} {currency}"


Source = Callable[[Customer, datetime, int], Awaitable[list[Entry]]]


async def _orders(customer: Customer, before: datetime, limit: int) -> list[Entry]:
    orders = Order.filter(customer_id=customer.id, placed_at__lt=before).order_by("-placed_at")
    return [
        Entry("order", o.placed_at, f"Order {o.external_id}: {money(o.total, o.currency)}{_order_state(o)}")
        for o in await orders.limit(limit)
    ]


def _order_state(order: Order) -> str:
    if order.cancelled_at:
        return " (cancelled)"
    if order.refunded_at:
        return " (refunded in full)"
    if order.refunded_total > 0:
        return f" ({money(order.refunded_total, order.currency)} refunded)"
    return ""


async def _refunds(customer: Customer, before: datetime, limit: int) -> list[Entry]:
    refunds = Refund.filter(order__customer_id=customer.id, refunded_at__lt=before).order_by("-refunded_at")
    rows = await refunds.limit(limit).values("refunded_at", "amount", "order__external_id", "order__currency")
    return [
        Entry(
            "refund",
            row["refunded_at"],
            f"Refund on order {row['order__external_id']}: {money(row['amount'], row['order__currency'])}",
        )
        for row in rows
    ]


async def _reviews(customer: Customer, before: datetime, limit: int) -> list[Entry]:
    reviews = Review.filter(customer_id=customer.id, submitted_at__lt=before).order_by("-submitted_at")
    rows = await reviews.limit(limit).values(
        "id", "submitted_at", "rating", "title", "status", "product__name"
    )
    return [
        Entry(
            "review",
            row["submitted_at"],
            f"Review of {row['product__name']}: {row['rating']} stars, “{row['title']}” ({row['status']})",
            str(path_for("review_page", review_id=row["id"])),
        )
        for row in rows
    ]


async def _photos(customer: Customer, before: datetime, limit: int) -> list[Entry]:
    photos = Photo.filter(customer_id=customer.id, created_at__lt=before).order_by("-created_at")
    moderation = str(path_for("photo_moderation"))
    return [
        Entry("photo", p.created_at, f"Photo {p.id} ({p.status})", moderation)
        for p in await photos.limit(limit)
    ]


async def _answers(customer: Customer, before: datetime, limit: int) -> list[Entry]:
    responses = SurveyResponse.filter(customer_id=customer.id, submitted_at__lt=before)
    rows = (
        await responses.order_by("-submitted_at")
        .limit(limit)
        .values("submitted_at", "nps", "csat", "sentiment_label", "survey_id", "survey__name")
    )
    return [
        Entry(
            "survey",
            row["submitted_at"],
            f"Answered “{row['survey__name']}”{_scores(row['nps'], row['csat'])} ({row['sentiment_label']})",
            str(path_for("survey_results", survey_id=row["survey_id"])),
        )
        for row in rows
    ]


def _scores(nps: int | None, csat: int | None) -> str:
    parts = [f"NPS {nps}" if nps is not None else "", f"CSAT {csat}" if csat is not None else ""]
    shown = ", ".join(part for part in parts if part)
    return f": {shown}" if shown else ""


async def _questions(customer: Customer, before: datetime, limit: int) -> list[Entry]:
    asked = Question.filter(asker_email=customer.email, created_at__lt=before).order_by("-created_at")
    rows = await asked.limit(limit).values("created_at", "status", "product__name")
    moderation = str(path_for("question_moderation"))
    return [
        Entry("question", r["created_at"], f"Asked about {r['product__name']} ({r['status']})", moderation)
        for r in rows
    ]


async def _community_answers(customer: Customer, before: datetime, limit: int) -> list[Entry]:
    answered = Answer.filter(customer_id=customer.id, created_at__lt=before).order_by("-created_at")
    rows = await answered.limit(limit).values("created_at", "status", "question__product__name")
    moderation = str(path_for("question_moderation"))
    return [
        Entry(
            "answer",
            r["created_at"],
            f"Answered a shopper's question about {r['question__product__name']} ({r['status']})",
            moderation,
        )
        for r in rows
    ]


async def _cases(customer: Customer, before: datetime, limit: int) -> list[Entry]:
    cases = Case.filter(customer_id=customer.id, created_at__lt=before).order_by("-created_at")
    rows = await cases.limit(limit).values("id", "created_at", "kind", "status", "resolution_code")
    return [
        Entry(
            "case",
            r["created_at"],
            f"Case {case_reference(r['id'])} ({r['kind']}): {r['status']}"
            + (f", {r['resolution_code']}" if r["resolution_code"] else ""),
            str(path_for("case_detail", case_id=r["id"])),
        )
        for r in rows
    ]


async def _mails(customer: Customer, before: datetime, limit: int) -> list[Entry]:
    sent = OutboxMessage.filter(customer_id=customer.id, created_at__lt=before).order_by("-created_at")
    rows = await sent.limit(limit).values("id", "created_at", "sent_at", "subject", "status", "kind")
    return [
        Entry(
            "mail",
            r["sent_at"] or r["created_at"],
            f"Mail ({r['kind'].replace('_', ' ')}): “{r['subject']}” ({r['status']})",
            str(path_for("outbox_message", message_id=r["id"])),
        )
        for r in rows
    ]


async def _opens(customer: Customer, before: datetime, limit: int) -> list[Entry]:
    opened = Invitation.filter(customer_id=customer.id, opened_at__not_isnull=True, opened_at__lt=before)
    rows = await opened.order_by("-opened_at").limit(limit).values("opened_at", "order__external_id")
    return [
        Entry("open", r["opened_at"], f"Opened the review request for order {r['order__external_id']}")
        for r in rows
    ]


async def _mail_stops(customer: Customer, before: datetime, _limit: int) -> list[Entry]:
    entries = []
    if customer.unsubscribed_at and customer.unsubscribed_at < before:
        entries.append(Entry("unsubscribe", customer.unsubscribed_at, "Unsubscribed from all mail"))
    stop = await SuppressedAddress.get_or_none(address=customer.email.lower())
    if stop is not None and stop.created_at < before:
        entries.append(
            Entry("suppressed", stop.created_at, f"Mail stopped: {stop.reason or 'no reason given'}")
        )
    return entries


async def _points(customer: Customer, before: datetime, limit: int) -> list[Entry]:
    entries = PointsEntry.filter(customer_id=customer.id, created_at__lt=before).order_by(
        "-created_at", "-id"
    )
    return [
        Entry("points", p.created_at, f"{p.points:+d} points: {p.reason.replace('_', ' ')}")
        for p in await entries.limit(limit)
    ]


async def _awards(customer: Customer, before: datetime, limit: int) -> list[Entry]:
    awards = Award.filter(customer_id=customer.id, created_at__lt=before).order_by("-created_at")
    return [Entry("award", a.created_at, f"Badge: {badge_label(a.badge)}") for a in await awards.limit(limit)]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


async def _stage_changes(customer: Customer, before: datetime, limit: int) -> list[Entry]:
    days = StageSnapshot.filter(customer_id=customer.id, day__lt=before.date()).order_by("-day")
    rows = await days.limit(STAGE_DAYS_READ).values_list("day", "stage")
    entries = []
    earlier_stages: list[str | None] = [stage for _, stage in rows[1:]]
    earlier_stages += [None] if rows else []
    for (day, stage), earlier in zip(rows, earlier_stages, strict=True):
        if stage != earlier:
            moved = f"from {earlier.replace('_', ' ')} " if earlier else ""
            entries.append(Entry("stage", _midnight(day), f"Stage {moved}to {stage.replace('_', ' ')}"))
    return entries[:limit]


SOURCES: tuple[Source, ...] = (
    _orders,
    _refunds,
    _reviews,
    _photos,
    _answers,
    _questions,
    _community_answers,
    _cases,
    _mails,
    _opens,
    _mail_stops,
    _points,
    _awards,
    _stage_changes,
)


async def customer_timeline(
    customer: Customer, before: datetime | None = None, limit: int = TIMELINE_LIMIT
) -> Timeline:
    """The newest ``limit`` entries before ``before`` (all, when None) from every source."""
    until = before or FAR_FUTURE
    found = [entry for source in SOURCES for entry in await source(customer, until, limit + 1)]
    found.sort(key=lambda entry: entry.at, reverse=True)
    if len(found) <= limit:
        return Timeline(found, None)
    page = found[:limit]
    return Timeline(page, page[-1].at)
