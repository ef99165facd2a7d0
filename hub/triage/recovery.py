"""Recovery: after a resolution, ask the customer whether things were put right."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.expressions import Q

from hub.catalog.models import Customer, Order
from hub.config import Settings
from hub.invites.links import review_url
from hub.links.models import LinkPurpose
from hub.links.tokens import issue_token
from hub.mail.outbox import enqueue
from hub.queue import Queue
from hub.reviews.models import Review
from hub.triage.models import Case, CaseEvent, CaseStatus
from hub.urls import external_url
from hub.webhooks.events import case_data, emit

NEGATIVE_RATING = 2
BATCH = 100


class RecoveryError(ValueError):
    pass


async def _order(order_id: int | None) -> Order | None:
    return await Order.get_or_none(id=order_id) if order_id else None


async def survey_link(settings: Settings, case: Case, customer: Customer) -> str:
    raw = await issue_token(
        LinkPurpose.FOLLOW_UP,
        customer=customer,
        order=await _order(case.order_id),
        subject_type="case",
        subject_id=case.id,
    )
    return external_url(settings, "survey_form", token=raw)


async def review_update_link(settings: Settings, case: Case, customer: Customer) -> str:
    """A link back to a negative review's form, offered once and never pressed; '' if none."""
    review = await Review.get_or_none(id=case.review_id) if case.review_id else None
    if review is None or review.rating > NEGATIVE_RATING or review.order_id is None:
        return ""
    raw = await issue_token(
        LinkPurpose.REVIEW,
        customer=customer,
        order=await _order(review.order_id),
    )
    return review_url(settings, raw)


FOLLOW_UPS: Queue[Case] = Queue(
    name="case_follow_ups",
    model=Case,
    due=lambda now: Q(status=CaseStatus.RESOLVED.value, follow_up_due_at__lte=now, follow_up_sent_at=None),
    order_by=("follow_up_due_at", "id"),
    mark="follow_up_sent_at",
)


async def send_follow_up(settings: Settings, case: Case) -> int:
    """Ask the customer of a claimed, resolved case whether it was put right (one mail)."""
    customer = await Customer.get_or_none(id=case.customer_id) if case.customer_id else None
    if customer is None or not customer.accepts("case_follow_up"):
        await CaseEvent.create(case=case, kind="follow_up", body="Not sent: no reachable customer.")
        return 1
    context = {
        "case": case,
        "reference": case.reference,
        "customer": customer,
        "survey_url": await survey_link(settings, case, customer),
        "review_url": await review_update_link(settings, case, customer),
    }
    # One follow-up per resolution: a case resolved again after a reopen asks again.
    resolution = int(case.resolved_at.timestamp()) if case.resolved_at else 0
    queued = await enqueue(
        settings,
        kind="case_follow_up",
        template="case_follow_up",
        to=customer.email,
        customer=customer,
        context=context,
        reply_to=settings.support_email,
        dedupe_key=f"case-follow-up:{case.id}:{resolution}",
    )
    if queued is None:
        await CaseEvent.create(case=case, kind="follow_up", body="Already sent for this resolution.")
        return 1
    await CaseEvent.create(case=case, kind="follow_up", data={"survey": True})
    return 1


async def send_due_follow_ups(settings: Settings, now: datetime) -> int:
    async def follow_up(case: Case) -> int:
        return await send_follow_up(settings, case)

    return await FOLLOW_UPS.each_in_transaction(now, BATCH, follow_up)


async def record_recovery(case_id: int, csat: int, comment: str) -> Case:
    """The customer's answer to "Did we put things right?" (CSAT 1–5); a resolved case closes."""
    if not 1 <= csat <= 5:
        raise RecoveryError("csat must be 1 to 5")
    now = datetime.now(UTC)
    case = await Case.get(id=case_id)
    case.recovery_csat, case.recovery_comment, case.recovered_at = csat, comment.strip()[:5000], now
    fields = ["recovery_csat", "recovery_comment", "recovered_at", "updated_at"]
    if case.status == CaseStatus.RESOLVED:
        case.status, case.closed_at = CaseStatus.CLOSED.value, now
        fields += ["status", "closed_at"]
    await case.save(update_fields=fields)
    await CaseEvent.create(case=case, kind="recovery", body=case.recovery_comment, data={"csat": csat})
    await emit("case.follow_up_answered", {"case": case_data(case), "csat": csat}, now)
    return case
