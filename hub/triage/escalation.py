"""Escalating overdue cases: once per case, claimed through ``hub.queue`` with its writes."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import Q

from hub.config import Settings
from hub.mail.outbox import enqueue
from hub.queue import Queue
from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.triage.models import Case, CaseEvent
from hub.triage.sla import raised

BATCH = 100

ESCALATIONS: Queue[Case] = Queue(
    name="case_sla",
    model=Case,
    due=lambda now: Case.late_q(now) & Q(escalated_at=None),
    order_by=("breach_at", "id"),
    mark="escalated_at",
)


async def escalate(settings: Settings, case: Case) -> int:
    """Raise a claimed case's priority, note it, and tell its assignee (or the team)."""
    new_priority = raised(case.priority)
    await Case.filter(id=case.id).update(priority=new_priority)
    assignee = await StaffUser.get_or_none(id=case.assignee_id) if case.assignee_id else None
    to = assignee.email if assignee else settings.support_email
    await CaseEvent.create(
        case=case,
        kind="escalated",
        data={"from": case.priority, "to": new_priority, "notified": "assignee" if assignee else "team"},
    )
    await audit(None, "case.escalated", "case", case.id, to=new_priority)
    await enqueue(
        settings,
        kind="case_escalation",
        template="case_escalation",
        to=to,
        context={
            "case": case,
            "reference": case.reference,
            "priority": new_priority,
            "assignee": assignee,
            "case_url": case_admin_url(settings, case),
        },
        dedupe_key=f"case-escalation:{case.id}",
    )
    return 1


def case_admin_url(settings: Settings, case: Case) -> str:
    from hub.urls import external_url

    return external_url(settings, "case_detail", case_id=case.id)


async def escalate_overdue(settings: Settings, now: datetime) -> int:
    async def handle(case: Case) -> int:
        return await escalate(settings, case)

    return await ESCALATIONS.each_in_transaction(now, BATCH, handle)
