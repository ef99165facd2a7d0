"""Sessions and role checks for staff pages: the cross-cutting decorators (CSRF: `hub.web.csrf`).

The signed cookie holds the CSRF token and the key of a server-side session
(hub.staff.sessions), looked up once per request; between the password and the
second factor it holds only the pending user's id and when the password passed.
"""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Callable
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.staff.models import StaffSession, StaffUser
from hub.staff.sessions import find_session, open_session
from hub.urls import path_for
from hub.web.csrf import Endpoint, check_csrf
from hub.web.params import client_ip

# Seconds between a correct password and the second factor.
PENDING_SECONDS = 300


async def start_session(request: Request, user: StaffUser, needs_two_factor: bool = False) -> None:
    """A fresh session on sign-in: nothing from before it survives (no fixation)."""
    key = await open_session(
        user, client_ip(request), request.headers.get("user-agent", ""), needs_two_factor
    )
    request.session.clear()
    request.session.update(sid=key, csrf=secrets.token_urlsafe(32))


def hold_for_second_factor(request: Request, user: StaffUser, next_path: str) -> None:
    """Remember, in the cookie only, whose password passed; no session exists yet."""
    request.session.clear()
    request.session.update(
        pending=user.id, pending_at=int(time.time()), next=next_path, csrf=secrets.token_urlsafe(32)
    )


async def pending_staff(request: Request) -> StaffUser | None:
    """The user whose password passed in the last few minutes, awaiting their code."""
    user_id, since = request.session.get("pending"), request.session.get("pending_at")
    if not isinstance(user_id, int) or not isinstance(since, int):
        return None
    if time.time() - since > PENDING_SECONDS:
        return None
    return await StaffUser.get_or_none(id=user_id, is_active=True)


async def current_session(request: Request) -> StaffSession | None:
    if "staff_session" in request.scope:
        return request.scope["staff_session"]
    key = request.session.get("sid")
    session = await find_session(key) if isinstance(key, str) else None
    request.scope["staff_session"] = session
    request.scope["staff"] = session.user if session else None
    return session


async def current_staff(request: Request) -> StaffUser | None:
    session = await current_session(request)
    return session.user if session else None


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    login = path_for("login")
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=401, headers={"HX-Redirect": str(login)})
    return RedirectResponse(f"{login}?{urlencode({'next': target})}", status_code=303)


def _enrolment_redirect(request: Request) -> Response:
    target = path_for("two_factor_setup")
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=403, headers={"HX-Redirect": str(target)})
    return RedirectResponse(str(target), status_code=303)


def require_staff(*roles: str, before_enrolment: bool = False) -> Callable[[Endpoint], Endpoint]:
    """Let a logged-in staff user holding one of ``roles`` (admins always) through.

    While two-factor sign-in is required and the user has not enrolled, only the
    pages marked ``before_enrolment`` open; the rest send them to enrolment.
    """

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def wrapper(request: Request) -> Response:
            session = await current_session(request)
            if session is None:
                return _login_redirect(request)
            user = session.user
            if session.needs_two_factor and not before_enrolment:
                return _enrolment_redirect(request)
            if roles and not user.has_role(*roles):
                raise HTTPException(403, "Your role does not allow this page or action.")
            await check_csrf(request)
            return await endpoint(request)

        return wrapper

    return decorate


def staff(request: Request) -> StaffUser:
    """The logged-in user of a request that passed ``require_staff``."""
    user = request.scope.get("staff")
    if not isinstance(user, StaffUser):
        raise HTTPException(401)
    return user
