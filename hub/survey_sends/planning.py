"""Setting up a survey send: what the admin's form says, checked once, stored as one row the worker picks up.

The web request only validates and inserts (`create_send`): expanding a segment into one
delivery per customer is the worker's (`hub.survey_sends.jobs`), however big the segment.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.functions import Count

from hub.advocacy.segments import Segment, check_catalog
from hub.advocacy.sql import fetch
from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.survey_sends.models import SendEvent, SendKind, SendStatus, SkipReason, SurveyDelivery, SurveySend
from hub.surveys.models import Survey
from hub.web.errors import InvalidInput
from hub.web.params import Values, choice, moment, whole

UNITS = ("days", "months")
EVENT_LABELS = {
    SendEvent.DELIVERED: "days after an order is delivered",
    SendEvent.FULFILLED: "days after an order is fulfilled (shipped)",
    SendEvent.CASE_RESOLVED: "days after the customer's case is resolved",
    SendEvent.SECOND_ORDER: "days after the customer's second order",
    SendEvent.AT_RISK: "days after the customer becomes at risk",
}


@dataclass(frozen=True)
class SendPlan:
    """The send half of the form: when, how often, and the reminder."""

    kind: str
    start_at: datetime | None = None
    every: int | None = None
    unit: str = ""
    event: str = ""
    event_delay_days: int = 0
    reminder_days: int | None = None

    @classmethod
    def parse(cls, form: Mapping[str, str]) -> SendPlan:
        values = Values(form)
        kind = values.read(choice, "kind", [k.value for k in SendKind], required=True) or ""
        plan = cls(
            kind=kind,
            start_at=values.read(moment, "start_at") if kind != SendKind.EVENT else None,
            every=values.read(whole, "every", low=1, high=365, required=kind == SendKind.RECURRING),
            unit=values.read(choice, "unit", UNITS, default="days") or "days",
            event=values.read(choice, "event", [e.value for e in SendEvent], required=kind == SendKind.EVENT)
            or "",
            event_delay_days=values.read(whole, "event_delay_days", low=0, high=365, default=0) or 0,
            reminder_days=values.read(whole, "reminder_days", low=1, high=60),
        )
        values.check()
        return plan


def advance(moment: datetime, every: int, unit: str) -> datetime:
    """``every`` days or calendar months after ``moment`` (the 31st becomes the month's last day)."""
    if unit == "days":
        return moment + timedelta(days=every)
    months = moment.month - 1 + every
    year, month = moment.year + months // 12, months % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def period(send: SurveySend) -> timedelta:
    """A recurring send's period (a month counted as 30 days)."""
    every = send.every or 1
    return timedelta(days=every * (30 if send.unit == "months" else 1))


async def create_send(
    actor: StaffUser, survey: Survey, segment: Segment, plan: SendPlan, now: datetime | None = None
) -> SurveySend:
    """Store the send; the worker expands it. `InvalidInput` (422) for an inactive survey or a bad segment."""
    if not survey.is_active:
        raise InvalidInput.one("survey", "activate the survey before sending it")
    await check_catalog(segment)
    now = now or datetime.now(UTC)
    event = plan.kind == SendKind.EVENT
    send = await SurveySend.create(
        survey=survey,
        kind=plan.kind,
        segment=segment.as_dict(),
        every=plan.every if plan.kind == SendKind.RECURRING else None,
        unit=plan.unit if plan.kind == SendKind.RECURRING else "",
        event=plan.event if event else "",
        event_delay_days=plan.event_delay_days if event else 0,
        reminder_days=plan.reminder_days,
        status=SendStatus.LISTENING.value if event else SendStatus.SCHEDULED.value,
        next_run_at=None if event else max(plan.start_at or now, now),
        created_by=actor,
    )
    await audit(actor, "survey.send_create", "survey", survey.id, send_id=send.id, kind=plan.kind)
    return send


async def stop_send(actor: StaffUser, send: SurveySend) -> None:
    """No more rounds or events; deliveries not yet mailed are skipped when their turn comes."""
    await SurveySend.filter(id=send.id).update(status=SendStatus.STOPPED.value)
    await audit(actor, "survey.send_stop", "survey", send.survey_id, send_id=send.id)


@dataclass(frozen=True)
class SendCounts:
    queued: int = 0
    sent: int = 0
    reminded: int = 0
    answered: int = 0
    skipped: dict[str, int] | None = None

    @property
    def skipped_total(self) -> int:
        return sum((self.skipped or {}).values())


_ANSWERED = (
    "SELECT COUNT(*) AS n FROM survey_delivery d WHERE d.send_id = ? AND d.status = 'sent' AND EXISTS ("
    "SELECT 1 FROM survey_response r WHERE r.survey_id = ? AND r.customer_id = d.customer_id"
    " AND r.submitted_at >= d.sent_at)"
)


async def send_counts(send: SurveySend) -> SendCounts:
    """Queued, sent, reminded, skipped by reason, and answered (a response after the mail)."""
    rows = (
        await SurveyDelivery.filter(send_id=send.id)
        .annotate(n=Count("id"))
        .group_by("status", "skip_reason")
        .values_list("status", "skip_reason", "n")
    )
    by_status: dict[str, int] = {}
    skipped = {reason.value: 0 for reason in SkipReason}
    for status, reason, n in rows:
        by_status[str(status)] = by_status.get(str(status), 0) + int(str(n))
        if reason:
            skipped[str(reason)] = int(str(n))
    reminded = await SurveyDelivery.filter(send_id=send.id, reminded_at__not_isnull=True).count()
    answered = await fetch(_ANSWERED, [send.id, send.survey_id])
    return SendCounts(
        queued=by_status.get("queued", 0),
        sent=by_status.get("sent", 0),
        reminded=reminded,
        answered=int(answered[0]["n"]),
        skipped=skipped,
    )
