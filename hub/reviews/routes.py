"""Admin review moderation: the list, one review, approve, reject, bulk and replies."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData, QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from hub.reviews import moderation
from hub.reviews.models import ReviewStatus
from hub.reviews.moderation import ModerationError, ReviewFilter
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.web.params import choice, identifier, identifiers, whole

YES_NO = {"yes": True, "no": False}


def _yes_no(params: QueryParams, name: str) -> bool | None:
    return YES_NO.get(choice(params.get(name), name, YES_NO) or "")


def parse_filter(params: QueryParams) -> ReviewFilter:
    return ReviewFilter(
        status=choice(params.get("status"), "status", [s.value for s in ReviewStatus]) or "",
        rating=whole(params.get("rating"), "rating", low=1, high=5),
        flagged=_yes_no(params, "flagged"),
        product_id=identifier(params.get("product"), "product"),
        has_photos=_yes_no(params, "photos"),
        page=whole(params.get("page"), "page", low=1, default=1) or 1,
    )


def _list_query(params: QueryParams, page: int) -> str:
    kept = {
        key: params[key] for key in ("status", "rating", "flagged", "product", "photos") if params.get(key)
    }
    return urlencode({**kept, "page": page})


def _back(request: Request, form: FormData) -> Response:
    """Back to the page the form came from: only an admin review page, never elsewhere."""
    target = str(form.get("next", ""))
    home = str(request.app.url_path_for("review_moderation"))
    if not target.startswith(home) or target.startswith("//"):
        target = home
    return RedirectResponse(target, status_code=303)


@require_staff("moderator")
async def review_list(request: Request) -> Response:
    wanted = parse_filter(request.query_params)
    page = await moderation.list_reviews(wanted)
    context = {
        "page": page,
        "wanted": wanted,
        "params": request.query_params,
        "reasons": moderation.REJECT_REASONS,
        "statuses": [s.value for s in ReviewStatus],
        "newer": _list_query(request.query_params, page.page - 1),
        "older": _list_query(request.query_params, page.page + 1),
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    }
    return render(request, "reviews/admin_reviews.html", context, block="results")


async def _detail(request: Request, review_id: int, error: ModerationError | None = None) -> Response:
    detail = await moderation.review_detail(review_id)
    if detail is None:
        raise HTTPException(404, "There is no such review.")
    context = {
        "detail": detail,
        "review": detail.review,
        "reasons": moderation.REJECT_REASONS,
        "error": error,
        "here": request.url.path,
    }
    return render(request, "reviews/admin_review.html", context, status_code=400 if error else 200)


@require_staff("moderator")
async def review_page(request: Request) -> Response:
    return await _detail(request, request.path_params["review_id"])


@require_staff("moderator")
async def review_action(request: Request) -> Response:
    form = await request.form()
    action, reason = request.path_params["action"], str(form.get("reason", ""))
    try:
        review = await moderation.moderate_review(
            staff(request), request.path_params["review_id"], action, reason
        )
    except ModerationError as error:
        raise HTTPException(404 if error.field == "review" else 400, error.reason) from None
    if request.headers.get("HX-Request") == "true":
        await review.fetch_related("product", "replies")
        context = {"review": review, "reasons": moderation.REJECT_REASONS, "here": str(form.get("next", ""))}
        return render(request, "reviews/_review_row.html", context)
    return _back(request, form)


@require_staff("moderator")
async def review_bulk(request: Request) -> Response:
    form = await request.form()
    ids = identifiers(form.getlist("ids"), "ids")
    if not ids:
        raise HTTPException(400, "Tick at least one review.")
    try:
        await moderation.moderate_reviews(
            staff(request), ids, str(form.get("action", "")), str(form.get("reason", ""))
        )
    except ModerationError as error:
        raise HTTPException(400, error.reason) from None
    return _back(request, form)


@require_staff("moderator")
async def review_reply(request: Request) -> Response:
    form = await request.form()
    review_id = request.path_params["review_id"]
    settings = request.app.state.settings
    try:
        await moderation.reply_to_review(
            settings,
            staff(request),
            review_id,
            str(form.get("body", "")),
            public=form.get("visibility") != "private",
        )
    except ModerationError as error:
        if error.field == "review":
            raise HTTPException(404, error.reason) from None
        return await _detail(request, review_id, error)
    return RedirectResponse(
        str(request.app.url_path_for("review_page", review_id=review_id)), status_code=303
    )


routes: list[BaseRoute] = [
    Route("/admin/reviews", review_list, methods=["GET"], name="review_moderation"),
    Route("/admin/reviews/bulk", review_bulk, methods=["POST"], name="review_bulk"),
    Route("/admin/reviews/{review_id:id}", review_page, methods=["GET"], name="review_page"),
    Route("/admin/reviews/{review_id:id}/reply", review_reply, methods=["POST"], name="review_reply"),
    Route(
        "/admin/reviews/{review_id:id}/{action:str}", review_action, methods=["POST"], name="review_action"
    ),
]
