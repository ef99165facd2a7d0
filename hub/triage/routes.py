"""Routes of the triage domain: the queue, the case page and its actions (the report: report_routes)."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.staff.models import Role
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.triage.actions import CaseActionError, perform
from hub.triage.canned import fill
from hub.triage.detail import load_case
from hub.triage.filters import Cursor, QueueFilters
from hub.triage.models import CannedResponse
from hub.triage.queue import load_queue
from hub.urls import path_for
from hub.web.params import form_text, identifier


def _now() -> datetime:
    return datetime.now(UTC)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


@require_staff(Role.AGENT)
async def case_queue(request: Request) -> Response:
    filters = QueueFilters.parse(request.query_params)
    after = Cursor.decode(request.query_params.get("after", ""))
    queue = await load_queue(filters, staff(request), _now(), after)
    return render(request, "triage/queue.html", {"queue": queue, "now": _now()}, block="results")


async def _case_page(
    request: Request, case_id: int, error: CaseActionError | None = None, status_code: int = 200
) -> Response:
    view = await load_case(case_id, _now())
    if view is None:
        raise HTTPException(404, "There is no such case.")
    context = {"view": view, "case": view.case, "error": error, "now": _now()}
    return render(request, "triage/case.html", context, status_code=status_code, block="work")


@require_staff(Role.AGENT)
async def case_detail(request: Request) -> Response:
    return await _case_page(request, request.path_params["case_id"])


@require_staff(Role.AGENT)
async def case_action(request: Request) -> Response:
    case_id = request.path_params["case_id"]
    try:
        case = await perform(
            request.app.state.settings,
            case_id,
            staff(request),
            request.path_params["action"],
            await form_text(request),
            _now(),
        )
    except CaseActionError as error:
        return await _case_page(request, case_id, error, 200 if _is_htmx(request) else 422)
    if case is None:
        raise HTTPException(404, "There is no such case or action.")
    if _is_htmx(request):
        return await _case_page(request, case_id)
    return RedirectResponse(path_for("case_detail", case_id=case_id), status_code=303)


@require_staff(Role.AGENT)
async def reply_draft(request: Request) -> Response:
    """The reply box filled from a canned response (htmx swaps it in)."""
    view = await load_case(request.path_params["case_id"], _now())
    canned_id = identifier(request.query_params.get("canned"), "canned")
    canned = await CannedResponse.get_or_none(id=canned_id) if canned_id else None
    if view is None:
        raise HTTPException(404, "There is no such case.")
    first_name = view.history.customer.first_name if view.history else ""
    draft = fill(canned.body, first_name, view.case.reference) if canned else ""
    return render(request, "triage/_reply_body.html", {"draft": draft})
