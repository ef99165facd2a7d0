"""The customer's survey pages: the thank-you page after a review and `/s/` survey links."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hub.config import Settings
from hub.intake.survey_answers import open_survey_link, submit_response
from hub.invites.links import LinkUnknown
from hub.links.tokens import LinkExpired
from hub.surveys import surveys
from hub.surveys.surveys import SurveyVisit
from hub.templating import render
from hub.web.csrf import csrf_protect

Opener = Callable[[Settings, str], Awaitable[SurveyVisit]]


async def _open(opener: Opener, request: Request) -> SurveyVisit:
    try:
        return await opener(request.app.state.settings, request.path_params["token"])
    except LinkUnknown:
        raise HTTPException(404, "This link is not valid.") from None
    except LinkExpired:
        raise HTTPException(410, "This link has expired.") from None


async def _answer(request: Request, visit: SurveyVisit, template: str) -> Response:
    context: dict[str, Any] = {
        "visit": visit,
        "token": request.path_params["token"],
        "errors": {},
        "values": {},
        "done": False,
    }
    if request.method != "POST" or visit.survey is None or visit.answered:
        return render(request, template, context, block="survey")
    values = {key: str(value) for key, value in (await request.form()).items()}
    parsed = surveys.parse_answers(visit.questions, values)
    if parsed.errors:
        context.update(errors=parsed.errors, values=values)
        return render(request, template, context, block="survey", status_code=400)
    stored = await submit_response(request.app.state.settings, visit, parsed.answers)
    context.update(done=stored is not None)
    visit.answered = stored is None
    return render(request, template, context, block="survey")


@csrf_protect
async def review_thanks(request: Request) -> Response:
    visit = await _open(surveys.open_thanks, request)
    return await _answer(request, visit, "intake/thanks.html")


@csrf_protect
async def survey_form(request: Request) -> Response:
    visit = await _open(open_survey_link, request)
    return await _answer(request, visit, "surveys/survey_form.html")
