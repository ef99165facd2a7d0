"""The events a webhook endpoint can subscribe to, what each carries, and `emit`.

`emit` is called where the event happens, inside that transaction where there is one:
it writes one delivery row per endpoint subscribed to the event, and the worker posts
them. Payloads carry ids, states and what is already public; never a customer's name,
address or private text (docs/webhooks.md lists every field).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from hub.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from hub.webhooks.signing import new_message_id

EVENTS: dict[str, str] = {
    "review.published": "a review is published (on submission or by a moderator)",
    "review.flagged": "a submitted review is flagged (a case opens for it)",
    "review.reply_posted": "a moderator replies to a review, publicly or privately",
    "photo.approved": "a moderator approves a customer photo",
    "case.opened": "a case opens for flagged feedback",
    "case.assigned": "a case is assigned or unassigned, by an agent or automatically",
    "case.replied": "an agent replies to the customer of a case",
    "case.resolved": "a case is resolved",
    "case.follow_up_answered": "the customer answers a resolved case's follow-up survey",
    "survey.response": "a survey is answered",
    "customer.stage_changed": "a customer moves to another stage (new, active, loyal, at risk …)",
    "question.asked": "a shopper asks a product question",
    "question.answered": "an answer to a product question is published",
}
CASE_EVENTS = tuple(event for event in EVENTS if event.startswith("case."))
# What a Slack channel can follow: flagged reviews and new cases.
SLACK_EVENTS = ("review.flagged", "case.opened")


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def envelope(event: str, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The body of a standard delivery: {"type", "timestamp", "data"}, as Standard Webhooks suggests."""
    return {"type": event, "timestamp": iso(now), "data": data}


async def emit(event: str, data: dict[str, Any], now: datetime | None = None) -> int:
    """Queue ``event`` for every live endpoint that wants it; how many deliveries were queued."""
    return await emit_many(event, [data], now)


async def emit_many(event: str, items: Iterable[dict[str, Any]], now: datetime | None = None) -> int:
    """`emit` for several events of one type (a night's stage changes) in one insert."""
    assert event in EVENTS, f"unknown webhook event {event}"
    items = list(items)
    if not items:
        return 0
    endpoints = [e for e in await WebhookEndpoint.all().only("id", "events", "paused_at") if e.wants(event)]
    if not endpoints:
        return 0
    now = now or datetime.now(UTC)
    rows = [
        WebhookDelivery(
            endpoint_id=endpoint.id,
            event=event,
            message_id=new_message_id(),
            payload=envelope(event, data, now),
            status=(DeliveryStatus.HELD if endpoint.paused_at else DeliveryStatus.QUEUED).value,
            next_attempt_at=now,
        )
        for endpoint in endpoints
        for data in items
    ]
    await WebhookDelivery.bulk_create(rows)
    return len(rows)


# What each event carries. The domains call these with their own rows (typed loosely so
# that this package imports none of them: they import it).


def case_data(case: Any) -> dict[str, Any]:
    """Ids and states only: no customer text or address."""
    return {
        "id": case.id,
        "reference": case.reference,
        "status": case.status,
        "priority": case.priority,
        "reasons": list(case.reasons or []),
        "customer_id": case.customer_id,
        "order_id": case.order_id,
        "review_id": case.review_id,
        "survey_response_id": case.survey_response_id,
        "assignee_id": case.assignee_id,
        "resolution_code": case.resolution_code or None,
        "created_at": iso(case.created_at),
        "resolved_at": iso(case.resolved_at),
        "resolution_due_at": iso(case.resolution_due_at),
    }


def review_data(review: Any, *, public_text: bool) -> dict[str, Any]:
    """A review's ids, rating and state; its title, body and display name only once published."""
    data: dict[str, Any] = {
        "id": review.id,
        "product_id": review.product_id,
        "order_id": review.order_id,
        "customer_id": review.customer_id,
        "rating": review.rating,
        "status": review.status,
        "source": review.source,
        "verified_buyer": review.verified_buyer,
        "flag_reasons": list(review.flag_reasons or []),
        "submitted_at": iso(review.submitted_at),
        "published_at": iso(review.published_at),
    }
    if public_text:
        data.update(title=review.title, body=review.body, display_name=review.display_name)
    return data
