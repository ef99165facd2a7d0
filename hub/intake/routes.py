"""Routes of the invites domain: the review form a review link opens, and its posts.

Without JavaScript each product's form posts here and is redirected back (Post/Redirect/Get);
with htmx the product's section is swapped in place. htmx 2 does not swap 4xx answers,
so a refused htmx post answers 200 with the errors in the section.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, NoMatchFound, Route

from hub.catalog.models import Product
from hub.intake.form import (
    LIMITS,
    FormInvalid,
    Section,
    check_field,
    complete_if_done,
    field_name,
    load_section,
    load_sections,
    parse_entry,
    product_of,
    save_entry,
    saved_notice,
)
from hub.invites.links import LinkExpired, LinkUnknown, ReviewVisit, open_review_link
from hub.photos.uploads import ACCEPT_ATTRIBUTE, MAX_PHOTO_BYTES, MAX_PHOTOS, PhotoUpload
from hub.templating import render
from hub.web.csrf import csrf_protect
from hub.web.errors import InvalidInput
from hub.web.params import identifier, whole

RATINGS = range(1, 6)
SECTION_TEMPLATE = "intake/_review_product.html"


async def _visit(token: str) -> ReviewVisit:
    try:
        return await open_review_link(token)
    except LinkUnknown:
        raise HTTPException(404, "This link is not valid.") from None
    except LinkExpired:
        raise HTTPException(410, "This review link has expired.") from None


def _chosen(request: Request) -> tuple[int | None, int | None]:
    """The product and star picked in the mail, when the query names them correctly.

    A mangled mail link still opens the form, with nothing chosen.
    """
    params = request.query_params
    try:
        product = identifier(params.get("product"), "product")
        rating = whole(params.get("rating"), "rating", low=RATINGS.start, high=RATINGS.stop - 1)
    except InvalidInput:
        return None, None
    return (product, rating) if product and rating else (None, None)


def _htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _thanks_url(request: Request, token: str) -> str | None:
    """The survey page after the last review, once that route exists."""
    try:
        return str(request.app.url_path_for("review_thanks", token=token))
    except NoMatchFound:
        return None


def _context(token: str, **extra: Any) -> dict[str, Any]:
    return {"token": token, "ratings": RATINGS, "accept": ACCEPT_ATTRIBUTE, "max_photos": MAX_PHOTOS, **extra}


async def _page(
    request: Request,
    token: str,
    visit: ReviewVisit,
    *,
    status: int = 200,
    saved: int | None = None,
    failed: Section | None = None,
) -> Response:
    now = datetime.now(UTC)
    sections = await load_sections(visit, now, chosen=_chosen(request), saved=saved)
    if failed is not None:
        sections = [failed if s.product.id == failed.product.id else s for s in sections]
    done = all(section.review is not None for section in sections)
    context = _context(
        token, visit=visit, sections=sections, thanks_url=_thanks_url(request, token) if done else None
    )
    return render(request, "intake/review_form.html", context, status_code=status)


async def review_form(request: Request) -> Response:
    token = request.path_params["token"]
    visit = await _visit(token)
    return await _page(request, token, visit, saved=identifier(request.query_params.get("saved"), "saved"))


def _product(visit: ReviewVisit, form: FormData) -> Product:
    product = product_of(visit, identifier(form.get("product_id"), "product_id") or 0)
    if product is None:
        raise HTTPException(404, "This product is not part of the order.")
    return product


async def _uploads(form: FormData, product_id: int) -> tuple[PhotoUpload, ...]:
    """The chosen files, each read to one byte past the limit so that size is known unread."""
    files = [
        item
        for item in form.getlist(field_name("photos", product_id))
        if isinstance(item, UploadFile) and item.filename
    ]
    return tuple([PhotoUpload(str(item.filename), await item.read(MAX_PHOTO_BYTES + 1)) for item in files])


def _texts(form: FormData) -> dict[str, str]:
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


def _section(request: Request, token: str, section: Section, **extra: Any) -> Response:
    return render(request, SECTION_TEMPLATE, _context(token, section=section, **extra))


async def _saved(
    request: Request, token: str, visit: ReviewVisit, product: Product, now: datetime
) -> Response:
    done = await complete_if_done(visit, now)
    thanks = _thanks_url(request, token) if done else None
    if _htmx(request):
        section = await load_section(visit, product, now)
        section.notice = saved_notice(product)
        return _section(request, token, section, thanks_url=thanks)
    target = thanks or (
        str(request.app.url_path_for("review_form", token=token))
        + f"?saved={product.id}#product-{product.id}"
    )
    return RedirectResponse(target, status_code=303)


@csrf_protect
async def review_submit(request: Request) -> Response:
    async with request.form() as form:  # closing it removes the uploads' temporary files
        return await _submit(request, form)


async def _submit(request: Request, form: FormData) -> Response:
    token = request.path_params["token"]
    visit = await _visit(token)
    product, now = _product(visit, form), datetime.now(UTC)
    section = await load_section(visit, product, now)
    entry = parse_entry(_texts(form), product.id, await _uploads(form, product.id))
    ip = request.client.host if request.client else None
    try:
        await save_entry(request.app.state.settings, visit, section, entry, ip=ip, now=now)
    except FormInvalid as invalid:
        section.errors = invalid.errors
        section.values = replace(entry, photos=()) if section.editable else section.values
        if _htmx(request):
            return _section(request, token, section)
        return await _page(request, token, visit, status=invalid.status, failed=section)
    return await _saved(request, token, visit, product, now)


@csrf_protect
async def review_validate(request: Request) -> Response:
    """One field checked on its own (htmx, on change): the field again, with its error if any."""
    token, name = request.path_params["token"], request.query_params.get("field", "")
    if name not in LIMITS:
        raise HTTPException(400, "Only the title and the review are checked here.")
    visit = await _visit(token)
    async with request.form() as form:
        product = _product(visit, form)
        value = str(form.get(field_name(name, product.id), ""))
    section = await load_section(visit, product, datetime.now(UTC))
    check_field(section, name, value)
    return render(request, SECTION_TEMPLATE, _context(token, section=section), block=f"field_{name}")


routes: list[BaseRoute] = [
    Route("/r/{token}", review_form, methods=["GET"], name="review_form"),
    Route("/r/{token}", review_submit, methods=["POST"], name="review_submit"),
    Route("/r/{token}/validate", review_validate, methods=["POST"], name="review_validate"),
]
