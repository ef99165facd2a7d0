"""Routes of the triage domain: the queue, the case page and its actions (the report: report_routes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.photos.routes import STAFF_MEDIA_HEADERS, photo_file
from hub.photos.uploads import media_path
from hub.staff.models import Role
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.triage.actions import MAX_TEXT, CaseActionError, perform
from hub.triage.canned import fill
from hub.triage.detail import case_photo_of, events_after, load_case
from hub.triage.filters import Cursor, QueueFilters
from hub.triage.models import CannedResponse, Case
from hub.triage.queue import load_queue
from hub.triage.reply_mail import build_reply
from hub.urls import path_for
from hub.web.params import form_text, identifier, whole

PRIVATE = {"Cache-Control": "private, no-store"}
PHOTO_SIZES = ("full", "thumbnail")


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
    context.update(await _preview(request, view.case, ""))
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
    case = await Case.get_or_none(id=request.path_params["case_id"])
    canned_id = identifier(request.query_params.get("canned"), "canned")
    canned = await CannedResponse.get_or_none(id=canned_id) if canned_id else None
    if case is None:
        raise HTTPException(404, "There is no such case.")
    recipient = (await build_reply(case, staff(request), "")).recipient
    first_name = recipient.first_name if recipient else ""
    draft = fill(canned.body, first_name, case.reference) if canned else ""
    return render(request, "triage/_reply_body.html", {"draft": draft, "case": case})


async def _preview(request: Request, case: Case, body: str) -> dict[str, Any]:
    draft = await build_reply(case, staff(request), body)
    return {"case": case, "recipient": draft.recipient, "preview": draft.rendered(request.app.state.settings)}


@require_staff(Role.AGENT)
async def reply_preview(request: Request) -> Response:
    """What the customer will receive for the reply typed so far (htmx posts it as the agent types)."""
    case = await Case.get_or_none(id=request.path_params["case_id"])
    if case is None:
        raise HTTPException(404, "There is no such case.")
    body = (await form_text(request)).get("body", "")[:MAX_TEXT]
    return render(request, "triage/_reply_preview.html", await _preview(request, case, body))


@require_staff(Role.AGENT)
async def timeline_after(request: Request) -> Response:
    """The timeline entries newer than ``after``, and the poll that follows; 204 when nothing is new."""
    case_id = request.path_params["case_id"]
    after = whole(request.query_params.get("after"), "after", default=0) or 0
    events = await events_after(case_id, after)
    case = await Case.get_or_none(id=case_id).select_related("assignee") if events else None
    if case is None:
        return Response(status_code=204, headers=PRIVATE)
    # What happened may have changed the state (a reply reopened it, a colleague took it):
    # the state card comes along, swapped in out of band.
    context = {
        "case_id": case_id,
        "events": events,
        "last_event_id": events[-1].id,
        "case": case,
        "overdue": case.is_late(_now()),
    }
    return render(request, "triage/_timeline_poll.html", context)


@require_staff(Role.AGENT)
async def case_photo(request: Request) -> Response:
    """A photo of the case's review, pending ones included, full size or as its thumbnail."""
    params = request.path_params
    photo = await case_photo_of(params["case_id"], params["photo_id"])
    if photo is None or params["size"] not in PHOTO_SIZES:
        raise HTTPException(404, "There is no such photo.")
    name = photo.thumb_name if params["size"] == "thumbnail" else photo.web_name
    return photo_file(media_path(request.app.state.settings, name), STAFF_MEDIA_HEADERS)
