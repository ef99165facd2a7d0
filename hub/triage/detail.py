"""Everything the case page shows: the feedback, the order, the customer's history, the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from markupsafe import Markup

from hub.catalog.models import Customer, Order, OrderLine
from hub.photos.models import Photo
from hub.reviews.models import Review
from hub.staff.models import StaffUser
from hub.surveys.follow_ups import reason_words
from hub.surveys.models import SurveyAnswer, SurveyResponse
from hub.triage.assignment import active_agents
from hub.triage.highlight import highlight
from hub.triage.models import CannedResponse, Case, CaseEvent, Priority, Resolution

HISTORY_LIMIT = 20
KEPT_FIELDS = ("id", "currency", "total", "refunded_total", "cancelled_at", "refunded_at")


@dataclass(frozen=True)
class History:
    """The side panel: who the customer is to the shop."""

    customer: Customer
    orders: list[Order]
    order_count: int
    # What the shop kept of the customer's purchases (Order.kept_revenue), per currency.
    lifetime_value: list[tuple[str, Decimal]]
    reviews: list[Review]
    cases: list[Case]


@dataclass(frozen=True)
class CaseView:
    case: Case
    overdue: bool
    review: Review | None
    body: Markup
    photos: list[Photo]
    answers: list[tuple[str, str]]
    order: Order | None
    lines: list[OrderLine]
    history: History | None
    events: list[CaseEvent]
    agents: list[StaffUser]
    canned: list[CannedResponse]
    # The review's flags and the case's reasons, in words.
    flags: list[str]
    # The survey response shown (its survey loaded), for the link back to its results.
    response: SurveyResponse | None = None
    priorities: tuple[str, ...] = tuple(p.value for p in reversed(Priority))
    resolutions: tuple[str, ...] = tuple(r.value for r in Resolution)

    @property
    def last_event_id(self) -> int:
        return max((event.id for event in self.events), default=0)


async def _answers(response: SurveyResponse | None) -> list[tuple[str, str]]:
    if response is None:
        return []
    answers = (
        await SurveyAnswer.filter(response=response)
        .select_related("question")
        .order_by("question__position", "id")
    )
    return [
        (a.question.prompt, a.text or a.choice or ("" if a.number is None else str(a.number)))
        for a in answers
    ]


async def _kept_revenue(customer: Customer) -> tuple[int, list[tuple[str, Decimal]]]:
    """How many orders the customer placed, and what the shop kept of them in each currency."""
    orders = await Order.filter(customer=customer).only(*KEPT_FIELDS)
    kept: dict[str, Decimal] = {}
    for order in orders:
        kept[order.currency] = kept.get(order.currency, Decimal("0")) + order.kept_revenue
    return len(orders), sorted(kept.items())


async def _history(case: Case, customer: Customer | None) -> History | None:
    if customer is None:
        return None
    orders = await Order.filter(customer=customer).order_by("-placed_at").limit(HISTORY_LIMIT)
    count, kept = await _kept_revenue(customer)
    reviews = (
        await Review.filter(customer=customer)
        .exclude(id=case.review_id or 0)
        .select_related("product")
        .order_by("-submitted_at")
        .limit(HISTORY_LIMIT)
    )
    cases = (
        await Case.filter(customer=customer).exclude(id=case.id).order_by("-created_at").limit(HISTORY_LIMIT)
    )
    return History(customer, orders, count, kept, reviews, cases)


async def _response(case: Case, review: Review | None) -> SurveyResponse | None:
    if case.survey_response_id:
        return await SurveyResponse.get_or_none(id=case.survey_response_id).select_related("survey")
    if review is not None:
        return (
            await SurveyResponse.filter(review=review)
            .select_related("survey")
            .order_by("-submitted_at")
            .first()
        )
    return None


async def load_case(case_id: int, now: datetime) -> CaseView | None:
    case = await Case.get_or_none(id=case_id).select_related("assignee", "customer", "product")
    if case is None:
        return None
    review = await Review.get_or_none(id=case.review_id) if case.review_id else None
    order = await Order.get_or_none(id=case.order_id) if case.order_id else None
    response = await _response(case, review)
    return CaseView(
        case=case,
        overdue=case.is_late(now),
        review=review,
        body=highlight(review.body, case.evidence) if review else Markup(""),
        photos=await Photo.filter(review=review).order_by("id") if review else [],
        answers=await _answers(response),
        order=order,
        lines=await OrderLine.filter(order=order).select_related("product") if order else [],
        history=await _history(case, case.customer),
        events=await CaseEvent.filter(case=case).select_related("actor").order_by("created_at", "id"),
        agents=await active_agents(),
        canned=await CannedResponse.all().order_by("title"),
        flags=_flags(case, review),
        response=response,
    )


def _flags(case: Case, review: Review | None) -> list[str]:
    reasons = [*case.reasons, *(review.flag_reasons if review else [])]
    return [reason_words(reason) for reason in dict.fromkeys(reasons)]


async def events_after(case_id: int, after: int) -> list[CaseEvent]:
    """The timeline entries added since ``after`` (the last event shown): one indexed query."""
    return await CaseEvent.filter(case_id=case_id, id__gt=after).select_related("actor").order_by("id")


async def case_photo_of(case_id: int, photo_id: int) -> Photo | None:
    """A photo of the review that opened case ``case_id``, whatever its moderation status."""
    case = await Case.get_or_none(id=case_id).only("id", "review_id")
    if case is None or case.review_id is None:
        return None
    return await Photo.get_or_none(id=photo_id, review_id=case.review_id)
