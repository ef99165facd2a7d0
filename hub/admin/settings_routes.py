"""The settings page (shop policy, previews, canned responses) and the settings API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from hub.admin.settings import Shown, change, shown
from hub.admin.settings_preview import Compared, overdue_cases, stage_counts
from hub.config import INVITE_TRIGGERS, POLICY_SECTIONS, PROFANITY_ACTIONS, STAGES, SUPPORT
from hub.policy.store import POLICY, LivePolicy, apply, check
from hub.reviews.rescans import latest_rescan
from hub.staff.apikeys import require_scope
from hub.staff.models import Role, StaffUser
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.triage.canned import CannedError, delete_canned, save_canned
from hub.triage.models import CannedResponse
from hub.triage.settings_view import settings_overview
from hub.urls import path_for
from hub.web.errors import FieldError, InvalidInput, problem
from hub.web.json_body import BadBody, invalid_body, json_body
from hub.web.params import form_text

CHOICES = {"invite_trigger": INVITE_TRIGGERS, "profanity_action": PROFANITY_ACTIONS}
BOOLEANS = frozenset(key for key, p in POLICY.items() if p.setting.parse.__name__ == "boolean")
LONG_TEXT = frozenset({"profanity_words"})
PREVIEWABLE = frozenset({STAGES, SUPPORT})
STAGE_KEYS = frozenset(key for key in POLICY if key.startswith("stage_"))
SLA_KEYS = frozenset({"sla_hours"})


def live(request: Request) -> LivePolicy:
    policy: LivePolicy = request.app.state.policy
    return policy


async def render_settings(
    request: Request,
    *,
    errors: list[FieldError] | None = None,
    submitted: dict[str, str] | None = None,
    previews: list[Compared] | None = None,
    canned_error: CannedError | None = None,
    status_code: int = 200,
) -> Response:
    settings = request.app.state.settings
    items: list[Shown] = await shown(settings)
    context = {
        "sections": [(name, [item for item in items if item.section == name]) for name in POLICY_SECTIONS],
        "errors": {error.path: error.reason for error in errors or []},
        "submitted": submitted or {},
        "previews": previews,
        "saved": request.query_params.get("saved", ""),
        "choices": CHOICES,
        "booleans": BOOLEANS,
        "long_text": LONG_TEXT,
        "previewable": PREVIEWABLE,
        "rescan": await latest_rescan(),
        "overview": settings_overview(settings),
        "error": canned_error,
        "canned": await CannedResponse.all().order_by("title"),
    }
    return render(request, "policy/settings.html", context, status_code=status_code)


@require_staff(Role.ADMIN)
async def settings_page(request: Request) -> Response:
    return await render_settings(request)


async def _policy_form(request: Request) -> tuple[str, dict[str, str]]:
    form = await request.form()
    section = str(form.get("section", ""))
    values = {key: str(form[key]) for key in POLICY if key in form and isinstance(form[key], str)}
    # An unticked box sends nothing: a true/false setting of the section is then false.
    for key in BOOLEANS:
        if POLICY[key].section == section and key not in values:
            values[key] = "false"
    return section, values


@require_staff(Role.ADMIN)
async def policy_save(request: Request) -> Response:
    section, values = await _policy_form(request)
    try:
        await change(live(request), values, staff(request), via="admin")
    except InvalidInput as error:
        return await render_settings(request, errors=error.errors, submitted=values, status_code=422)
    request.app.state.settings = live(request).settings
    return RedirectResponse(
        f"{path_for('settings_page')}?saved={section}#{_anchor(section)}", status_code=303
    )


def _anchor(section: str) -> str:
    return "policy-" + "-".join(section.lower().split())


@require_staff(Role.ADMIN)
async def policy_preview(request: Request) -> Response:
    """The page with the submitted values kept in the form and what they would change."""
    _section, values = await _policy_form(request)
    try:
        texts = check(values)
    except InvalidInput as error:
        return await render_settings(request, errors=error.errors, submitted=values, status_code=422)
    current = request.app.state.settings
    proposed = apply(current, texts)
    now = datetime.now(UTC)
    previews: list[Compared] = []
    if STAGE_KEYS & texts.keys():
        previews += await stage_counts(current, proposed, now)
    if SLA_KEYS & texts.keys():
        previews += await overdue_cases(current, proposed, now)
    return await render_settings(request, submitted=values, previews=previews)


async def _api_body(request: Request) -> dict[str, Any]:
    body = await json_body(request)
    if not isinstance(body, dict) or not body:
        raise InvalidInput([FieldError("/", "must be an object of settings and their new values")])
    return body


@require_scope("settings:write")
async def api_settings(request: Request) -> Response:
    items = await shown(request.app.state.settings)
    return JSONResponse({"settings": {item.key: item.as_dict() for item in items}})


@require_scope("settings:write")
async def api_settings_patch(request: Request) -> Response:
    try:
        body = await _api_body(request)
        key = request.state.api_key
        creator = await StaffUser.get_or_none(id=key.created_by_id) if key.created_by_id else None
        await change(live(request), body, creator, via=f"API key {key.name} ({key.prefix})")
    except BadBody as error:
        return invalid_body(error)
    except InvalidInput as error:
        return problem(422, "The settings are not valid.", error.errors)
    request.app.state.settings = live(request).settings
    items = await shown(request.app.state.settings)
    return JSONResponse({"settings": {item.key: item.as_dict() for item in items if item.key in body}})


@require_staff(Role.ADMIN)
async def canned_save(request: Request) -> Response:
    try:
        saved = await save_canned(
            staff(request), await form_text(request), request.path_params.get("canned_id")
        )
    except CannedError as error:
        return await render_settings(request, canned_error=error, status_code=422)
    if saved is None:
        raise HTTPException(404, "There is no such canned response.")
    return RedirectResponse(path_for("settings_page"), status_code=303)


@require_staff(Role.ADMIN)
async def canned_delete(request: Request) -> Response:
    await delete_canned(staff(request), request.path_params["canned_id"])
    return RedirectResponse(path_for("settings_page"), status_code=303)
