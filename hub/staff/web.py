"""Sessions, CSRF and role checks for staff pages: the cross-cutting decorators."""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.staff.models import StaffUser

Endpoint = Callable[[Request], Awaitable[Response]]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def check_csrf(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get("csrf", "")
    sent = request.headers.get(CSRF_HEADER, "")
    form = None
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        sent = str(form.get(CSRF_FIELD, ""))
    # Bytes: compare_digest refuses str with non-ASCII characters, which a client may send.
    if not expected or not hmac.compare_digest(str(expected).encode(), sent.encode()):
        if form is not None:  # a refused post's uploads are not kept in temporary files
            await form.close()
        raise HTTPException(403, "The form has expired or did not come from this site. "
                                 "Reload the page and try again.")


def csrf_protect(endpoint: Endpoint) -> Endpoint:
    @functools.wraps(endpoint)
    async def wrapper(request: Request) -> Response:
        await check_csrf(request)
        return await endpoint(request)

    return wrapper


def start_session(request: Request, user: StaffUser) -> None:
    """A fresh session on login: nothing from before it survives (no fixation)."""
    request.session.clear()
    request.session.update(staff_id=user.id, v=user.session_version,
                           csrf=secrets.token_urlsafe(32))


async def current_staff(request: Request) -> StaffUser | None:
    if "staff" in request.scope:
        return request.scope["staff"]
    user = None
    staff_id = request.session.get("staff_id")
    if staff_id is not None:
        user = await StaffUser.get_or_none(id=staff_id, is_active=True)
        if user and user.session_version != request.session.get("v"):
            user = None
    request.scope["staff"] = user
    return user


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    login = request.app.url_path_for("login")
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=401, headers={"HX-Redirect": str(login)})
    return RedirectResponse(f"{login}?{urlencode({'next': target})}", status_code=303)


def require_staff(*roles: str) -> Callable[[Endpoint], Endpoint]:
    """Let a logged-in staff user holding one of ``roles`` (admins always) through."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def wrapper(request: Request) -> Response:
            user = await current_staff(request)
            if user is None:
                return _login_redirect(request)
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
