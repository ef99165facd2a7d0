"""One survey's answers, one row per response with a column per question, streamed as CSV or JSON Lines.

Responses are read in id order, `BATCH` at a time (keyset paging: the API's `after`), so
an export of any size holds one batch in memory. The customer's e-mail is a column only
for an admin, as in the customers export (`hub.transfer.export`); moderators and API keys
get the customer's id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from hub.staff.accounts import audit
from hub.staff.models import Role, StaffUser
from hub.surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from hub.surveys.rollup import CHOICE_KINDS, LIST_KINDS, chosen
from hub.transfer.export import BATCH, csv_line, jsonl_line

Row = dict[str, Any]
COLUMNS = ("id", "submitted_at", "customer_id", "order", "nps", "csat", "sentiment", "flagged")


def question_column(question: SurveyQuestion) -> str:
    return f"q{question.id} {question.prompt}"


def _answer(question: SurveyQuestion, answer: SurveyAnswer) -> Any:
    if question.kind in LIST_KINDS:
        return chosen(answer)
    if question.kind in CHOICE_KINDS:
        return answer.choice
    return answer.number if answer.number is not None else answer.text


async def response_rows(
    survey: Survey, questions: list[SurveyQuestion], after: int = 0, limit: int = BATCH, emails: bool = False
) -> list[Row]:
    """Up to ``limit`` responses with an id above ``after``, each with every question's answer."""
    fields = ["id", "submitted_at", "customer_id", "order__external_id", "nps", "csat", "sentiment_label"]
    fields += ["flagged", "customer__email"] if emails else ["flagged"]
    responses = await (
        SurveyResponse.filter(survey_id=survey.id, id__gt=after).order_by("id").limit(limit).values(*fields)
    )
    by_id = {q.id: q for q in questions}
    answers: dict[int, dict[int, Any]] = {r["id"]: {} for r in responses}
    for answer in await SurveyAnswer.filter(response_id__in=list(answers) or [0]):
        if answer.question_id in by_id:
            answers[answer.response_id][answer.question_id] = _answer(by_id[answer.question_id], answer)
    return [_row(r, questions, answers[r["id"]], emails) for r in responses]


def _row(response: Row, questions: list[SurveyQuestion], answers: dict[int, Any], emails: bool) -> Row:
    row: Row = {
        "id": response["id"],
        "submitted_at": response["submitted_at"],
        "customer_id": response["customer_id"],
        "order": response["order__external_id"],
        "nps": response["nps"],
        "csat": response["csat"],
        "sentiment": response["sentiment_label"],
        "flagged": response["flagged"],
    }
    if emails:
        row["customer_email"] = response["customer__email"]
    row["answers"] = [{"question_id": q.id, "answer": answers.get(q.id)} for q in questions]
    return row


async def export_lines(survey: Survey, fmt: str, emails: bool) -> AsyncIterator[str]:
    questions = list(await SurveyQuestion.filter(survey=survey).order_by("position", "id"))
    columns = [*COLUMNS, *(["customer_email"] if emails else [])]
    if fmt == "csv":
        yield csv_line([*columns, *map(question_column, questions)])
    after = 0
    while rows := await response_rows(survey, questions, after, BATCH, emails):
        if fmt == "csv":
            yield "".join(
                csv_line([*(r[c] for c in columns), *(a["answer"] for a in r["answers"])]) for r in rows
            )
        else:
            yield "".join(jsonl_line(row) for row in rows)
        after = rows[-1]["id"]


async def start_survey_export(
    actor: StaffUser | None, survey: Survey, fmt: str, channel: str
) -> AsyncIterator[str]:
    """Record the export in the audit log and return its lines; admins' exports carry e-mails."""
    emails = actor is not None and actor.has_role(Role.ADMIN)
    await audit(actor, "export", "survey", survey.id, format=fmt, channel=channel, emails=emails)
    return export_lines(survey, fmt, emails)
