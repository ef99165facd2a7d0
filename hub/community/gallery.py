"""The gallery: approved customer photos whose owner explicitly allowed featuring them.

Both gates hold in the query itself: `status = approved` and `feature_consent_at IS NOT
NULL`; a photo under a review that is not published stays out as well.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from hub.community.answers import public_name
from hub.config import Settings
from hub.photos.models import Photo
from hub.reviews.models import public_q
from hub.web.safe_urls import http_url
from hub.widget.queries import media_url

MAX_PHOTOS = 60
DEFAULT_PHOTOS = 24


def gallery_query(product_ids: list[int] | None) -> Any:
    visible = Q(review_id=None) | public_q("review__")
    query = Photo.public().filter(visible, feature_consent_at__isnull=False)
    return query.filter(product_id__in=product_ids) if product_ids is not None else query


def photo_json(settings: Settings, photo: Photo) -> dict[str, Any]:
    """The photo as the gallery shows it."""
    url, thumb = media_url(settings, photo.web_name), media_url(settings, photo.thumb_name or photo.web_name)
    product, review = photo.product, photo.review
    product_url = http_url(product.url) if product else ""
    return {
        "id": photo.id,
        "url": url,
        "thumb_url": thumb,
        "width": photo.width,
        "height": photo.height,
        "author": public_name(photo.customer) if photo.customer else "A customer",
        "product": {"sku": product.external_id, "name": product.name, "url": product_url}
        if product
        else None,
        "review": {
            "id": review.id,
            "rating": review.rating,
            "title": review.title,
            "url": f"{product_url}#review-{review.id}" if product_url else None,
        }
        if review
        else None,
    }


async def gallery(
    settings: Settings, product_ids: list[int] | None, limit: int = DEFAULT_PHOTOS
) -> list[dict[str, Any]]:
    """Newest featured photos first; `product_ids` None for the whole shop."""
    photos = await (
        gallery_query(product_ids)
        .order_by("-created_at", "-id")
        .limit(max(1, min(limit, MAX_PHOTOS)))
        .prefetch_related("product", "review", "customer")
    )
    return [photo_json(settings, photo) for photo in photos]
