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
from hub.surveys.models import SurveyAnswer, SurveyResponse
from hub.triage.assignment import active_agents
from hub.triage.highlight import highlight
from hub.triage.models import CannedResponse, Case, CaseEvent, Priority, Resolution
from hub.triage.sla import is_overdue

HISTORY_LIMIT = 20


@dataclass(frozen=True)
class History:
    customer: Customer
    orders: list[Order]
    lifetime_value: Decimal
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
    priorities: tuple[str, ...] = tuple(p.value for p in reversed(Priority))
    resolutions: tuple[str, ...] = tuple(r.value for r in Resolution)


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


async def _history(case: Case, customer: Customer | None) -> History | None:
    if customer is None:
        return None
    orders = await Order.filter(customer=customer).order_by("-placed_at").limit(HISTORY_LIMIT)
    total = sum(await Order.filter(customer=customer).values_list("total", flat=True), Decimal("0"))
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
    return History(customer, orders, Decimal(total), reviews, cases)


async def _response(case: Case, review: Review | None) -> SurveyResponse | None:
    if case.survey_response_id:
        return await SurveyResponse.get_or_none(id=case.survey_response_id)
    if review is not None:
        return await SurveyResponse.filter(review=review).order_by("-submitted_at").first()
    return None


async def load_case(case_id: int, now: datetime) -> CaseView | None:
    case = await Case.get_or_none(id=case_id).select_related("assignee", "customer", "product")
    if case is None:
        return None
    review = await Review.get_or_none(id=case.review_id) if case.review_id else None
    order = await Order.get_or_none(id=case.order_id) if case.order_id else None
    return CaseView(
        case=case,
        overdue=is_overdue(case, now),
        review=review,
        body=highlight(review.body, case.evidence) if review else Markup(""),
        photos=await Photo.filter(review=review).order_by("id") if review else [],
        answers=await _answers(await _response(case, review)),
        order=order,
        lines=await OrderLine.filter(order=order).select_related("product") if order else [],
        history=await _history(case, case.customer),
        events=await CaseEvent.filter(case=case).select_related("actor").order_by("created_at", "id"),
        agents=await active_agents(),
        canned=await CannedResponse.all().order_by("title"),
    )
