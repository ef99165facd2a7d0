"""The public review API (no key) and the keyed review API (reviews:read, reviews:write)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from hub.catalog.schema import FieldError
from hub.intake.api import InvalidReview, parse_review, submit_from_store
from hub.reviews.models import ReviewStatus
from hub.staff.apikeys import require_scope
from hub.web.errors import problem
from hub.web.json_body import BadBody, invalid_body, json_body
from hub.web.safe_json import html_safe_json
from hub.widget.cache import scope_for
from hub.widget.feed import export_lines, feed_page, parse_feed_query
from hub.widget.http import cached_response, cors_headers, may_post_from, preflight_headers
from hub.widget.queries import QueryError, Scope, list_reviews, parse_query, summary_json
from hub.widget.votes import VoteError, cast_vote

JSON = "application/json"


async def product_scope(request: Request) -> Scope:
    scope = await scope_for(request.path_params["sku"])
    if scope is None:
        raise HTTPException(404, "There is no product with this SKU.", cors_headers(request))
    return scope


async def reviews_json(request: Request, scope: Scope, params: dict[str, str]) -> bytes:
    query = parse_query(params)
    page = await list_reviews(request.app.state.settings, scope, query)
    return html_safe_json(
        {
            "sku": scope.sku,
            "page": page.page,
            "limit": query.limit,
            "sort": query.sort,
            "next_page": page.next_page,
            "items": page.items,
        }
    )


async def product_reviews(request: Request) -> Response:
    scope = await product_scope(request)
    try:
        key = parse_query(request.query_params).key()
    except QueryError as error:
        return problem(422, "The query is not valid.", error.errors)
    params = dict(request.query_params)
    return await cached_response(
        request,
        kind="reviews",
        scope=scope,
        key=key,
        media_type=JSON,
        build=lambda: reviews_json(request, scope, params),
    )


async def product_summary(request: Request) -> Response:
    scope = await product_scope(request)

    async def build() -> bytes:
        return html_safe_json(summary_json(scope))

    return await cached_response(request, kind="summary", scope=scope, key="", media_type=JSON, build=build)


def _vote_problem(request: Request, error: VoteError) -> Response:
    response = problem(error.status, "The vote was not counted.", [FieldError(error.field, error.reason)])
    response.headers.update(cors_headers(request))
    return response


async def vote(request: Request) -> Response:
    settings = request.app.state.settings
    if not may_post_from(settings, request.headers.get("origin")):
        raise HTTPException(403, "Votes are accepted from the store's pages only.")
    try:
        data = await json_body(request)
        voter, helpful = str(data.get("voter", "")), data.get("helpful", True) is not False
        result = await cast_vote(
            settings,
            review_id=request.path_params["review_id"],
            voter=voter,
            helpful=helpful,
            ip=request.client.host if request.client else None,
        )
    except (BadBody, AttributeError):
        return _vote_problem(request, VoteError(422, "", "must be a JSON object"))
    except VoteError as error:
        return _vote_problem(request, error)
    body = {"counted": result.counted, "helpful": result.helpful, "unhelpful": result.unhelpful}
    return JSONResponse(body, headers={**cors_headers(request), "Cache-Control": "no-store"})


async def vote_preflight(request: Request) -> Response:
    return Response(status_code=204, headers=preflight_headers(request, "POST, OPTIONS"))


@require_scope("reviews:read")
async def review_feed(request: Request) -> Response:
    try:
        items, next_cursor = await feed_page(parse_feed_query(request.query_params))
    except QueryError as error:
        return problem(422, "The query is not valid.", error.errors)
    return JSONResponse({"items": items, "next_cursor": next_cursor})


@require_scope("reviews:read")
async def review_export(request: Request) -> Response:
    try:
        query = parse_feed_query(request.query_params)
    except QueryError as error:
        return problem(422, "The query is not valid.", error.errors)
    return StreamingResponse(export_lines(query), media_type="application/x-ndjson")


@require_scope("reviews:write")
async def review_create(request: Request) -> Response:
    try:
        result = await submit_from_store(request.app.state.settings, parse_review(await json_body(request)))
    except BadBody as error:
        return invalid_body(error)
    except InvalidReview as error:
        return problem(error.status, "The review was not accepted.", error.errors)
    review = result.review
    published = review.status == ReviewStatus.PUBLISHED
    return JSONResponse(
        {
            "id": review.id,
            "status": review.status,
            "published": published,
            "verified_buyer": review.verified_buyer,
            "source": review.source,
        },
        status_code=201,
    )


routes: list[BaseRoute] = [
    Route("/api/v1/products/{sku:str}/reviews", product_reviews, methods=["GET"], name="api_product_reviews"),
    Route("/api/v1/products/{sku:str}/summary", product_summary, methods=["GET"], name="api_product_summary"),
    Route("/api/v1/reviews/export", review_export, methods=["GET"], name="api_review_export"),
    Route("/api/v1/reviews", review_feed, methods=["GET"], name="api_reviews"),
    Route("/api/v1/reviews", review_create, methods=["POST"], name="api_review_create"),
    Route("/api/v1/reviews/{review_id:id}/votes", vote, methods=["POST"], name="api_review_vote"),
    Route(
        "/api/v1/reviews/{review_id:id}/votes",
        vote_preflight,
        methods=["OPTIONS"],
        name="api_review_vote_preflight",
    ),
]
