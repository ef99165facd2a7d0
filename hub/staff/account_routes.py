"""One's own account: away or available, two-factor sign-in (enrol, replace recovery codes, turn off)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.staff import twofactor
from hub.staff.availability import set_away
from hub.staff.models import Role
from hub.staff.policy import two_factor_required
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.urls import path_for

# The page shows a secret or recovery codes: never cached.
NO_STORE = {"Cache-Control": "no-store"}


async def _page(request: Request, status_code: int = 200, **context: Any) -> Response:
    user = staff(request)
    settings = request.app.state.settings
    context.setdefault("error", None)
    context["required"] = await two_factor_required()
    if user.has_two_factor:
        context["codes_left"] = await twofactor.recovery_codes_left(user)
    else:
        context["enrolment"] = await twofactor.start_enrolment(user, settings.secret_key, settings.brand_name)
    response = render(
        request, "staff/two_factor_setup.html", {"user": user, **context}, status_code=status_code
    )
    response.headers.update(NO_STORE)
    return response


async def _code(request: Request) -> str:
    value = (await request.form()).get("code", "")
    return value if isinstance(value, str) else ""


@require_staff(before_enrolment=True)
async def two_factor_setup(request: Request) -> Response:
    return await _page(request)


@require_staff(before_enrolment=True)
async def two_factor_enable(request: Request) -> Response:
    user, secret_key = staff(request), request.app.state.settings.secret_key
    try:
        codes = await twofactor.enable(user, secret_key, await _code(request))
    except twofactor.TwoFactorError as error:
        return await _page(request, 422, error=error)
    return await _page(request, new_codes=codes)


@require_staff(before_enrolment=True)
async def recovery_codes_replace(request: Request) -> Response:
    user, secret_key = staff(request), request.app.state.settings.secret_key
    try:
        codes = await twofactor.replace_recovery_codes(user, secret_key, await _code(request))
    except twofactor.TwoFactorError as error:
        return await _page(request, 422, error=error)
    return await _page(request, new_codes=codes)


@require_staff(before_enrolment=True)
async def two_factor_disable(request: Request) -> Response:
    user, secret_key = staff(request), request.app.state.settings.secret_key
    try:
        await twofactor.disable(user, user, await two_factor_required(), secret_key, await _code(request))
    except twofactor.TwoFactorError as error:
        return await _page(request, 422, error=error)
    return RedirectResponse(path_for("two_factor_setup"), status_code=303)


# Where the availability form may send the agent back to: their account page or the case queue.
AVAILABILITY_BACK = {"account": "two_factor_setup", "queue": "case_queue"}


@require_staff(Role.AGENT)
async def availability_update(request: Request) -> Response:
    """The signed-in staff member marks themself away (``away=1``) or back (``away=0``)."""
    form = await request.form()
    await set_away(staff(request), staff(request), form.get("away") == "1")
    back = form.get("back")
    route = AVAILABILITY_BACK.get(back if isinstance(back, str) else "", "two_factor_setup")
    return RedirectResponse(path_for(route), status_code=303)
