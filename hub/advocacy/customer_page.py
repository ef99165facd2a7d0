"""Everything the customer page shows, gathered in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from hub.advocacy.facts import CustomerFacts, gather_facts
from hub.advocacy.models import (
    Award,
    PointsEntry,
    Referral,
    ReferralCode,
    StageSnapshot,
    TierChange,
    WinBack,
)
from hub.advocacy.score import ScorePart, score_parts, total_score
from hub.advocacy.stages import Thresholds
from hub.catalog.models import Customer, Order
from hub.reviews.models import Review
from hub.surveys.models import SurveyResponse
from hub.triage.models import Case

HISTORY_ROWS = 60


@dataclass(frozen=True)
class CustomerView:
    customer: Customer
    history: list[StageSnapshot]
    orders: list[Order]
    reviews: list[Review]
    answers: list[SurveyResponse]
    cases: list[Case]
    score: list[ScorePart]
    awards: list[Award]
    points: list[PointsEntry]
    codes: list[ReferralCode]
    referrals: list[Referral]
    win_backs: list[WinBack]
    tier_changes: list[TierChange] = field(default_factory=list)

    @property
    def total(self) -> int:
        return total_score(self.score)

    @property
    def balance(self) -> int:
        return sum(entry.points for entry in self.points)


async def _facts(customer: Customer, today: date, limits: Thresholds) -> CustomerFacts | None:
    found = await gather_facts(customer.id, customer.id, today, limits)
    return found[0] if found else None


async def customer_view(customer_id: int, today: date, limits: Thresholds) -> CustomerView | None:
    customer = await Customer.get_or_none(id=customer_id)
    if customer is None:
        return None
    facts = await _facts(customer, today, limits)
    return CustomerView(
        customer,
        await StageSnapshot.filter(customer=customer).order_by("-day").limit(HISTORY_ROWS),
        await Order.filter(customer=customer).order_by("-placed_at"),
        await Review.filter(customer=customer).order_by("-submitted_at").prefetch_related("product"),
        await SurveyResponse.filter(customer=customer).order_by("-submitted_at"),
        await Case.filter(customer=customer).order_by("-created_at"),
        score_parts(facts, today, limits.score_weights) if facts else [],
        await Award.filter(customer=customer).order_by("created_at"),
        await PointsEntry.filter(customer=customer).order_by("-created_at", "-id"),
        await ReferralCode.filter(customer=customer),
        await Referral.filter(referrer=customer).order_by("-created_at").prefetch_related("referred"),
        await WinBack.filter(customer=customer).order_by("-sent_at"),
        await TierChange.filter(customer=customer).order_by("-day").limit(HISTORY_ROWS),
    )


async def customers_by_ids(ids: list[int], limit: int = 500) -> list[Customer]:
    return await Customer.filter(id__in=ids[:limit]).order_by("name", "id")
