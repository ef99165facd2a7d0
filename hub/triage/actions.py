"""What agents do to a case. Each action writes one timeline event and one audit entry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from hub.config import Settings
from hub.mail.outbox import enqueue
from hub.staff.models import Role, StaffUser
from hub.triage.cases import record, reopen_case
from hub.triage.models import Case, CaseStatus, Priority, Resolution
from hub.triage.reply_mail import TEMPLATE, build_reply
from hub.web.errors import InvalidInput
from hub.web.params import has_control_characters, identifier
from hub.webhooks.events import case_data, emit, iso

MAX_TEXT = 20_000


class CaseActionError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class ActionContext:
    settings: Settings
    case: Case
    actor: StaffUser
    form: Mapping[str, str]
    now: datetime


def _text(form: Mapping[str, str], field: str) -> str:
    text = form.get(field, "").strip()
    if not text:
        raise CaseActionError(field, "write something first")
    if len(text) > MAX_TEXT:
        raise CaseActionError(field, f"keep it under {MAX_TEXT} characters")
    if has_control_characters(text):
        raise CaseActionError(field, "must not hold control characters")
    return text


async def _agent(value: str, actor: StaffUser) -> StaffUser | None:
    if value == "me":
        return actor
    if not value:
        return None
    try:
        agent_id = identifier(value, "assignee", required=True)
    except InvalidInput:
        raise CaseActionError("assignee", "choose an active agent") from None
    user = await StaffUser.get_or_none(id=agent_id, is_active=True)
    if user is None or not user.has_role(Role.AGENT):
        raise CaseActionError("assignee", "choose an active agent")
    return user


async def assign(ctx: ActionContext) -> None:
    assignee = await _agent(ctx.form.get("assignee", ""), ctx.actor)
    ctx.case.assignee = assignee
    await ctx.case.save(update_fields=["assignee_id", "updated_at"])
    await record(
        ctx.case,
        ctx.actor,
        "assigned",
        assignee_id=assignee.id if assignee else None,
        assignee=assignee.display_name if assignee else "nobody",
    )
    await emit("case.assigned", {"case": case_data(ctx.case), "automatic": False}, ctx.now)


async def change_priority(ctx: ActionContext) -> None:
    priority = ctx.form.get("priority", "")
    if priority not in {p.value for p in Priority}:
        raise CaseActionError("priority", "choose low, normal, high or urgent")
    before, ctx.case.priority = ctx.case.priority, priority
    await ctx.case.save(update_fields=["priority", "updated_at"])
    await record(ctx.case, ctx.actor, "priority", **{"from": before, "to": priority})


async def add_note(ctx: ActionContext) -> None:
    await record(ctx.case, ctx.actor, "note", _text(ctx.form, "body"))


async def reply(ctx: ActionContext) -> None:
    """Mail the customer from the outbox, Reply-To the support address; the first sets first_response_at.

    An email case from an unknown sender is answered at the address its mail came from.
    """
    body = _text(ctx.form, "body")
    draft = await build_reply(ctx.case, ctx.actor, body)
    if draft.recipient is None:
        raise CaseActionError("body", "this case has no customer address to reply to")
    async with in_transaction():
        event = await record(ctx.case, ctx.actor, "reply", body, to="customer")
        await enqueue(
            ctx.settings,
            kind="case_reply",
            template=TEMPLATE,
            context=draft.context,
            to=draft.recipient.address,
            customer=draft.recipient.customer,
            dedupe_key=f"case-reply:{event.id}",
            reply_to=ctx.settings.support_email,
        )
        # Answered: the next deadline is the resolution (see Case.next_breach).
        await Case.filter(id=ctx.case.id, first_response_at=None).update(
            first_response_at=ctx.now, breach_at=ctx.case.resolution_due_at
        )
        replied = {"id": event.id, "created_at": iso(ctx.now)}
        await emit(
            "case.replied", {"case": case_data(await Case.get(id=ctx.case.id)), "reply": replied}, ctx.now
        )


async def _set_status(ctx: ActionContext, status: str, **changes: Any) -> str:
    before = ctx.case.status
    await Case.filter(id=ctx.case.id).update(status=status, **changes)
    return before


async def set_pending(ctx: ActionContext) -> None:
    before = await _set_status(ctx, CaseStatus.PENDING.value)
    await record(ctx.case, ctx.actor, "status", **{"from": before, "to": CaseStatus.PENDING.value})


async def resolve(ctx: ActionContext) -> None:
    code = ctx.form.get("resolution", "")
    if code not in {r.value for r in Resolution}:
        raise CaseActionError("resolution", "choose how the case was resolved")
    note = ctx.form.get("note", "").strip()[:MAX_TEXT]
    async with in_transaction():
        before = await _set_status(
            ctx,
            CaseStatus.RESOLVED.value,
            resolved_at=ctx.now,
            resolution_code=code,
            resolution_note=note,
            follow_up_due_at=ctx.now + ctx.settings.follow_up_delay,
            follow_up_sent_at=None,
        )
        await record(
            ctx.case,
            ctx.actor,
            "status",
            note,
            **{"from": before, "to": CaseStatus.RESOLVED.value, "resolution": code},
        )
        await emit("case.resolved", {"case": case_data(await Case.get(id=ctx.case.id))}, ctx.now)


async def reopen(ctx: ActionContext) -> None:
    before = await reopen_case(ctx.settings, ctx.case, ctx.now)
    if before is None:
        raise CaseActionError("status", "only a resolved or closed case can be reopened")
    await record(ctx.case, ctx.actor, "status", **{"from": before, "to": CaseStatus.OPEN.value})


ACTIONS: dict[str, Callable[[ActionContext], Awaitable[None]]] = {
    "assign": assign,
    "priority": change_priority,
    "note": add_note,
    "reply": reply,
    "pending": set_pending,
    "resolve": resolve,
    "reopen": reopen,
}


async def perform(
    settings: Settings, case_id: int, actor: StaffUser, action: str, form: Mapping[str, str], now: datetime
) -> Case | None:
    """Run ``action`` on case ``case_id``; None when there is no such case or action."""
    case = await Case.get_or_none(id=case_id)
    handler = ACTIONS.get(action)
    if case is None or handler is None:
        return None
    await handler(ActionContext(settings, case, actor, form, now))
    return case
