"""A customer answering a survey: the link, the answers stored once, a case when flagged, a recovery."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from hub.catalog.models import Customer, Order
from hub.config import Settings
from hub.invites.links import LinkUnknown, resolve_token
from hub.links.models import LinkPurpose, LinkToken
from hub.reviews.models import Review
from hub.sentiment.scoring import Assessment, assess
from hub.surveys.models import QuestionKind, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from hub.surveys.surveys import Answer, SurveyVisit, recovery_survey, survey_visit
from hub.triage.cases import open_case
from hub.triage.models import Case
from hub.triage.recovery import record_recovery
from hub.webhooks.events import emit, iso


async def open_survey_link(settings: Settings, raw: str) -> SurveyVisit:
    """The survey a `/s/` link names: a survey by id, or the recovery survey of a case."""
    token = await resolve_token(raw, LinkPurpose.SURVEY, LinkPurpose.FOLLOW_UP)
    if (
        token.purpose == LinkPurpose.FOLLOW_UP
        and token.subject_type == "case"
        and token.subject_id
        and await Case.exists(id=token.subject_id)
    ):
        return await survey_visit(await recovery_survey(settings), token.token_hash, token, token.subject_id)
    if token.purpose == LinkPurpose.SURVEY and token.subject_type == "survey" and token.subject_id:
        survey = await Survey.get_or_none(id=token.subject_id, is_active=True)
        if survey is not None:
            return await survey_visit(survey, token.token_hash, token)
    raise LinkUnknown


def _first(questions: list[SurveyQuestion], answers: dict[int, Answer], kind: str) -> int | None:
    numbers = [answers[q.id].number for q in questions if q.kind == kind and q.id in answers]
    return numbers[0] if numbers else None


async def submit_response(
    settings: Settings, visit: SurveyVisit, answers: dict[int, Answer]
) -> SurveyResponse | None:
    """Store one response with its answers, its case when flagged and any recovery.

    Returns None when the link was already answered.
    """
    if visit.survey is None or visit.answered:
        return None
    try:
        async with in_transaction():
            response, assessment = await _store(visit, answers)
            await _follow_up(settings, visit, response, assessment, answers)
            await emit("survey.response", response_data(response), response.submitted_at)
    except IntegrityError:  # the same link submitted twice at once
        return None
    return response


def response_data(response: SurveyResponse) -> dict[str, Any]:
    """Scores and ids; the answers' text stays in the hub."""
    return {
        "survey_response": {
            "id": response.id,
            "survey_id": response.survey_id,
            "customer_id": response.customer_id,
            "order_id": response.order_id,
            "nps": response.nps,
            "csat": response.csat,
            "sentiment": response.sentiment_label,
            "flagged": response.flagged,
            "submitted_at": iso(response.submitted_at),
        }
    }


async def _store(visit: SurveyVisit, answers: dict[int, Answer]) -> tuple[SurveyResponse, Assessment]:
    texts = "\n".join(answers[q.id].text for q in visit.questions if q.id in answers and answers[q.id].text)
    nps = _first(visit.questions, answers, QuestionKind.NPS)
    assessment = assess(texts, nps=nps)
    response = await SurveyResponse.create(
        survey=visit.survey,
        customer_id=visit.customer_id,
        order_id=visit.order_id,
        review=await _review(visit.order_id),
        token_hash=visit.response_hash,
        nps=nps,
        csat=_first(visit.questions, answers, QuestionKind.CSAT),
        sentiment_label=assessment.label,
        flagged=assessment.flagged,
        submitted_at=datetime.now(UTC),
    )
    # A survey link is spent by its answer (the page says so when it is opened again).
    await LinkToken.filter(token_hash=visit.response_hash, used_at=None).update(used_at=response.submitted_at)
    await SurveyAnswer.bulk_create(
        [
            SurveyAnswer(
                response=response, question_id=question_id, number=a.number, text=a.text, choice=a.choice
            )
            for question_id, a in answers.items()
        ]
    )
    return response, assessment


async def _review(order_id: int | None) -> Review | None:
    return await Review.filter(order_id=order_id).order_by("-submitted_at").first() if order_id else None


async def _follow_up(
    settings: Settings,
    visit: SurveyVisit,
    response: SurveyResponse,
    assessment: Assessment,
    answers: dict[int, Answer],
) -> None:
    if assessment.flagged:
        await open_case(
            settings,
            reasons=assessment.reasons,
            priority=assessment.priority,
            evidence=[(e.start, e.end, e.reason) for e in assessment.evidence],
            survey_response=response,
            customer=await Customer.get_or_none(id=visit.customer_id or 0),
            order=await Order.get_or_none(id=visit.order_id or 0),
        )
    if visit.case_id is not None and response.csat is not None:
        comment = next((a.text for a in answers.values() if a.text), "")
        await record_recovery(visit.case_id, response.csat, comment)
