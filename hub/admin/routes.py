"""The dashboard shell and the audit log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hub.admin.audit import PAGE_SIZE, audit_page
from hub.admin.dashboard import load_dashboard
from hub.staff.web import require_staff
from hub.templating import render
from hub.web.params import identifier


@require_staff()
async def dashboard(request: Request) -> Response:
    return render(
        request, "admin/dashboard.html", {"board": await load_dashboard(request.app.state.settings)}
    )


@require_staff("admin")
async def audit_log(request: Request) -> Response:
    entries = await audit_page(identifier(request.query_params.get("before"), "before"))
    more = len(entries) == PAGE_SIZE
    return render(request, "admin/audit.html", {"entries": entries, "more": more})
