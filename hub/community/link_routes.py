"""Pages behind link tokens: answer a question, confirm an asker's address, share a photo,
choose a public profile."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hub.community.answers import AnswerVisit, answer_as_buyer, open_answer_link
from hub.community.confirming import confirm_asker, open_confirm_link
from hub.community.profiles import customer_for_profile_token, save_profile
from hub.community.share import LINK_FULL, ShareVisit, open_share_link, share_photo
from hub.links.tokens import LinkError
from hub.photos.uploads import ACCEPT_ATTRIBUTE, PhotoRejected, PhotoUpload
from hub.templating import render
from hub.text.normalise import SubmissionError
from hub.web.csrf import check_csrf, csrf_protect
from hub.web.params import identifier

GONE = "This link has expired or is not valid any more."


async def _answer_visit(request: Request) -> AnswerVisit:
    try:
        return await open_answer_link(request.path_params["token"], datetime.now(UTC))
    except LinkError:
        raise HTTPException(404, GONE) from None


async def answer_form(request: Request) -> Response:
    visit = await _answer_visit(request)
    return render(request, "community/answer_form.html", {"visit": visit, "errors": {}, "body": ""})


@csrf_protect
async def answer_submit(request: Request) -> Response:
    visit = await _answer_visit(request)
    form = await request.form()
    body = str(form.get("body", ""))
    try:
        answer = await answer_as_buyer(
            request.app.state.settings,
            visit,
            body,
            honeypot=str(form.get("website", "")),
            now=datetime.now(UTC),
        )
    except SubmissionError as error:
        context = {"visit": visit, "errors": {error.field: error.reason}, "body": body}
        return render(request, "community/answer_form.html", context, status_code=400)
    return render(request, "community/answer_thanks.html", {"visit": visit, "answer": answer})


async def asker_confirm_form(request: Request) -> Response:
    try:
        visit = await open_confirm_link(request.path_params["token"], datetime.now(UTC))
    except LinkError:
        raise HTTPException(404, GONE) from None
    return render(request, "community/asker_confirm.html", {"visit": visit})


@csrf_protect
async def asker_confirm(request: Request) -> Response:
    try:
        visit = await confirm_asker(request.path_params["token"], datetime.now(UTC))
    except LinkError:
        raise HTTPException(404, GONE) from None
    return render(request, "community/asker_confirm.html", {"visit": visit})


async def _share_visit(request: Request) -> ShareVisit:
    try:
        return await open_share_link(request.path_params["token"], datetime.now(UTC))
    except LinkError:
        raise HTTPException(404, GONE) from None


def _share_context(visit: ShareVisit, errors: dict[str, str] | None = None) -> dict[str, Any]:
    return {"visit": visit, "errors": errors or {}, "accept": ACCEPT_ATTRIBUTE, "full": LINK_FULL}


async def share_form(request: Request) -> Response:
    return render(request, "community/share_form.html", _share_context(await _share_visit(request)))


async def _upload(value: object) -> PhotoUpload | None:
    if not isinstance(value, UploadFile):
        return None
    return PhotoUpload(value.filename or "photo", await value.read())


async def share_submit(request: Request) -> Response:
    async with request.form(max_files=1) as form:  # parsed with its own limit, then checked
        await check_csrf(request)
        visit = await _share_visit(request)
        product, consent = str(form.get("product", "")), form.get("consent") == "yes"
        upload = await _upload(form.get("photo"))
    errors: dict[str, str] = {}
    try:
        await share_photo(
            request.app.state.settings,
            visit,
            product_id=identifier(product, "product"),
            upload=upload,
            consent=consent,
            now=datetime.now(UTC),
        )
    except SubmissionError as error:
        errors = {error.field: error.reason}
    except PhotoRejected as error:
        errors = {"photo": str(error)}
    if errors:
        return render(request, "community/share_form.html", _share_context(visit, errors), status_code=400)
    return render(request, "community/share_thanks.html", {"visit": visit})


async def _profile_customer(request: Request) -> Any:
    customer = await customer_for_profile_token(request.app.state.settings, request.path_params["token"])
    if customer is None:
        raise HTTPException(404, GONE)
    return customer


async def profile_settings(request: Request) -> Response:
    customer = await _profile_customer(request)
    context = {"customer": customer, "errors": {}, "saved": False}
    return render(request, "community/profile_settings.html", context)


@csrf_protect
async def profile_save(request: Request) -> Response:
    customer = await _profile_customer(request)
    form = await request.form()
    try:
        await save_profile(
            customer,
            opt_in=form.get("opt_in") == "yes",
            name=str(form.get("display_name", "")),
            now=datetime.now(UTC),
            settings=request.app.state.settings,
        )
    except SubmissionError as error:
        context = {"customer": customer, "errors": {error.field: error.reason}, "saved": False}
        return render(request, "community/profile_settings.html", context, status_code=400)
    context = {"customer": customer, "errors": {}, "saved": True}
    return render(request, "community/profile_settings.html", context)
