"""One delivery: mailed with a fresh survey link, or skipped with the reason; then its one reminder.

Both run inside the transaction that claimed the delivery (``hub.queue.each_in_transaction``),
so the outbox row, the link and the delivery's new state commit together or not at all.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hub.catalog.models import Customer, MailKind, Order
from hub.config import Settings
from hub.mail.caps import next_free_slot
from hub.mail.outbox import enqueue
from hub.mail.suppression import suppressed
from hub.survey_sends.models import (
    DeliveryStatus,
    SendKind,
    SendStatus,
    SkipReason,
    SurveyDelivery,
    SurveySend,
)
from hub.survey_sends.planning import period
from hub.surveys.models import Survey, SurveyResponse
from hub.surveys.surveys import issue_survey_link


async def skip_reason(settings: Settings, customer: Customer, now: datetime) -> str:
    """Why this customer gets no survey mail now, or "" when they may."""
    if not customer.email or not customer.accepts(MailKind.SURVEYS.value):
        return SkipReason.UNSUBSCRIBED.value
    if await suppressed([customer.email]):
        return SkipReason.SUPPRESSED.value
    if await next_free_slot(settings, customer.id, now) is not None:
        return SkipReason.CAP.value
    return ""


async def _recently_surveyed(send: SurveySend, delivery: SurveyDelivery, now: datetime) -> bool:
    """A recurring round skips whoever answered or was sent this survey within half its period."""
    if send.kind != SendKind.RECURRING:
        return False
    since = now - period(send) / 2
    if await SurveyResponse.exists(
        survey_id=send.survey_id, customer_id=delivery.customer_id, submitted_at__gt=since
    ):
        return True
    others = SurveyDelivery.filter(
        send__survey_id=send.survey_id, customer_id=delivery.customer_id, status=DeliveryStatus.SENT.value
    )
    return await others.filter(sent_at__gt=since).exclude(id=delivery.id).exists()


async def _skip(delivery: SurveyDelivery, reason: str) -> int:
    await SurveyDelivery.filter(id=delivery.id).update(
        status=DeliveryStatus.SKIPPED.value, skip_reason=reason
    )
    return 0


async def _why_not(
    settings: Settings,
    send: SurveySend,
    survey: Survey,
    customer: Customer,
    delivery: SurveyDelivery,
    now: datetime,
) -> str:
    if send.status == SendStatus.STOPPED or not survey.is_active:
        return SkipReason.INACTIVE.value
    if await _recently_surveyed(send, delivery, now):
        return SkipReason.RECENT.value
    return await skip_reason(settings, customer, now)


async def deliver(settings: Settings, delivery: SurveyDelivery, now: datetime) -> int:
    """Queue the survey mail of ``delivery`` (1), or mark it skipped with the reason (0)."""
    send = await SurveySend.get(id=delivery.send_id)
    survey = await Survey.get(id=send.survey_id)
    customer = await Customer.get(id=delivery.customer_id)
    reason = await _why_not(settings, send, survey, customer, delivery, now)
    if reason:
        return await _skip(delivery, reason)
    await _mail(settings, survey, customer, delivery, "survey", now)
    remind_at = now + timedelta(days=send.reminder_days) if send.reminder_days else None
    await SurveyDelivery.filter(id=delivery.id).update(
        status=DeliveryStatus.SENT.value, sent_at=now, remind_at=remind_at
    )
    return 1


async def remind(settings: Settings, delivery: SurveyDelivery, now: datetime) -> int:
    """Queue the one reminder, unless the customer answered meanwhile or may not be mailed."""
    send = await SurveySend.get(id=delivery.send_id)
    survey = await Survey.get(id=send.survey_id)
    customer = await Customer.get(id=delivery.customer_id)
    answered = await SurveyResponse.exists(
        survey_id=survey.id, customer_id=customer.id, submitted_at__gte=delivery.sent_at
    )
    if (
        answered
        or send.status == SendStatus.STOPPED
        or not survey.is_active
        or await skip_reason(settings, customer, now)
    ):
        await SurveyDelivery.filter(id=delivery.id).update(remind_at=None)
        return 0
    await _mail(settings, survey, customer, delivery, "survey_reminder", now)
    await SurveyDelivery.filter(id=delivery.id).update(reminded_at=now)
    return 1


async def _mail(
    settings: Settings,
    survey: Survey,
    customer: Customer,
    delivery: SurveyDelivery,
    kind: str,
    now: datetime,
) -> None:
    order = await Order.get_or_none(id=delivery.order_id) if delivery.order_id else None
    context: dict[str, Any] = {
        "customer_name": customer.first_name,
        "survey_name": survey.name,
        "survey_url": await issue_survey_link(settings, survey, customer, order),
        "order_number": order.external_id if order else "",
    }
    await enqueue(
        settings,
        kind=kind,
        template=kind,
        context=context,
        to=customer.email,
        customer=customer,
        dedupe_key=f"survey_delivery:{delivery.id}:{kind}",
        send_at=now,
    )
