"""The customer's survey pages: the thank-you page after a review, `/s/` survey links, and a
public survey's page (`/surveys/<id>`) and its embed for store pages (`/surveys/<id>/embed`)."""

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
from hub.surveys.models import OTHER
from hub.surveys.surveys import SurveyVisit
from hub.surveys.translations import form_language
from hub.templating import render
from hub.web.csrf import csrf_protect
from hub.web.params import client_ip
from hub.web.ratelimit import limiter
from hub.widget.http import fragment_policy, hub_origin

Opener = Callable[[Settings, str], Awaitable[SurveyVisit]]


async def _open(opener: Opener, request: Request) -> SurveyVisit:
    try:
        return await opener(request.app.state.settings, request.path_params["token"])
    except LinkUnknown:
        raise HTTPException(404, "This link is not valid.") from None
    except LinkExpired:
        raise HTTPException(410, "This link has expired.") from None


async def _answer(request: Request, visit: SurveyVisit, template: str, **extra: Any) -> Response:
    language = None
    if visit.survey is not None:
        language = form_language(visit.survey, visit.locale, request.headers.get("accept-language", ""))
    context: dict[str, Any] = {
        "visit": visit,
        "token": request.path_params.get("token"),
        "language": language,
        "page_lang": language or "en",
        "errors": {},
        "values": {},
        "done": False,
        "other_value": OTHER,
        **extra,
    }
    if request.method != "POST" or visit.survey is None or visit.answered:
        return render(request, template, context, block="survey")
    values = surveys.form_values((await request.form()).multi_items())
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


async def _public(request: Request) -> SurveyVisit:
    visit = await surveys.open_public(request.path_params["survey_id"])
    if visit is None:
        raise HTTPException(404, "There is no such survey.")
    if request.method == "POST":
        settings = request.app.state.settings
        if not limiter.allows(settings.rate_limits, "survey_ip", client_ip(request)):
            raise HTTPException(429, "Too many answers from this address. Try again later.")
    return visit


@csrf_protect
async def survey_public(request: Request) -> Response:
    """A public survey, answered anonymously by anyone."""
    return await _answer(request, await _public(request), "surveys/survey_public.html")


async def survey_embed(request: Request) -> Response:
    """A public survey for a store page's frame; its form posts only from this page of the hub.

    The frame is cross-site on the store, where the session cookie is not sent: the Origin
    header, which browsers set on every form post, is what keeps other sites' posts out.
    """
    settings = request.app.state.settings
    if request.method == "POST" and request.headers.get("origin") != hub_origin(settings):
        raise HTTPException(403, "This form did not come from this site. Reload the page and try again.")
    response = await _answer(request, await _public(request), "surveys/survey_embed.html", embed=True)
    policy = fragment_policy(settings, form_action="'self'") + "; script-src 'self'"
    response.headers.update({"Content-Security-Policy": policy, "Cache-Control": "no-store"})
    return response
