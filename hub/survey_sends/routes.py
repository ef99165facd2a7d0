"""The survey's Send page: build a segment, preview its reach, choose when, and see past sends."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.advocacy.customer_search import STAGES
from hub.advocacy.segments import Segment, check_catalog
from hub.staff.web import require_staff, staff
from hub.survey_sends.models import SendKind, SurveySend
from hub.survey_sends.planning import EVENT_LABELS, UNITS, SendPlan, create_send, send_counts, stop_send
from hub.survey_sends.reach import reach
from hub.surveys.models import Survey
from hub.templating import render
from hub.urls import path_for
from hub.web.errors import InvalidInput


async def _survey(request: Request) -> Survey:
    survey = await Survey.get_or_none(id=request.path_params["survey_id"])
    if survey is None:
        raise HTTPException(404, "No such survey.")
    return survey


async def _form(request: Request) -> dict[str, str]:
    return {key: str(value) for key, value in (await request.form()).items()}


async def _page(
    request: Request,
    survey: Survey,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    sends = await SurveySend.filter(survey=survey).order_by("-id").limit(50)
    context = {
        "survey": survey,
        "values": values or {},
        "errors": errors or {},
        "stages": STAGES,
        "tiers": _tiers(request),
        "kinds": [kind.value for kind in SendKind],
        "units": UNITS,
        "events": EVENT_LABELS,
        "sends": [
            (send, Segment.from_dict(send.segment).describe(), await send_counts(send)) for send in sends
        ],
        **extra,
    }
    status = 422 if errors else 200
    return render(request, "survey_sends/send.html", context, status_code=status)


def _errors(error: InvalidInput) -> dict[str, str]:
    return {field_error.path: field_error.reason for field_error in error.errors}


@require_staff("moderator")
async def survey_send_page(request: Request) -> Response:
    return await _page(request, await _survey(request))


@require_staff("moderator")
async def survey_send_preview(request: Request) -> Response:
    survey, values = await _survey(request), await _form(request)
    try:
        segment = Segment.parse(values, _tiers(request))
        await check_catalog(segment)
    except InvalidInput as error:
        return await _page(request, survey, values, _errors(error))
    found = await reach(request.app.state.settings, segment, datetime.now(UTC))
    return await _page(request, survey, values, preview=found)


@require_staff("moderator")
async def survey_send_create(request: Request) -> Response:
    """Store the send and return at once: the worker expands the segment."""
    survey, values = await _survey(request), await _form(request)
    try:
        segment, plan = _parsed(values, _tiers(request))
        await create_send(staff(request), survey, segment, plan)
    except InvalidInput as error:
        return await _page(request, survey, values, _errors(error))
    return RedirectResponse(str(path_for("survey_send_page", survey_id=survey.id)), status_code=303)


def _tiers(request: Request) -> tuple[str, ...]:
    return tuple(level.name for level in request.app.state.settings.tiers.levels)


def _parsed(values: dict[str, str], tiers: tuple[str, ...]) -> tuple[Segment, SendPlan]:
    errors = []
    segment = plan = None
    for parse in (partial(Segment.parse, tiers=tiers), SendPlan.parse):
        try:
            parsed = parse(values)
        except InvalidInput as error:
            errors += error.errors
            continue
        if isinstance(parsed, Segment):
            segment = parsed
        else:
            plan = parsed
    if errors or segment is None or plan is None:
        raise InvalidInput(errors)
    return segment, plan


@require_staff("moderator")
async def survey_send_stop(request: Request) -> Response:
    survey = await _survey(request)
    send = await SurveySend.get_or_none(id=request.path_params["send_id"], survey=survey)
    if send is None:
        raise HTTPException(404, "No such send.")
    await stop_send(staff(request), send)
    return RedirectResponse(str(path_for("survey_send_page", survey_id=survey.id)), status_code=303)
