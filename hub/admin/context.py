"""What every page may ask of its request: the CSRF token, the signed-in staff member, the admin menu."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from hub.admin.nav import nav_links
from hub.web.csrf import csrf_token


def staff_context(request: Request) -> dict[str, Any]:
    return {
        "csrf_token": lambda: csrf_token(request),
        "nav_links": lambda: nav_links(request, request.scope.get("staff")),
        "current_staff": request.scope.get("staff"),
    }
