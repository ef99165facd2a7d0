"""Asking a question about a product, and the published questions with their answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.catalog.models import Order, Product
from hub.community import screening
from hub.community.confirming import ask_to_confirm
from hub.community.models import Answer, Question
from hub.community.products import variant_ids
from hub.config import Settings
from hub.reviews.models import ReviewStatus
from hub.webhooks.events import emit, iso

PUBLISHED = ReviewStatus.PUBLISHED.value
MAX_QUESTIONS = 50
DEFAULT_QUESTIONS = 10
# Brand answers first, then the most helpful, then the oldest.
BEST_FIRST = ("-is_brand", "-helpful_count", "published_at", "id")


@dataclass(frozen=True, slots=True)
class QuestionIn:
    email: str
    body: str
    name: str = ""
    honeypot: str = ""
    ip: str | None = None


async def _duplicate(product: Product, email: str, body: str) -> bool:
    return await Question.exists(product_id=product.id, asker_email=email, body=body)


async def known_asker(email: str) -> bool:
    """A customer of the shop: someone with this address placed an order that stands."""
    return await Order.filter(customer__email=email, customer__erased_at=None, cancelled_at=None).exists()


async def ask_question(settings: Settings, product: Product, entry: QuestionIn, now: datetime) -> Question:
    """Store one question through the pipeline and the holds, and mail the asker a link to
    confirm the address; `SubmissionError` when it is refused."""
    body = screening.clean_body("body", entry.body, screening.QUESTION_LIMIT)
    email = screening.clean_email(entry.email)
    name = screening.clean_name(entry.name)
    screening.allow_ip(settings, entry.ip)
    screening.allow_asking(settings, email, product.id)
    decision = screening.screen(
        settings, body, honeypot=entry.honeypot, duplicate=await _duplicate(product, email, body)
    )
    holds = screening.hold_reasons(body, name, known_asker=await known_asker(email))
    status, reason = screening.question_verdict(decision, holds)
    question = await Question.create(
        product=product,
        asker_email=email,
        asker_name=name,
        body=decision.text.body,
        status=status.value,
        status_reason=reason,
        published_at=now if status is ReviewStatus.PUBLISHED else None,
    )
    if status is not ReviewStatus.SPAM:
        await ask_to_confirm(settings, question, now)
        await emit("question.asked", question_data(question), now)
    return question


def question_data(question: Question) -> dict[str, Any]:
    """The question's ids and state; its text only once published, never the asker's name or address."""
    shown: dict[str, Any] = {
        "id": question.id,
        "product_id": question.product_id,
        "status": question.status,
        "created_at": iso(question.created_at),
        "published_at": iso(question.published_at),
    }
    if question.published_at is not None:
        shown["body"] = question.body
    return {"question": shown}


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "id": answer.id,
        "body": answer.body,
        "author": answer.display_name or "A buyer",
        "brand": answer.is_brand,
        "verified_buyer": answer.verified_buyer,
        "helpful": answer.helpful_count,
        "date": answer.published_at.isoformat() if answer.published_at else None,
    }


def question_json(question: Question, answers: list[Answer]) -> dict[str, Any]:
    return {
        "id": question.id,
        "body": question.body,
        "author": question.asker_name or "A shopper",
        "date": question.published_at.isoformat() if question.published_at else None,
        "answers": [answer_json(answer) for answer in answers],
    }


async def published_answers(question_ids: list[int]) -> dict[int, list[Answer]]:
    """Each question's published answers, best first."""
    found: dict[int, list[Answer]] = {question_id: [] for question_id in question_ids}
    rows = await Answer.public().filter(question_id__in=question_ids).order_by(*BEST_FIRST)
    for answer in rows:
        found[answer.question_id].append(answer)
    return found


async def product_questions(product: Product, limit: int = DEFAULT_QUESTIONS) -> list[dict[str, Any]]:
    """The product's (and its variants') published questions, newest first, with answers."""
    ids = await variant_ids(product)
    questions = await (
        Question.public()
        .filter(product_id__in=ids)
        .order_by("-published_at", "-id")
        .limit(min(limit, MAX_QUESTIONS))
    )
    answers = await published_answers([question.id for question in questions])
    return [question_json(question, answers[question.id]) for question in questions]
