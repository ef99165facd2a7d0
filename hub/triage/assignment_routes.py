"""The admin's assignment page (/admin/assignment): the rules in order, the agents and their groups."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.staff.accounts import AccountError, staff_member
from hub.staff.availability import set_groups
from hub.staff.models import Role
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.triage.assignment import active_agents, assignment_mode, open_counts
from hub.triage.rules import delete_rule, describe_rule, move_rule, ordered_rules, save_rule
from hub.urls import path_for
from hub.web.errors import InvalidInput
from hub.web.params import form_text


async def _page(request: Request, status_code: int = 200, **context: Any) -> Response:
    settings = request.app.state.settings
    agents = await active_agents()
    context.setdefault("failed", None)
    context.setdefault("errors", {})
    context.setdefault("values", {})
    context.update(
        mode=assignment_mode(settings),
        cap=settings.agent_case_cap,
        business_hours=str(settings.business_hours),
        time_zone=settings.time_zone,
        rules=[(rule, describe_rule(rule)) for rule in await ordered_rules()],
        agents=agents,
        counts=await open_counts([agent.id for agent in agents]),
    )
    return render(request, "triage/assignment.html", context, status_code=status_code)


def _back() -> Response:
    return RedirectResponse(path_for("assignment_page"), status_code=303)


@require_staff(Role.ADMIN)
async def assignment_page(request: Request) -> Response:
    return await _page(request)


@require_staff(Role.ADMIN)
async def assignment_rule_save(request: Request) -> Response:
    rule_id = request.path_params.get("rule_id")
    form = await form_text(request)
    try:
        saved = await save_rule(staff(request), form, rule_id)
    except InvalidInput as error:
        errors = {field.path: field.reason for field in error.errors}
        return await _page(request, 422, failed=rule_id or "new", errors=errors, values=form)
    if saved is None:
        raise HTTPException(404, "There is no such rule.")
    return _back()


@require_staff(Role.ADMIN)
async def assignment_rule_delete(request: Request) -> Response:
    await delete_rule(staff(request), request.path_params["rule_id"])
    return _back()


@require_staff(Role.ADMIN)
async def assignment_rule_move(request: Request) -> Response:
    up = (await form_text(request)).get("direction") != "down"
    await move_rule(staff(request), request.path_params["rule_id"], up)
    return _back()


@require_staff(Role.ADMIN)
async def assignment_agent_groups(request: Request) -> Response:
    user = await staff_member(request.path_params["user_id"])
    if user is None:
        raise HTTPException(404, "There is no such staff user.")
    form = await form_text(request)
    try:
        await set_groups(staff(request), user, form.get("groups", ""))
    except AccountError as error:
        errors = {"groups": error.reason}
        return await _page(request, 422, failed=f"agent-{user.id}", errors=errors, values=form)
    return _back()
