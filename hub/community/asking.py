"""Asking past buyers to answer a question, and telling the asker that it was answered.

A buyer is a customer with a (not cancelled) order of the product or a variant, who still
takes review requests and was not asked about any question in the last 30 days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from hub.catalog.models import Customer, MailKind, OrderLine
from hub.community.models import AnswerRequest, Question
from hub.community.products import variant_ids
from hub.config import Settings
from hub.links.models import LinkPurpose
from hub.links.tokens import issue_token
from hub.mail.outbox import enqueue
from hub.urls import external_url

BUYERS_PER_QUESTION = 5
ASK_EVERY = timedelta(days=30)
CANDIDATES = 500


async def _recent_buyer_ids(product_ids: list[int]) -> list[int]:
    """Buyers of the products, most recent order first, each once."""
    rows = await (
        OrderLine.filter(product_id__in=product_ids, order__cancelled_at=None)
        .order_by("-order__placed_at", "-id")
        .limit(CANDIDATES)
        .values_list("order__customer_id", flat=True)
    )
    return list(dict.fromkeys(int(customer_id) for customer_id in rows))  # type: ignore[call-overload]


async def _recently_asked(customer_ids: list[int], now: datetime) -> set[int]:
    rows = await AnswerRequest.filter(customer_id__in=customer_ids, sent_at__gte=now - ASK_EVERY).values_list(
        "customer_id", flat=True
    )
    return {int(customer_id) for customer_id in rows}  # type: ignore[call-overload]


async def buyers_to_ask(question: Question, now: datetime) -> list[Customer]:
    """Up to five past buyers who may be asked to answer `question`."""
    candidates = await _recent_buyer_ids(await variant_ids(question.product))
    asked = await _recently_asked(candidates, now)
    wanted = [customer_id for customer_id in candidates if customer_id not in asked]
    customers = {customer.id: customer for customer in await Customer.filter(id__in=wanted)}
    eligible = [customers[customer_id] for customer_id in wanted if customer_id in customers]
    return [
        customer
        for customer in eligible
        if customer.accepts(MailKind.REVIEW_REQUESTS.value) and customer.email != question.asker_email
    ][:BUYERS_PER_QUESTION]


async def answer_url(settings: Settings, question: Question, customer: Customer, now: datetime) -> str:
    raw = await issue_token(
        LinkPurpose.ANSWER,
        customer=customer,
        subject_type="question",
        subject_id=question.id,
        now=now,
    )
    return external_url(settings, "answer_form", token=raw)


async def ask_one(settings: Settings, question: Question, customer: Customer, now: datetime) -> bool:
    """Record the request and queue its mail; False when this buyer was asked already."""
    try:
        async with in_transaction():  # a savepoint: the job's transaction goes on after a refusal
            await AnswerRequest.create(question=question, customer=customer, sent_at=now)
    except IntegrityError:
        return False
    context = {
        "customer": customer,
        "question": question,
        "product": question.product,
        "answer_url": await answer_url(settings, question, customer, now),
    }
    await enqueue(
        settings,
        kind="answer_request",
        template="question_answer_request",
        context=context,
        to=customer.email,
        customer=customer,
        dedupe_key=f"answer_request:{question.id}:{customer.id}",
    )
    return True


async def ask_buyers_of(settings: Settings, question: Question, now: datetime) -> int:
    await question.fetch_related("product")
    asked = 0
    for customer in await buyers_to_ask(question, now):
        asked += await ask_one(settings, question, customer, now)
    return asked


async def notify_asker(settings: Settings, question: Question) -> bool:
    """The one mail telling the asker their question has an answer; only to a confirmed address."""
    if question.asker_confirmed_at is None:
        return False
    await question.fetch_related("product")
    customer = await Customer.get_or_none(email=question.asker_email)
    if customer is not None and not customer.accepts(MailKind.THANKS.value):
        return False
    page = external_url(settings, "question_fragment", sku=question.product.external_id)
    context = {"question": question, "product": question.product, "question_url": page}
    sent = await enqueue(
        settings,
        kind="question_answered",
        template="question_answered",
        context=context,
        to=question.asker_email,
        customer=customer,
        dedupe_key=f"question_answered:{question.id}",
    )
    return sent is not None
