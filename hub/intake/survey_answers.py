"""A customer answering a survey: the link, the answers stored once, a case when flagged, a recovery."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from hub.config import Settings
from hub.intake.survey_follow_ups import Answered, follow_up
from hub.invites.links import LinkUnknown, resolve_token
from hub.links.models import LinkPurpose, LinkToken
from hub.reviews.models import Review
from hub.sentiment.scoring import assess
from hub.surveys.follow_ups import first_number, follow_up_reasons
from hub.surveys.models import QuestionKind, Survey, SurveyAnswer, SurveyResponse
from hub.surveys.rollup import record_response
from hub.surveys.surveys import Answer, SurveyVisit, recovery_survey, survey_visit
from hub.triage.models import Case
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


async def case_agent(case_id: int | None) -> int | None:
    """The agent a recovery survey follows up on: its case's assignee."""
    if case_id is None:
        return None
    case = await Case.get_or_none(id=case_id).only("id", "assignee_id")
    return case.assignee_id if case else None


async def recovery_agents(responses: list[SurveyResponse]) -> dict[int, int]:
    """For `rebuild`: the agent of each response given through a case's follow-up link."""
    by_hash = {r.token_hash: r.id for r in responses if r.token_hash}
    tokens = await LinkToken.filter(token_hash__in=list(by_hash), subject_type="case").values(
        "token_hash", "subject_id"
    )
    case_ids = {t["subject_id"] for t in tokens if t["subject_id"]}
    assignees = dict(
        await Case.filter(id__in=case_ids, assignee_id__isnull=False).values_list("id", "assignee_id")
    )
    return {
        by_hash[t["token_hash"]]: assignees[t["subject_id"]] for t in tokens if t["subject_id"] in assignees
    }


async def submit_response(
    settings: Settings, visit: SurveyVisit, answers: dict[int, Answer]
) -> SurveyResponse | None:
    """Store one response with its answers, then what follows it (hub.intake.survey_follow_ups).

    Returns None when the link was already answered.
    """
    if visit.survey is None or visit.answered:
        return None
    try:
        async with in_transaction():
            answered = await _store(visit, answers)
            response = answered.response
            await record_response(response, agent_id=await case_agent(visit.case_id))
            await follow_up(settings, answered)
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


async def _store(visit: SurveyVisit, answers: dict[int, Answer]) -> Answered:
    texts = "\n".join(answers[q.id].text for q in visit.questions if q.id in answers and answers[q.id].text)
    scores = [(q.kind, answers[q.id].number) for q in visit.questions if q.id in answers]
    nps = first_number(scores, QuestionKind.NPS)
    assessment = assess(texts, nps=nps)
    response = SurveyResponse(
        survey=visit.survey,
        customer_id=visit.customer_id,
        order_id=visit.order_id,
        review=await _review(visit.order_id),
        token_hash=visit.response_hash,
        nps=nps,
        csat=first_number(scores, QuestionKind.CSAT),
        sentiment_label=assessment.label,
        submitted_at=datetime.now(UTC),
    )
    reasons = follow_up_reasons(response, scores, assessment)
    response.flagged = bool(reasons)
    await response.save()
    await _spend_links(visit, response.submitted_at)
    await SurveyAnswer.bulk_create(
        [
            SurveyAnswer(response=response, question_id=question_id, number=number, text=text, choice=choice)
            for question_id, answer in answers.items()
            for number, text, choice in answer.rows()
        ]
    )
    comment = next((a.text for a in answers.values() if a.text), "")
    return Answered(response, reasons, assessment, comment, visit.case_id)


async def _spend_links(visit: SurveyVisit, at: datetime) -> None:
    """A survey link is spent by its answer (the page says so when it is opened again), and so
    are the customer's other links to the same survey: the reminder's fresh link, a resend."""
    await LinkToken.filter(token_hash=visit.response_hash, used_at=None).update(used_at=at)
    if visit.customer_id is not None and visit.survey is not None:
        await LinkToken.filter(
            purpose=LinkPurpose.SURVEY,
            subject_type="survey",
            subject_id=visit.survey.id,
            customer_id=visit.customer_id,
            used_at=None,
        ).update(used_at=at)


async def _review(order_id: int | None) -> Review | None:
    return await Review.filter(order_id=order_id).order_by("-submitted_at").first() if order_id else None
