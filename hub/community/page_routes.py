"""Server-rendered pages for store pages and shoppers: the Q&A fragment with its no-JS form,
the gallery and contributors fragments, and the public contributor profile."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.catalog.models import Product
from hub.community import gallery as gallery_service
from hub.community.api_routes import CONTRIBUTORS, client_ip, scoped_ids
from hub.community.http import fragment_headers, limit_param
from hub.community.products import product_for
from hub.community.profiles import public_profile, top_contributors
from hub.community.questions import DEFAULT_QUESTIONS, QuestionIn, ask_question, product_questions
from hub.templating import templates
from hub.text.normalise import SubmissionError
from hub.urls import path_for
from hub.widget.http import may_post_from

NOTICES = {
    "published": "Thank you: your question is published below. Follow the link we mailed you "
    "to hear when it is answered.",
    "pending": "Thank you: your question will appear once it has been checked. Follow the link "
    "we mailed you to hear when it is answered.",
}


def render_fragment(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """The whole page, or with ?part=1 only its `content` block, for insertion by widget.js."""
    block = "content" if request.query_params.get("part") == "1" else None
    context = {"base": request.app.state.settings.base_url, **context}
    response = templates.TemplateResponse(request, name, context, status_code=status_code, block_name=block)
    response.headers.update(fragment_headers(request))
    return response


async def _product(request: Request) -> Product:
    product = await product_for(request.path_params["sku"])
    if product is None:
        raise HTTPException(404, "There is no product with this SKU.")
    return product


async def _questions_page(
    request: Request,
    product: Product,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    items = await product_questions(product, limit_param(request.query_params, DEFAULT_QUESTIONS))
    context = {
        "product": product,
        "questions": items,
        "values": values or {},
        "errors": errors or {},
        "notice": NOTICES.get(request.query_params.get("asked", ""), ""),
    }
    return render_fragment(request, "community/questions.html", context, status_code)


async def question_fragment(request: Request) -> Response:
    return await _questions_page(request, await _product(request))


async def question_form(request: Request) -> Response:
    if not may_post_from(request.app.state.settings, request.headers.get("origin")):
        raise HTTPException(403, "Questions are accepted from the store's pages only.")
    product = await _product(request)
    form = {key: str(value) for key, value in (await request.form()).items()}
    entry = QuestionIn(
        email=form.get("email", ""),
        body=form.get("body", ""),
        name=form.get("name", ""),
        honeypot=form.get("website", ""),
        ip=client_ip(request),
    )
    try:
        question = await ask_question(request.app.state.settings, product, entry, datetime.now(UTC))
    except SubmissionError as error:
        return await _questions_page(
            request,
            product,
            values=form,
            errors={error.field: error.reason},
            status_code=429 if error.field == "rate" else 400,
        )
    shown = "published" if question.is_public else "pending"
    url = path_for("question_fragment", sku=product.external_id)
    return RedirectResponse(f"{url}?{urlencode({'asked': shown})}", status_code=303)


async def gallery_fragment(request: Request) -> Response:
    settings = request.app.state.settings
    limit = limit_param(request.query_params, gallery_service.DEFAULT_PHOTOS)
    photos = await gallery_service.gallery(settings, await scoped_ids(request), limit)
    return render_fragment(request, "community/gallery.html", {"photos": photos})


async def contributors_fragment(request: Request) -> Response:
    top = await top_contributors(limit_param(request.query_params, CONTRIBUTORS))
    return render_fragment(request, "community/contributors.html", {"contributors": top})


async def contributor_profile(request: Request) -> Response:
    profile = await public_profile(request.path_params["customer_id"])
    if profile is None:
        raise HTTPException(404, "There is no such public profile.")
    return render_fragment(request, "community/profile.html", {"profile": profile})
