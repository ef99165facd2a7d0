"""Survey pages: the thank-you page after a review, `/s/` links, the builder and the results."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from hub.staff.apikeys import require_scope
from hub.staff.web import require_staff, staff
from hub.surveys import questions as builder
from hub.surveys import surveys
from hub.surveys.follow_ups import followed_up
from hub.surveys.models import CONDITION_KINDS, KIND_LABELS, Survey, SurveyQuestion
from hub.surveys.results import survey_overview
from hub.surveys.results_page import parse_asked, results_dict, results_page
from hub.surveys.rollup import SEGMENTS
from hub.surveys.surveys import PURPOSES, SurveyError
from hub.surveys.translations import save_translation
from hub.templating import render
from hub.urls import external_url, path_for


async def _survey(request: Request) -> Survey:
    survey = await Survey.get_or_none(id=request.path_params["survey_id"])
    if survey is None:
        raise HTTPException(404, "No such survey.")
    return survey


async def _question(request: Request, survey: Survey) -> SurveyQuestion:
    question = await SurveyQuestion.get_or_none(id=request.path_params["question_id"], survey=survey)
    if question is None:
        raise HTTPException(404, "No such question.")
    return question


def _to_edit(request: Request, survey: Survey) -> Response:
    target = path_for("survey_edit", survey_id=survey.id)
    return RedirectResponse(str(target), status_code=303)


async def _list_page(
    request: Request, errors: dict[str, str] | None = None, values: dict[str, str] | None = None
) -> Response:
    context = {
        "surveys": await survey_overview(),
        "purposes": PURPOSES,
        "errors": errors or {},
        "values": values or {},
    }
    return render(request, "surveys/survey_list.html", context, status_code=400 if errors else 200)


@require_staff("moderator")
async def survey_list(request: Request) -> Response:
    return await _list_page(request)


@require_staff("moderator")
async def survey_create(request: Request) -> Response:
    values = {key: str(value) for key, value in (await request.form()).items()}
    try:
        survey = await surveys.create_survey(
            staff(request), values.get("name", ""), values.get("slug", ""), values.get("purpose", "")
        )
    except SurveyError as error:
        return await _list_page(request, {error.field: error.reason}, values)
    return _to_edit(request, survey)


async def _edit_page(
    request: Request,
    survey: Survey,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    questions = await SurveyQuestion.filter(survey=survey).order_by("position", "id")
    settings = request.app.state.settings
    context = {
        "survey": survey,
        "questions": questions,
        "by_id": {question.id: question for question in questions},
        "kinds": KIND_LABELS,
        "conditions": [question for question in questions if question.kind in CONDITION_KINDS],
        "errors": errors or {},
        "values": values or {},
        "public_url": external_url(settings, "survey_public", survey_id=survey.id),
        "widget_url": external_url(settings, "widget_js"),
    }
    return render(request, "surveys/survey_edit.html", context, status_code=400 if errors else 200)


@require_staff("moderator")
async def survey_edit(request: Request) -> Response:
    return await _edit_page(request, await _survey(request))


@require_staff("moderator")
async def survey_question_add(request: Request) -> Response:
    survey = await _survey(request)
    values = {key: str(value) for key, value in (await request.form()).items()}
    form = builder.QuestionForm(
        kind=values.get("kind", ""),
        prompt=values.get("prompt", ""),
        choices=values.get("choices", ""),
        required=values.get("required") == "on",
        other_option=values.get("other_option") == "on",
        show_if_question=values.get("show_if_question", ""),
        show_if_answers=values.get("show_if_answers", ""),
    )
    try:
        await builder.add_question(staff(request), survey, form)
    except SurveyError as error:
        return await _edit_page(request, survey, {error.field: error.reason}, values)
    return _to_edit(request, survey)


@require_staff("moderator")
async def survey_question_move(request: Request) -> Response:
    survey = await _survey(request)
    step = -1 if (await request.form()).get("direction") == "up" else 1
    try:
        await builder.move_question(staff(request), await _question(request, survey), step)
    except SurveyError as error:
        return await _edit_page(request, survey, {error.field: error.reason})
    return _to_edit(request, survey)


@require_staff("moderator")
async def survey_question_remove(request: Request) -> Response:
    survey = await _survey(request)
    try:
        await builder.remove_question(staff(request), await _question(request, survey))
    except SurveyError as error:
        return await _edit_page(request, survey, {error.field: error.reason})
    return _to_edit(request, survey)


@require_staff("moderator")
async def survey_public(request: Request) -> Response:
    survey = await _survey(request)
    await builder.set_public(staff(request), survey, (await request.form()).get("public") == "yes")
    return _to_edit(request, survey)


@require_staff("moderator")
async def survey_translate(request: Request) -> Response:
    survey = await _survey(request)
    values = {key: str(value) for key, value in (await request.form()).items()}
    questions = list(await SurveyQuestion.filter(survey=survey).order_by("position", "id"))
    try:
        await save_translation(staff(request), survey, questions, values)
    except SurveyError as error:
        return await _edit_page(request, survey, {error.field: error.reason}, values)
    return _to_edit(request, survey)


@require_staff("moderator")
async def survey_activate(request: Request) -> Response:
    survey = await _survey(request)
    try:
        await surveys.set_active(staff(request), survey, (await request.form()).get("active") == "yes")
    except SurveyError as error:
        return await _edit_page(request, survey, {error.field: error.reason})
    return _to_edit(request, survey)


@require_staff("moderator")
async def survey_results_page(request: Request) -> Response:
    survey = await _survey(request)
    page = await results_page(survey, parse_asked(request.query_params, datetime.now(UTC)))
    context = {
        "page": page,
        "results": page.results,
        "segments": SEGMENTS,
        "followed_up": await followed_up(survey),
    }
    return render(request, "surveys/survey_results.html", context, block="results")


@require_scope("surveys:read")
async def api_survey_results(request: Request) -> Response:
    page = await results_page(await _survey(request), parse_asked(request.query_params, datetime.now(UTC)))
    return JSONResponse(results_dict(page.results))
