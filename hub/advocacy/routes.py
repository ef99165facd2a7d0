"""Routes of the advocacy domain: movement, retention, advocates, customers, referral links, API."""

from __future__ import annotations

from datetime import UTC, date, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hub.advocacy.advocates import CandidateFilters
from hub.advocacy.badges import BADGES
from hub.advocacy.customer_search import FLAGS, CustomerSearch
from hub.advocacy.movement import STAGES
from hub.advocacy.pages import advocates_page, customer_list_page, movement_page, retention_page
from hub.advocacy.params import BadParams, period_from
from hub.advocacy.recognition import RecognitionError, recognise
from hub.advocacy.retention import Period, retention
from hub.staff.apikeys import require_scope
from hub.staff.models import Role
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.web.errors import problem
from hub.web.params import identifiers, text, whole

MOVEMENT_DAYS = 90
RETENTION_DAYS = 365


def _today() -> date:
    return datetime.now(UTC).date()


def _period(request: Request, days: int, names: tuple[str, str] = ("from", "to")) -> Period:
    try:
        return period_from(request.query_params, _today(), days, names)
    except BadParams as error:
        raise HTTPException(422, str(error)) from None


@require_staff()
async def movement(request: Request) -> Response:
    page = await movement_page(_period(request, MOVEMENT_DAYS))
    return render(request, "advocacy/movement.html", {"page": page, "stages": STAGES}, block="matrix")


@require_staff()
async def retention_view(request: Request) -> Response:
    page = await retention_page(request.app.state.settings, _period(request, RETENTION_DAYS))
    return render(request, "advocacy/retention.html", {"page": page}, block="figures")


async def _advocates(
    request: Request, error: RecognitionError | None = None, notice: str = "", status_code: int = 200
) -> Response:
    page = await advocates_page(request.app.state.settings, CandidateFilters.parse(request.query_params))
    context = {"page": page, "stages": STAGES, "badges": BADGES, "error": error, "notice": notice}
    return render(request, "advocacy/advocates.html", context, status_code=status_code, block="candidates")


@require_staff(Role.MODERATOR)
async def advocates(request: Request) -> Response:
    return await _advocates(request)


@require_staff(Role.MODERATOR)
async def advocates_recognise(request: Request) -> Response:
    form = await request.form()
    try:
        ids = identifiers(form.getlist("customer"), "customers")
        points = whole(form.get("points"), "points", default=0) or 0
        badge = text(form.get("badge"), "badge", max_length=64)
        result = await recognise(
            request.app.state.settings, ids, badge, points, staff(request), datetime.now(UTC)
        )
    except RecognitionError as error:
        return await _advocates(request, error, status_code=422)
    notice = f"Recognised {len(result.recognised)} customers; {len(result.mailed)} thank-you mails queued."
    return await _advocates(request, notice=notice)


@require_staff()
async def customer_list(request: Request) -> Response:
    params = request.query_params
    levels = request.app.state.settings.tiers.levels
    tiers = tuple(level.name for level in levels)
    early_access = [level.name for level in levels if level.early_access]
    search = CustomerSearch.parse(params, params.getlist("flag"), _today(), tiers)
    page = await customer_list_page(search)
    context = {"page": page, "search": search, "stages": STAGES, "flags": FLAGS, "tiers": tiers}
    context["early_access"] = early_access
    return render(request, "advocacy/customers.html", context, block="results")


def _api_period(request: Request, days: int) -> Period:
    return period_from(request.query_params, _today(), days)


@require_scope("metrics:read")
async def api_movement(request: Request) -> Response:
    try:
        period = _api_period(request, MOVEMENT_DAYS)
    except BadParams as error:
        return problem(422, "The dates are not valid.", error.errors)
    page = await movement_page(period)
    body = {
        **page.matrix.as_dict(),
        "stage_counts": page.series.as_dict(),
        "tier_moves": page.tier_moves.as_dict(),
    }
    return JSONResponse(body)


@require_scope("metrics:read")
async def api_retention(request: Request) -> Response:
    try:
        period = _api_period(request, RETENTION_DAYS)
    except BadParams as error:
        return problem(422, "The dates are not valid.", error.errors)
    return JSONResponse((await retention(request.app.state.settings, period)).as_dict())
