"""The public community JSON API: questions, answer votes, the gallery, contributors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hub.community import gallery as gallery_service
from hub.community.answers import vote_for_answer
from hub.community.http import cors_headers, json_response, limit_param, problem_with_cors
from hub.community.products import group_ids, product_for, variant_ids
from hub.community.profiles import contributor_json, top_contributors
from hub.community.questions import DEFAULT_QUESTIONS, QuestionIn, ask_question, product_questions
from hub.text.normalise import SubmissionError
from hub.web.json_body import BadBody, json_body
from hub.widget.http import may_post_from
from hub.widget.votes import VoteError

CONTRIBUTORS = 10


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


async def _product(request: Request) -> Any:
    product = await product_for(request.path_params["sku"])
    if product is None:
        raise HTTPException(404, "There is no product with this SKU.", cors_headers(request))
    return product


def _refuse_foreign(request: Request) -> None:
    if not may_post_from(request.app.state.settings, request.headers.get("origin")):
        raise HTTPException(403, "Accepted from the store's pages only.", cors_headers(request))


async def list_questions(request: Request) -> Response:
    product = await _product(request)
    items = await product_questions(product, limit_param(request.query_params, DEFAULT_QUESTIONS))
    return json_response(request, {"sku": product.external_id, "items": items})


def _question_in(data: dict[str, Any], ip: str | None) -> QuestionIn:
    return QuestionIn(
        email=str(data.get("email", "")),
        body=str(data.get("body", "")),
        name=str(data.get("name", "")),
        honeypot=str(data.get("website", "")),
        ip=ip,
    )


async def create_question(request: Request) -> Response:
    _refuse_foreign(request)
    product = await _product(request)
    try:
        data = await json_body(request)
        entry = _question_in(data, client_ip(request))
        question = await ask_question(request.app.state.settings, product, entry, datetime.now(UTC))
    except (BadBody, AttributeError):
        return problem_with_cors(request, 422, "The question was not accepted.", "", "must be a JSON object")
    except SubmissionError as error:
        status = 429 if error.field == "rate" else 422
        return problem_with_cors(request, status, "The question was not accepted.", error.field, error.reason)
    body = {"id": question.id, "status": question.status, "published": question.is_public}
    return json_response(request, body, status_code=201)


async def vote(request: Request) -> Response:
    _refuse_foreign(request)
    try:
        data = await json_body(request)
        counted, helpful = await vote_for_answer(
            request.app.state.settings,
            request.path_params["answer_id"],
            str(data.get("voter", "")),
            client_ip(request),
        )
    except (BadBody, AttributeError):
        return problem_with_cors(request, 422, "The vote was not counted.", "", "must be a JSON object")
    except VoteError as error:
        return problem_with_cors(
            request, error.status, "The vote was not counted.", error.field, error.reason
        )
    return json_response(request, {"counted": counted, "helpful": helpful})


async def scoped_ids(request: Request) -> list[int] | None:
    """The products of ?product=SKU or ?group=KEY; None (the whole shop) without either."""
    sku, key = request.query_params.get("product"), request.query_params.get("group")
    if sku:
        product = await product_for(sku)
        if product is None:
            raise HTTPException(404, "There is no product with this SKU.", cors_headers(request))
        return await variant_ids(product)
    if key:
        ids = await group_ids(key)
        if ids is None:
            raise HTTPException(404, "There is no product group with this key.", cors_headers(request))
        return ids
    return None


async def gallery(request: Request) -> Response:
    settings = request.app.state.settings
    limit = limit_param(request.query_params, gallery_service.DEFAULT_PHOTOS)
    items = await gallery_service.gallery(settings, await scoped_ids(request), limit)
    return json_response(request, {"items": items})


async def contributors(request: Request) -> Response:
    settings = request.app.state.settings
    top = await top_contributors(limit_param(request.query_params, CONTRIBUTORS))
    return json_response(request, {"items": [contributor_json(settings, *row) for row in top]})
