"""Reviews sent by a store's own form through `POST /api/v1/reviews`.

They go through the same pipeline as every review (`submit_review`). A review is
unverified (source "api") unless it proves an order: `order_id` and `email` must match
an existing order of that customer which holds the product; a claimed order that does
not match is refused with a field error rather than silently stored as unverified.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hub.catalog.models import Order, Product, plausible_external_id
from hub.catalog.schema import EMAIL_PATTERN
from hub.config import Settings
from hub.intake.submit import SubmissionError, SubmissionResult, submit_review
from hub.reviews.models import ReviewSource
from hub.web.errors import FieldError, InvalidInput

TEXT_FIELDS = ("title", "body", "display_name")
OPTIONAL_TEXT = ("order_id", "email", "locale")


InvalidReview = InvalidInput


@dataclass(frozen=True, slots=True)
class ReviewIn:
    sku: str
    rating: int
    title: str
    body: str
    display_name: str
    order_id: str = ""
    email: str = ""
    locale: str = "en"


def _text_errors(data: Mapping[str, Any]) -> list[FieldError]:
    errors = [
        FieldError(name, "must be a string")
        for name in (*TEXT_FIELDS, *OPTIONAL_TEXT)
        if name in data and not isinstance(data[name], str)
    ]
    if not isinstance(data.get("sku"), str) or not data.get("sku", "").strip():
        errors.append(FieldError("sku", "is required: the product's SKU"))
    elif not plausible_external_id(data["sku"].strip()):
        errors.append(FieldError("sku", "is not a SKU: use up to 64 printable characters"))
    order_id = data.get("order_id")
    if isinstance(order_id, str) and order_id and not plausible_external_id(order_id):
        errors.append(FieldError("order_id", "is not an order id: use up to 64 printable characters"))
    if not str(data.get("body", "")).strip():
        errors.append(FieldError("body", "is required"))
    return errors


def _proof_errors(data: Mapping[str, Any]) -> list[FieldError]:
    order_id, email = str(data.get("order_id") or ""), str(data.get("email") or "")
    if order_id and not email:
        return [FieldError("email", "is required with order_id: the order's customer email")]
    if email and not EMAIL_PATTERN.match(email):
        return [FieldError("email", "is not an email address")]
    return []


def parse_review(data: Any) -> ReviewIn:
    """A `ReviewIn` from a JSON body; `InvalidReview` lists every bad field."""
    if not isinstance(data, dict):
        raise InvalidReview([FieldError("", "must be a JSON object")])
    rating: Any = data.get("rating")
    errors = _text_errors(data) + _proof_errors(data)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        errors.append(FieldError("rating", "must be a whole number from 1 to 5"))
    if errors:
        raise InvalidReview(errors)
    texts = {name: str(data.get(name) or "") for name in (*TEXT_FIELDS, *OPTIONAL_TEXT)}
    texts["locale"] = texts["locale"] or "en"
    return ReviewIn(sku=data["sku"].strip(), rating=int(rating), **texts)


async def _proven_order(review: ReviewIn, product: Product) -> Order | None:
    if not review.order_id:
        return None
    order = (
        await Order.filter(
            external_id=review.order_id,
            customer__email__iexact=review.email.strip(),
            lines__product_id=product.id,
        )
        .first()
        .prefetch_related("customer")
    )
    if order is None:
        raise InvalidReview([FieldError("order_id", "no order with this number, email and product")])
    return order


async def submit_from_store(settings: Settings, review: ReviewIn) -> SubmissionResult:
    """Store the review through the pipeline; `InvalidReview` when it is refused."""
    product = await Product.get_or_none(external_id=review.sku)
    if product is None:
        raise InvalidReview([FieldError("sku", "there is no product with this SKU")])
    order = await _proven_order(review, product)
    try:
        return await submit_review(
            settings,
            product=product,
            rating=review.rating,
            title=review.title,
            body=review.body,
            display_name=review.display_name,
            customer=order.customer if order else None,
            order=order,
            source=ReviewSource.API.value,
            verified_buyer=order is not None,
            locale=review.locale[:16],
        )
    except SubmissionError as error:
        status = 429 if error.field == "rate" else 422
        raise InvalidReview([FieldError(error.field, error.reason)], status) from None
