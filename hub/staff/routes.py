"""Sign-in (password, then the second factor), logout, password links, one's own 2FA."""

from __future__ import annotations

import math
from datetime import timedelta

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.links.tokens import LinkError
from hub.staff import accounts, onboarding, twofactor
from hub.staff.policy import two_factor_required
from hub.staff.sessions import end_session
from hub.staff.web import (
    current_session,
    current_staff,
    hold_for_second_factor,
    pending_staff,
    require_staff,
    start_session,
)
from hub.templating import render
from hub.urls import path_for
from hub.web.columns import fits
from hub.web.csrf import check_csrf
from hub.web.params import client_ip, form_text

# Pages opened from a mailed link: not cached, and the token never leaves in a Referer.


def _safe_next(target: object) -> str:
    if isinstance(target, str) and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/admin"


def _locked_message(locked_for: timedelta) -> str:
    minutes = math.ceil(locked_for.total_seconds() / 60)
    return f"Too many failed attempts. Try again in {minutes} min."


async def login_page(request: Request) -> Response:
    if await current_staff(request):
        return RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    context = {
        "next": request.query_params.get("next", ""),
        "notice": "Your password is set. Log in with it." if "joined" in request.query_params else "",
    }
    return render(request, "staff/login.html", context)


async def _signed_in(request: Request, user: accounts.StaffUser, method: str, next_path: str) -> Response:
    needs_enrolment = not user.has_two_factor and await two_factor_required()
    await start_session(request, user, needs_enrolment)
    await accounts.signed_in(user, client_ip(request), method)
    target = path_for("two_factor_setup") if needs_enrolment else _safe_next(next_path)
    return RedirectResponse(str(target), status_code=303)


async def login_submit(request: Request) -> Response:
    await check_csrf(request)
    form = await form_text(request)
    email, password = form.get("email", ""), form.get("password", "")
    context = {"email": email, "next": form.get("next", "")}
    if not fits(accounts.StaffUser, "email", email):  # no account has it (too long, or a NUL byte)
        context["error"] = "That email and password do not match an active account."
        return render(request, "staff/login.html", context, status_code=422)
    result = await accounts.check_password(email, password, client_ip(request))
    if result.locked_for:
        context["error"] = _locked_message(result.locked_for)
        return render(request, "staff/login.html", context, status_code=429)
    if result.user is None:
        context["error"] = "That email and password do not match an active account."
        return render(request, "staff/login.html", context, status_code=400)
    if result.user.has_two_factor:
        hold_for_second_factor(request, result.user, context["next"])
        return RedirectResponse(path_for("two_factor_login"), status_code=303)
    return await _signed_in(request, result.user, "password", context["next"])


async def two_factor_login(request: Request) -> Response:
    if await pending_staff(request) is None:
        return RedirectResponse(path_for("login"), status_code=303)
    return render(request, "staff/two_factor_login.html", {})


async def two_factor_submit(request: Request) -> Response:
    await check_csrf(request)
    user = await pending_staff(request)
    if user is None:
        return RedirectResponse(path_for("login"), status_code=303)
    code = (await form_text(request)).get("code", "")
    secret_key = request.app.state.settings.secret_key
    method, locked = await twofactor.check_second_factor(user, secret_key, code, client_ip(request))
    if method is None:
        error = _locked_message(locked) if locked else "That code is not right. Try the next one."
        return render(
            request, "staff/two_factor_login.html", {"error": error}, status_code=429 if locked else 400
        )
    return await _signed_in(request, user, method, request.session.get("next", ""))


@require_staff(before_enrolment=True)
async def logout(request: Request) -> Response:
    session = await current_session(request)
    if session is not None:
        await end_session(session, "logout")
    request.session.clear()
    return RedirectResponse(path_for("login"), status_code=303)


GONE = "This link has expired or was already used. Ask an admin for a new one."


def _link(request: Request) -> onboarding.StaffLink:
    return onboarding.INVITE if request.url.path.startswith("/login/welcome/") else onboarding.RESET


async def password_link(request: Request) -> Response:
    link = _link(request)
    if request.method == "POST":
        await check_csrf(request)  # before the link is looked up: a forged post learns nothing
    try:
        user = await onboarding.open_staff_link(link, request.path_params["token"])
    except LinkError:
        raise HTTPException(404, GONE) from None
    if request.method == "GET":
        return render(request, "staff/set_password.html", {"user": user, "link": link})
    return await _set_password(request, link, user)


async def _set_password(request: Request, link: onboarding.StaffLink, user: accounts.StaffUser) -> Response:
    """The form's post; `password_link` checked its CSRF token before opening the link."""
    form = await form_text(request)
    try:
        await onboarding.set_password_from_link(
            link, request.path_params["token"], form.get("password", ""), form.get("confirm", "")
        )
    except accounts.AccountError as error:
        context = {"user": user, "link": link, "error": error}
        return render(request, "staff/set_password.html", context, status_code=422)
    except LinkError:
        raise HTTPException(404, "This link was already used.") from None
    return RedirectResponse(f"{path_for('login')}?joined=1", status_code=303)
