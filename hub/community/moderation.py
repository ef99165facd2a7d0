"""Staff work on questions and answers: the queue, approve or reject, answer as the brand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from tortoise.transactions import in_transaction

from hub.community.answers import after_publish, emit_answered
from hub.community.models import Answer, Question
from hub.config import Settings
from hub.reviews.models import ReviewStatus
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
    questions = await (
        Question.filter(status__in=HELD).order_by("created_at", "id").limit(PAGE).prefetch_related("product")
    )
    answers = await (
        Answer.filter(status__in=HELD)
        .order_by("created_at", "id")
        .limit(PAGE)
        .prefetch_related("question__product")
    )
    answered = Answer.public().values_list("question_id", flat=True)
    unanswered = await (
        Question.public()
        .exclude(id__in=list(await answered))
        .order_by("published_at", "id")
        .limit(PAGE)
        .prefetch_related("product")
    )
    return Queue(questions, answers, unanswered)


Moderated = TypeVar("Moderated", Question, Answer)


async def _set_status(
    model: type[Moderated], actor: StaffUser, item_id: int, action: str, now: datetime
) -> Moderated | None:
    """Approve or reject one question or answer and audit it; None when there is no such item."""
    kind = model.__name__.lower()
    async with in_transaction():
        item = await model.get_or_none(id=item_id)
        if item is None:
            return None
        item.status = ACTIONS[action]
        first_published = action == "approve" and item.published_at is None
        if first_published:
            item.published_at = now
        await item.save(update_fields=["status", "published_at"])
        await audit(actor, f"{kind}.{action}", kind, item.id)
        if first_published and isinstance(item, Answer):
            await emit_answered(item, now)
    return item


async def moderate_question(
    actor: StaffUser, question_id: int, action: str, now: datetime
) -> Question | None:
    """As `_set_status`; an approved question may be mailed to past buyers (see `jobs.ask_buyers`)."""
    question = await _set_status(Question, actor, question_id, action, now)
    if question is None:
        return None
    if action == "approve" and question.approved_at is None:
        question.approved_at = now
        await question.save(update_fields=["approved_at"])
    await question.fetch_related("product")
    return question


async def moderate_answer(
    actor: StaffUser, answer_id: int, action: str, now: datetime, *, settings: Settings | None = None
) -> Answer | None:
    """As for a question; publishing an answer also tells the asker and credits the answerer."""
    answer = await _set_status(Answer, actor, answer_id, action, now)
    if answer is None:
        return None
    if action == "approve":
        await after_publish(answer, settings)
    await answer.fetch_related("question__product")
    return answer
