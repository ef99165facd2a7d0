"""Answers: from a past buyer through a mailed link or from the brand; votes; the badge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from hub.advocacy.models import Award
from hub.advocacy.points import earn_for_answer
from hub.catalog.models import Customer
from hub.community import screening
from hub.community.models import Answer, AnswerVote, Question
from hub.community.products import bought, variant_ids
from hub.config import Settings
from hub.links.models import LinkPurpose
from hub.links.tokens import LinkUnknown, resolve_token
from hub.reviews.models import ReviewStatus
from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.web.ratelimit import limiter
from hub.webhooks.events import emit, iso
from hub.widget.votes import VOTER_ID, VoteError, voter_hash

PUBLISHED = ReviewStatus.PUBLISHED.value
BADGE = "helpful_answerer"
BADGE_AFTER = 3


@dataclass(frozen=True, slots=True)
class AnswerVisit:
    """What an answer link opens: the question and the buyer asked to answer it."""

    question: Question
    customer: Customer
    answer: Answer | None


async def open_answer_link(raw: str, now: datetime) -> AnswerVisit:
    """`LinkUnknown` or `LinkExpired` for a link that opens nothing."""
    token = await resolve_token(raw, LinkPurpose.ANSWER, now=now)
    question = await Question.get_or_none(id=token.subject_id).prefetch_related("product")
    customer = await Customer.get_or_none(id=token.customer_id, erased_at=None)
    if token.subject_type != "question" or question is None or customer is None:
        raise LinkUnknown
    if not question.is_public:
        raise LinkUnknown
    answer = await Answer.get_or_none(question_id=question.id, customer_id=customer.id)
    return AnswerVisit(question, customer, answer)


def public_name(customer: Customer) -> str:
    """The opted-in profile name, else the first name and the initial of the last."""
    if customer.profile_opt_in_at and customer.profile_name:
        return customer.profile_name
    parts = customer.name.split()
    if not parts:
        return "A buyer"
    return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0]}."


async def answer_as_buyer(
    settings: Settings, visit: AnswerVisit, body: str, *, honeypot: str, now: datetime
) -> Answer:
    """Store the buyer's one answer through the pipeline; `SubmissionError` when refused."""
    if visit.answer is not None:
        raise screening.SubmissionError("body", "you have already answered this question")
    text = screening.clean_body("body", body, screening.ANSWER_LIMIT)
    decision = screening.screen(settings, text, honeypot=honeypot)
    ids = await variant_ids(visit.question.product)
    answer = await Answer.create(
        question=visit.question,
        customer=visit.customer,
        body=decision.text.body,
        display_name=public_name(visit.customer),
        status=decision.status.value,
        status_reason=decision.reason,
        verified_buyer=await bought(visit.customer.id, ids),
        published_at=now if decision.published else None,
    )
    if decision.published:
        await after_publish(answer, settings)
        await emit_answered(answer, now)
    return answer


async def emit_answered(answer: Answer, now: datetime) -> None:
    """question.answered: the published answer as the product page shows it."""
    data = {
        "question": {"id": answer.question_id, "product_id": await _product_of(answer.question_id)},
        "answer": {
            "id": answer.id,
            "body": answer.body,
            "display_name": answer.display_name or "A buyer",
            "brand": answer.is_brand,
            "verified_buyer": answer.verified_buyer,
            "published_at": iso(answer.published_at),
        },
    }
    await emit("question.answered", data, now)


async def _product_of(question_id: int) -> int | None:
    return await Question.filter(id=question_id).first().values_list("product_id", flat=True)  # type: ignore[return-value]


async def answer_as_brand(
    settings: Settings, actor: StaffUser, question_id: int, body: str, now: datetime
) -> Answer | None:
    """A staff answer, published at once under the brand's name; None without the question."""
    question = await Question.get_or_none(id=question_id)
    if question is None:
        return None
    text = screening.clean_body("body", body, screening.ANSWER_LIMIT)
    answer = await Answer.create(
        question=question,
        staff=actor,
        body=text,
        is_brand=True,
        display_name=settings.brand_name,
        status=PUBLISHED,
        status_reason="brand",
        published_at=now,
    )
    await audit(actor, "answer.create", "answer", answer.id, question=question.id)
    await emit_answered(answer, now)
    return answer


async def answers_by_customer(customer_ids: list[int]) -> dict[int, int]:
    """Published answers per customer, for the advocate score; customers without any are left out."""
    rows = await (
        Answer.public()
        .filter(customer_id__in=customer_ids)
        .group_by("customer_id")
        .annotate(n=Count("id"))
        .values_list("customer_id", "n")
    )
    return {int(customer_id): int(n) for customer_id, n in rows}


async def after_publish(answer: Answer, settings: Settings | None = None) -> None:
    """A published answer earns the shop's points for answering (``points_for_answer``), once;
    the third published answer of a customer earns the "helpful_answerer" badge, once."""
    customer_id: int | None = answer.customer_id
    if customer_id is None:
        return
    if settings is not None:
        await earn_for_answer(settings, customer_id, answer.id)
    if (await answers_by_customer([customer_id])).get(customer_id, 0) < BADGE_AFTER:
        return
    try:
        await Award.get_or_create(
            customer_id=customer_id, badge=BADGE, defaults={"note": f"{BADGE_AFTER} published answers"}
        )
    except IntegrityError:  # another process gave it first
        return


async def vote_for_answer(settings: Settings, answer_id: int, voter: str, ip: str | None) -> tuple[bool, int]:
    """Count one helpful vote per browser: (counted, helpful count)."""
    if not VOTER_ID.match(voter):
        raise VoteError(422, "voter", "must be 16–64 letters, digits, - or _")
    if not await Answer.public().filter(id=answer_id).exists():
        raise VoteError(404, "answer", "there is no such published answer")
    if ip and not limiter.allows(settings.rate_limits, "vote_ip", ip):
        raise VoteError(429, "rate", "too many votes from this address; try again later")
    counted = await _record_vote(answer_id, voter_hash(settings, voter))
    helpful = await Answer.filter(id=answer_id).values_list("helpful_count", flat=True)
    return counted, int(helpful[0])  # type: ignore[call-overload]


async def _record_vote(answer_id: int, digest: str) -> bool:
    try:
        async with in_transaction():
            await AnswerVote.create(answer_id=answer_id, voter_hash=digest)
            await Answer.filter(id=answer_id).update(helpful_count=F("helpful_count") + 1)
    except IntegrityError:
        return False
    return True
