"""Escalating overdue cases: once per case, claimed with a conditional update."""

from __future__ import annotations

from datetime import datetime

from hub.config import Settings
from hub.mail.outbox import enqueue
from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.triage.models import Case, CaseEvent
from hub.triage.sla import raised

BATCH = 100


async def _claim(case: Case, now: datetime) -> bool:
    """Only the worker whose update changes the row escalates it."""
    updated = await Case.filter(id=case.id, escalated_at=None).update(
        escalated_at=now, priority=raised(case.priority)
    )
    return updated == 1


async def escalate(settings: Settings, case: Case, now: datetime) -> bool:
    if not await _claim(case, now):
        return False
    new_priority = raised(case.priority)
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
    return True


def case_admin_url(settings: Settings, case: Case) -> str:
    from hub.urls import external_url

    return external_url(settings, "case_detail", case_id=case.id)


async def escalate_overdue(settings: Settings, now: datetime) -> int:
    due = await Case.filter(Case.late_q(now), escalated_at=None).order_by("breach_at", "id").limit(BATCH)
    return sum([await escalate(settings, case, now) for case in due])
