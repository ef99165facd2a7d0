"""The support report: its page in the admin and the same figures at /api/v1/metrics/support."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hub.staff.apikeys import require_scope
from hub.staff.models import Role
from hub.staff.web import require_staff
from hub.templating import render
from hub.triage.report import MIN_GROUP
from hub.triage.report_page import support_page
from hub.triage.report_query import AGENT_DEFINITION, Period, support_report


def _now() -> datetime:
    return datetime.now(UTC)


def _period(request: Request) -> Period:
    """The asked period; a bad value raises InvalidInput, answered 422 naming the field."""
    settings = request.app.state.settings
    today: date = _now().astimezone(ZoneInfo(settings.time_zone)).date()
    return Period.parse(request.query_params, today)


@require_staff(Role.AGENT)
async def report_page(request: Request) -> Response:
    page = await support_page(request.app.state.settings, _period(request), _now())
    context = {
        "page": page,
        "report": page.report,
        "agent_definition": AGENT_DEFINITION,
        "min_group": MIN_GROUP,
    }
    return render(request, "triage/report.html", context)


@require_scope("metrics:read")
async def api_support(request: Request) -> Response:
    report = await support_report(request.app.state.settings, _period(request), _now())
    return JSONResponse(report.as_dict())
