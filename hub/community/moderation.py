"""Staff work on questions and answers: the queue, approve or reject, answer as the brand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from hub.community.answers import after_publish
from hub.community.models import Answer, Question
from hub.feedback.models import ReviewStatus
from hub.staff.accounts import audit
from hub.staff.models import StaffUser

ACTIONS = {"approve": ReviewStatus.PUBLISHED.value, "reject": ReviewStatus.REJECTED.value}
HELD = (ReviewStatus.PENDING.value, ReviewStatus.SPAM.value)
PAGE = 50


@dataclass(frozen=True, slots=True)
class Queue:
    questions: list[Question]
    answers: list[Answer]
    unanswered: list[Question]


async def moderation_queue() -> Queue:
    """Held questions and answers, and published questions nobody has answered yet."""
    questions = await (Question.filter(status__in=HELD).order_by("created_at", "id").limit(PAGE)
                       .prefetch_related("product"))
    answers = await (Answer.filter(status__in=HELD).order_by("created_at", "id").limit(PAGE)
                     .prefetch_related("question__product"))
    answered = Answer.filter(status=ReviewStatus.PUBLISHED.value).values_list("question_id", flat=True)
    unanswered = await (Question.filter(status=ReviewStatus.PUBLISHED.value)
                        .exclude(id__in=list(await answered)).order_by("published_at", "id")
                        .limit(PAGE).prefetch_related("product"))
    return Queue(questions, answers, unanswered)


async def moderate_question(actor: StaffUser, question_id: int, action: str,
                            now: datetime) -> Question | None:
    """Approve or reject one question and audit it; None when there is no such question."""
    async with in_transaction():
        question = await Question.get_or_none(id=question_id)
        if question is None:
            return None
        question.status = ACTIONS[action]
        if action == "approve" and question.published_at is None:
            question.published_at = now
        await question.save(update_fields=["status", "published_at"])
        await audit(actor, f"question.{action}", "question", question.id)
    await question.fetch_related("product")
    return question


async def moderate_answer(actor: StaffUser, answer_id: int, action: str,
                          now: datetime) -> Answer | None:
    """Approve or reject one answer and audit it; None when there is no such answer."""
    async with in_transaction():
        answer = await Answer.get_or_none(id=answer_id)
        if answer is None:
            return None
        answer.status = ACTIONS[action]
        if action == "approve" and answer.published_at is None:
            answer.published_at = now
        await answer.save(update_fields=["status", "published_at"])
        await audit(actor, f"answer.{action}", "answer", answer.id)
    if action == "approve":
        await after_publish(answer)
    await answer.fetch_related("question__product")
    return answer
