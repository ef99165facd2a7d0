"""Login and logout."""

from __future__ import annotations

import math

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.staff import accounts
from hub.staff.models import StaffUser
from hub.staff.web import check_csrf, current_staff, require_staff, staff, start_session
from hub.templating import render
from hub.web.columns import fits


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/admin"


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def login_page(request: Request) -> Response:
    if await current_staff(request):
        return RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    return render(request, "staff/login.html", {"next": request.query_params.get("next", "")})


async def login_submit(request: Request) -> Response:
    await check_csrf(request)
    form = await request.form()
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    context = {"email": email, "next": str(form.get("next", ""))}
    if not fits(StaffUser, "email", email):  # no account has it; its lockout key would not fit
        context["error"] = "That email and password do not match an active account."
        return render(request, "staff/login.html", context, status_code=422)
    result = await accounts.log_in(email, password, _client_ip(request))
    if result.locked_for:
        minutes = math.ceil(result.locked_for.total_seconds() / 60)
        context["error"] = f"Too many failed attempts. Try again in {minutes} min."
        return render(request, "staff/login.html", context, status_code=429)
    if result.user is None:
        context["error"] = "That email and password do not match an active account."
        return render(request, "staff/login.html", context, status_code=400)
    start_session(request, result.user)
    await accounts.audit(result.user, "staff.login", "staff", result.user.id)
    return RedirectResponse(_safe_next(context["next"]), status_code=303)


@require_staff()
async def logout(request: Request) -> Response:
    await accounts.end_sessions(staff(request))
    request.session.clear()
    return RedirectResponse(request.app.url_path_for("login"), status_code=303)


routes = [
    Route("/login", login_page, methods=["GET"], name="login"),
    Route("/login", login_submit, methods=["POST"], name="login_submit"),
    Route("/logout", logout, methods=["POST"], name="logout"),
]
