"""The admin's pages for staff accounts (/admin/staff) and API keys (/admin/api-keys)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.staff import apikeys, manage
from hub.staff.accounts import AccountError, staff_member
from hub.staff.models import Role, StaffUser
from hub.staff.onboarding import invite_staff
from hub.staff.policy import set_two_factor_required, staff_policy
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.urls import path_for

NO_STORE = {"Cache-Control": "no-store"}


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def _roles(form: FormData) -> list[str]:
    return [value for value in form.getlist("role") if isinstance(value, str)]


async def _staff_list(request: Request, status_code: int = 200, **context: Any) -> Response:
    context.setdefault("error", None)
    context.update(rows=await manage.staff_rows(), policy=await staff_policy(), roles=list(Role))
    return render(request, "staff/admin_list.html", context, status_code=status_code)


@require_staff(Role.ADMIN)
async def staff_list(request: Request) -> Response:
    return await _staff_list(request)


@require_staff(Role.ADMIN)
async def staff_invite(request: Request) -> Response:
    form = await request.form()
    try:
        user, _url = await invite_staff(
            request.app.state.settings,
            staff(request),
            _text(form, "email"),
            _roles(form),
            _text(form, "name"),
        )
    except AccountError as error:
        return await _staff_list(request, 422, error=error, form=form)
    return await _staff_list(request, notice=f"Invitation mailed to {user.email}.")


@require_staff(Role.ADMIN)
async def staff_policy_update(request: Request) -> Response:
    required = (await request.form()).get("require_two_factor") == "on"
    await set_two_factor_required(staff(request), required)
    return RedirectResponse(path_for("staff_list"), status_code=303)


async def _member(request: Request) -> StaffUser:
    user = await staff_member(request.path_params["user_id"])
    if user is None:
        raise HTTPException(404, "There is no such staff user.")
    return user


async def _detail(request: Request, user: StaffUser, status_code: int = 200, **context: Any) -> Response:
    context.setdefault("error", None)
    context.update(member=user, sessions=await manage.open_sessions(user), roles=list(Role))
    return render(request, "staff/admin_detail.html", context, status_code=status_code)


@require_staff(Role.ADMIN)
async def staff_detail(request: Request) -> Response:
    return await _detail(request, await _member(request))


@require_staff(Role.ADMIN)
async def staff_action(request: Request) -> Response:
    user, form = await _member(request), await request.form()
    try:
        outcome = await manage.run_action(
            request.app.state.settings, staff(request), user, request.path_params["action"], _roles(form)
        )
    except AccountError as error:
        return await _detail(request, user, 422, error=error)
    return await _detail(request, user, notice=outcome.message)


@require_staff(Role.ADMIN)
async def staff_session_end(request: Request) -> Response:
    user = await _member(request)
    try:
        session = await manage.end_one_session(staff(request), user, request.path_params["session_id"])
    except AccountError:
        raise HTTPException(404, "There is no such session.") from None
    if request.headers.get("HX-Request") == "true":
        return render(request, "staff/_session_row.html", {"member": user, "session": session})
    return RedirectResponse(path_for("staff_detail", user_id=user.id), status_code=303)


async def _key_list(request: Request, status_code: int = 200, **context: Any) -> Response:
    context.setdefault("error", None)
    context.update(keys=await apikeys.list_api_keys(), scopes=apikeys.SCOPES)
    response = render(request, "staff/admin_api_keys.html", context, status_code=status_code)
    response.headers.update(NO_STORE)
    return response


@require_staff(Role.ADMIN)
async def api_key_list(request: Request) -> Response:
    return await _key_list(request)


@require_staff(Role.ADMIN)
async def api_key_create(request: Request) -> Response:
    form = await request.form()
    scopes = [value for value in form.getlist("scope") if isinstance(value, str)]
    try:
        key, raw = await apikeys.create_api_key(_text(form, "name"), scopes, staff(request))
    except AccountError as error:
        return await _key_list(request, 422, error=error)
    return await _key_list(request, new_key=key, raw_key=raw)


@require_staff(Role.ADMIN)
async def api_key_revoke(request: Request) -> Response:
    key = await apikeys.api_key_by_id(request.path_params["key_id"])
    if key is None:
        raise HTTPException(404, "There is no such API key.")
    await apikeys.revoke_api_key(staff(request), key)
    if request.headers.get("HX-Request") == "true":
        return render(request, "staff/_api_key_row.html", {"key": key})
    return RedirectResponse(path_for("api_key_list"), status_code=303)
