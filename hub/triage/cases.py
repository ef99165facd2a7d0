"""Opening cases: every flagged submission becomes one, in the caller's transaction; reopening them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from hub.catalog.models import Customer, Order, Product
from hub.config import Settings
from hub.reviews.models import Review
from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.surveys.models import SurveyResponse
from hub.triage.assignment import assign_new_case
from hub.triage.models import Case, CaseEvent, CaseStatus, next_breach
from hub.triage.sla import due_times
from hub.webhooks.events import case_data, emit


async def open_case(
    settings: Settings,
    *,
    reasons: Sequence[str],
    priority: str,
    evidence: Sequence[Sequence[Any]] = (),
    customer: Customer | None = None,
    review: Review | None = None,
    survey_response: SurveyResponse | None = None,
    order: Order | None = None,
    product: Product | None = None,
    now: datetime | None = None,
    kind: str = "feedback",
) -> Case:
    """Open a case for flagged feedback, or update the open case already there.

    Call it inside the transaction that stores the feedback, so that a bad
    experience is never stored without its case. An edited review that is
    still flagged updates its open case instead of opening a second one.
    """
    now = now or datetime.now(UTC)
    existing = await _open_case_for(review, survey_response)
    if existing is not None:
        return await _refresh(existing, reasons, priority, evidence)
    first_due, resolution_due = due_times(settings, priority, now)
    case = await Case.create(
        kind=kind,
        customer=customer,
        review=review,
        survey_response=survey_response,
        order=order,
        product=product,
        priority=priority,
        reasons=list(reasons),
        evidence=[list(span) for span in evidence],
        first_response_due_at=first_due,
        resolution_due_at=resolution_due,
        created_at=now,
    )
    await CaseEvent.create(case=case, kind="created", data={"reasons": list(reasons), "priority": priority})
    await emit("case.opened", {"case": case_data(case)}, now)
    await assign_new_case(settings, case)
    return case


async def _open_case_for(review: Review | None, response: SurveyResponse | None) -> Case | None:
    if review is not None:
        return await Case.active().filter(review=review).first()
    if response is not None:
        return await Case.active().filter(survey_response=response).first()
    return None


async def _refresh(
    case: Case, reasons: Sequence[str], priority: str, evidence: Sequence[Sequence[Any]]
) -> Case:
    case.reasons = sorted(set(case.reasons) | set(reasons))
    case.evidence = [list(span) for span in evidence]
    await case.save(update_fields=["reasons", "evidence", "updated_at"])
    await CaseEvent.create(
        case=case,
        kind="updated",
        body="The customer edited the feedback.",
        data={"reasons": list(reasons), "priority": priority},
    )
    return case


async def record(case: Case, actor: StaffUser | None, kind: str, body: str = "", **data: Any) -> CaseEvent:
    """A timeline event and its audit entry; the audit never holds customer or note text."""
    event = await CaseEvent.create(case=case, actor=actor, kind=kind, body=body, data=data)
    await audit(actor, f"case.{kind}", "case", case.id, **data)
    return event


DONE_STATUSES = (CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value)


async def reopen_case(settings: Settings, case: Case, now: datetime) -> str | None:
    """Open a resolved or closed case again; the status it had, or None if it was not done.

    The one way both an agent and a customer's reply reopen a case. The case counts one
    more reopening, and its SLA starts again from ``now``: it owes a first response and a
    resolution by the policy's targets for its priority, as a new case would.
    """
    current = await Case.get_or_none(id=case.id, status__in=DONE_STATUSES)
    if current is None:
        return None
    first_due, resolution_due = due_times(settings, current.priority, now)
    reopened = await Case.filter(id=case.id, status__in=DONE_STATUSES).update(
        status=CaseStatus.OPEN.value,
        resolved_at=None,
        closed_at=None,
        follow_up_due_at=None,
        first_response_at=None,
        first_response_due_at=first_due,
        resolution_due_at=resolution_due,
        breach_at=next_breach(None, first_due, resolution_due),
        reopen_count=F("reopen_count") + 1,
        reopened_at=now,
        updated_at=now,
    )
    return current.status if reopened else None


async def open_manual_case(
    settings: Settings, customer: Customer, actor: StaffUser, note: str, now: datetime | None = None
) -> Case:
    """A case an agent opens for a customer by hand, the agent's note its first message."""
    async with in_transaction():
        case = await open_case(
            settings, reasons=["manual"], priority="normal", customer=customer, kind="manual", now=now
        )
        await record(case, actor, "note", note, opened_by="staff")
        await audit(actor, "case.opened_manually", "case", case.id, customer=customer.id)
    return case
