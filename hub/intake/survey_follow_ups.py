"""What follows a stored survey answer: a support case, a reopened case, or a review request.

The rules are `hub.surveys.follow_ups`'s. This runs on submit, in a savepoint of the
response's transaction: a follow-up that fails is logged and rolled back alone, and the
answer is stored and thanked exactly as any other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from hub.catalog.models import Customer, Order
from hub.config import Settings
from hub.invites.promoters import ask_promoter, promoter_order
from hub.sentiment.scoring import Assessment
from hub.surveys.follow_ups import is_promoter
from hub.surveys.models import SurveyResponse
from hub.triage.cases import open_case, record, reopen_case
from hub.triage.models import Case
from hub.triage.recovery import record_recovery

log = logging.getLogger(__name__)
SURVEY_CASE = "survey"


@dataclass(frozen=True)
class Answered:
    """A stored response and what was read from it."""

    response: SurveyResponse
    reasons: tuple[str, ...]
    assessment: Assessment
    comment: str
    case_id: int | None  # the case a recovery survey asks about


async def follow_up(settings: Settings, answered: Answered) -> None:
    """Open or reopen a case, or ask a promoter for a review; never raises."""
    try:
        async with in_transaction():  # a savepoint: the response stays whatever happens here
            await _follow_up(settings, answered)
    except Exception:
        log.exception("survey response %s: follow-up failed", answered.response.id)


async def _follow_up(settings: Settings, answered: Answered) -> None:
    response = answered.response
    if answered.case_id is not None:
        await _recovery(settings, answered, answered.case_id)
    elif answered.reasons:
        await _open_survey_case(settings, answered)
    elif is_promoter(response) and response.customer_id is not None:
        await _ask_for_review(settings, response)


async def _open_survey_case(settings: Settings, answered: Answered) -> Case:
    response, assessment = answered.response, answered.assessment
    return await open_case(
        settings,
        reasons=answered.reasons,
        priority=assessment.priority if assessment.flagged else "normal",
        evidence=[(e.start, e.end, e.reason) for e in assessment.evidence],
        survey_response=response,
        customer=await Customer.get_or_none(id=response.customer_id or 0),
        order=await Order.get_or_none(id=response.order_id or 0),
        now=response.submitted_at,
        kind=SURVEY_CASE,
    )


async def _recovery(settings: Settings, answered: Answered, case_id: int) -> None:
    """The answer to "Did we put it right?" is the case's; a bad one reopens it, no new case."""
    response = answered.response
    case = await Case.get(id=case_id)
    if response.csat is not None:
        case = await record_recovery(case_id, response.csat, answered.comment)
    if not answered.reasons:
        return
    before = await reopen_case(settings, case, response.submitted_at)
    if before is not None:
        await record(case, None, "status", **{"from": before, "to": "open", "by": "follow_up_answer"})


async def _ask_for_review(settings: Settings, response: SurveyResponse) -> None:
    customer = await Customer.get(id=response.customer_id)
    order = await promoter_order(customer, response.order_id)
    if order is None:
        return
    invitation = await ask_promoter(settings, customer, order, response.submitted_at)
    if invitation is not None:
        response.review_invitation = invitation
        await response.save(update_fields=["review_invitation_id"])
