"""/admin/questions: moderators approve or reject questions and answers, and answer as the brand.

/admin/contributors: moderators see the public contributor profiles and take down one
whose name should not be shown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.community.answers import answer_as_brand
from hub.community.moderation import ACTIONS, moderate_answer, moderate_question, moderation_queue
from hub.community.profiles import profile_page, withdraw_profile
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.text.normalise import SubmissionError
from hub.urls import path_for
from hub.web.params import identifier, whole


def _is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(request: Request) -> Response:
    return RedirectResponse(str(path_for("question_moderation")), status_code=303)


def _action(request: Request) -> str:
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise HTTPException(404, "Questions and answers can be approved or rejected.")
    return str(action)


@require_staff("moderator")
async def question_queue(request: Request) -> Response:
    context = {"queue": await moderation_queue(), "errors": {}}
    return render(request, "community/admin_questions.html", context)


async def _moderated(
    request: Request, moderate: Callable[..., Awaitable[Any]], item_id: str, row_template: str, name: str
) -> Response:
    """Approve or reject, then the item's row for htmx or the queue again without it."""
    item = await moderate(staff(request), request.path_params[item_id], _action(request), datetime.now(UTC))
    if item is None:
        raise HTTPException(404, f"There is no such {name}.")
    if _is_htmx(request):
        return render(request, row_template, {name: item})
    return _back(request)


@require_staff("moderator")
async def question_action(request: Request) -> Response:
    return await _moderated(
        request, moderate_question, "question_id", "community/_question_row.html", "question"
    )


@require_staff("moderator")
async def answer_action(request: Request) -> Response:
    moderate = partial(moderate_answer, settings=request.app.state.settings)
    return await _moderated(request, moderate, "answer_id", "community/_answer_row.html", "answer")


@require_staff("moderator")
async def brand_answer(request: Request) -> Response:
    form = await request.form()
    question_id = request.path_params["question_id"]
    try:
        answer = await answer_as_brand(
            request.app.state.settings,
            staff(request),
            question_id,
            str(form.get("body", "")),
            datetime.now(UTC),
        )
    except SubmissionError as error:
        context = {"queue": await moderation_queue(), "errors": {question_id: error.reason}}
        return render(request, "community/admin_questions.html", context, status_code=400)
    if answer is None:
        raise HTTPException(404, "There is no such question.")
    return _back(request)


@require_staff("moderator")
async def contributor_list(request: Request) -> Response:
    page = whole(request.query_params.get("page"), "page", low=1, default=1) or 1
    rows, more = await profile_page(page)
    context = {
        "rows": rows,
        "page": page,
        "more": more,
        "withdrawn": identifier(request.query_params.get("withdrawn"), "withdrawn"),
    }
    return render(request, "community/admin_contributors.html", context)


@require_staff("moderator")
async def contributor_withdraw(request: Request) -> Response:
    customer = await withdraw_profile(staff(request), request.path_params["customer_id"])
    if customer is None:
        raise HTTPException(404, "There is no public profile for this customer.")
    if _is_htmx(request):
        return render(request, "community/_contributor_withdrawn.html", {"customer": customer})
    path = path_for("contributor_list")
    return RedirectResponse(f"{path}?withdrawn={customer.id}", status_code=303)
