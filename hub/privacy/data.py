"""Everything the hub holds about one customer, as plain JSON-ready data."""

from __future__ import annotations

from typing import Any

from hub.advocacy.models import Award, PointsEntry, Referral, ReferralCode
from hub.catalog.models import Customer, Order, OrderLine
from hub.mail.models import OutboxMessage
from hub.photos.models import Photo
from hub.reviews.models import Reply, Review, StoreReview
from hub.surveys.models import SurveyAnswer, SurveyResponse
from hub.transfer.export import plain_deep
from hub.triage.models import Case, CaseEvent

CUSTOMER_FIELDS = (
    "id",
    "email",
    "name",
    "external_id",
    "locale",
    "stage",
    "advocate_score",
    "tier",
    "birthday",
    "marketing_consent_at",
    "unsubscribed_at",
    "mail_opt_outs",
    "profile_opt_in_at",
    "profile_name",
    "erased_at",
    "created_at",
)


def _grouped(rows: list[dict[str, Any]], key: str) -> dict[int, list[dict[str, Any]]]:
    groups: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row.pop(key), []).append(row)
    return groups


async def _orders(customer_id: int) -> list[dict[str, Any]]:
    orders = (
        await Order.filter(customer_id=customer_id)
        .order_by("placed_at")
        .values(
            "id",
            "source",
            "external_id",
            "currency",
            "total",
            "placed_at",
            "fulfilled_at",
            "delivered_at",
            "cancelled_at",
            "refunded_at",
            "referral_code",
            "discount_codes",
        )
    )
    lines = _grouped(
        await OrderLine.filter(order_id__in=[o["id"] for o in orders] or [0]).values(
            "order_id", "product__external_id", "product__name", "quantity", "unit_price"
        ),
        "order_id",
    )
    return [{**order, "lines": lines.get(order["id"], [])} for order in orders]


async def _reviews(customer_id: int) -> list[dict[str, Any]]:
    reviews = (
        await Review.filter(customer_id=customer_id)
        .order_by("id")
        .values(
            "id",
            "product__external_id",
            "product__name",
            "rating",
            "title",
            "body",
            "display_name",
            "location",
            "variant",
            "status",
            "verified_buyer",
            "source",
            "submitted_at",
            "published_at",
        )
    )
    replies = _grouped(
        await Reply.filter(review_id__in=[r["id"] for r in reviews] or [0], is_public=True).values(
            "review_id", "body", "created_at"
        ),
        "review_id",
    )
    return [{**review, "public_replies": replies.get(review["id"], [])} for review in reviews]


async def _photos(customer_id: int) -> list[dict[str, Any]]:
    return (
        await Photo.filter(customer_id=customer_id)
        .order_by("id")
        .values("id", "review_id", "status", "source_url", "web_name", "feature_consent_at", "created_at")
    )


async def _survey_responses(customer_id: int) -> list[dict[str, Any]]:
    responses = (
        await SurveyResponse.filter(customer_id=customer_id)
        .order_by("id")
        .values("id", "survey__name", "nps", "csat", "submitted_at")
    )
    answers = _grouped(
        await SurveyAnswer.filter(response_id__in=[r["id"] for r in responses] or [0])
        .order_by("id")
        .values("response_id", "question__prompt", "number", "text", "choice"),
        "response_id",
    )
    return [{**response, "answers": answers.get(response["id"], [])} for response in responses]


async def _cases(customer_id: int) -> list[dict[str, Any]]:
    cases = (
        await Case.filter(customer_id=customer_id)
        .order_by("id")
        .values(
            "id",
            "status",
            "priority",
            "reasons",
            "created_at",
            "resolved_at",
            "resolution_code",
            "recovery_csat",
            "recovery_comment",
        )
    )
    events = _grouped(
        await CaseEvent.filter(case_id__in=[c["id"] for c in cases] or [0])
        .order_by("id")
        .values("case_id", "kind", "body", "created_at"),
        "case_id",
    )
    return [{**case, "events": events.get(case["id"], [])} for case in cases]


async def _messages(customer: Customer) -> list[dict[str, Any]]:
    return (
        await OutboxMessage.filter(customer_id=customer.id)
        .order_by("id")
        .values("id", "kind", "subject", "status", "created_at", "sent_at")
    )


async def _referrals(customer_id: int) -> dict[str, Any]:
    codes = await ReferralCode.filter(customer_id=customer_id).values("code", "visits", "created_at")
    made = await Referral.filter(referrer_id=customer_id).values(
        "outcome", "reasons", "rewarded_at", "reward_code", "created_at"
    )
    return {"codes": codes, "referrals_made": made}


async def customer_data(customer: Customer) -> dict[str, Any]:
    """The customer and everything linked to them; mail is listed by subject only."""
    cid = customer.id
    data = {
        "customer": {name: getattr(customer, name) for name in CUSTOMER_FIELDS},
        "orders": await _orders(cid),
        "reviews": await _reviews(cid),
        "store_reviews": await StoreReview.filter(customer_id=cid)
        .order_by("id")
        .values("id", "rating", "title", "body", "display_name", "location", "status", "submitted_at"),
        "photos": await _photos(cid),
        "survey_responses": await _survey_responses(cid),
        "cases": await _cases(cid),
        "messages": await _messages(customer),
        "awards": await Award.filter(customer_id=cid).values("badge", "note", "created_at"),
        "points": await PointsEntry.filter(customer_id=cid)
        .order_by("id")
        .values("points", "reason", "created_at"),
        "referrals": await _referrals(cid),
    }
    return dict(plain_deep(data))


async def data_counts(customer: Customer) -> dict[str, int]:
    """How many rows of each kind the customer has, for the privacy page."""
    cid = customer.id
    return {
        "orders": await Order.filter(customer_id=cid).count(),
        "reviews": await Review.filter(customer_id=cid).count(),
        "store reviews": await StoreReview.filter(customer_id=cid).count(),
        "photos": await Photo.filter(customer_id=cid).count(),
        "survey responses": await SurveyResponse.filter(customer_id=cid).count(),
        "cases": await Case.filter(customer_id=cid).count(),
        "messages": await OutboxMessage.filter(customer_id=cid).count(),
    }
