"""A survey's answers: the download from its results page and `GET /api/v1/surveys/{id}/responses`."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from hub.staff.apikeys import require_scope
from hub.staff.models import Role
from hub.staff.web import require_staff, staff
from hub.surveys.models import Survey, SurveyQuestion
from hub.transfer.export import MEDIA_TYPES, plain_deep
from hub.transfer.survey_export import response_rows, start_survey_export
from hub.web.params import whole

API_LIMIT = 100
API_MAX = 500


async def _survey(request: Request) -> Survey:
    survey = await Survey.get_or_none(id=request.path_params["survey_id"])
    if survey is None:
        raise HTTPException(404, "No such survey.")
    return survey


@require_staff(Role.MODERATOR)
async def survey_export(request: Request) -> Response:
    survey, fmt = await _survey(request), request.path_params["fmt"]
    if fmt not in MEDIA_TYPES:
        raise HTTPException(404, "Use csv or jsonl.")
    lines = await start_survey_export(staff(request), survey, fmt, channel="web")
    name = f"feedback-hub-survey-{survey.slug}-{datetime.now(UTC).date().isoformat()}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return StreamingResponse(lines, media_type=MEDIA_TYPES[fmt], headers=headers)


@require_scope("surveys:read")
async def api_survey_responses(request: Request) -> Response:
    """A page of responses after the id `after` (keyset); `next` is the `after` of the next page."""
    survey = await _survey(request)
    after = whole(request.query_params.get("after"), "after", default=0) or 0
    limit = whole(request.query_params.get("limit"), "limit", low=1, high=API_MAX, default=API_LIMIT)
    questions = list(await SurveyQuestion.filter(survey=survey).order_by("position", "id"))
    rows = await response_rows(survey, questions, after, limit or API_LIMIT)
    more = len(rows) == limit
    return JSONResponse(
        {"responses": plain_deep(rows), "next": str(rows[-1]["id"]) if rows and more else None}
    )
