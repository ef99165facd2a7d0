"""What the widget, the fragment, the JSON-LD and the public API read: one product's reviews.

A product in a `ProductGroup` shares the reviews of every variant of the group, so a
SKU resolves to a `Scope`: the product ids whose published reviews are shown and the
figures from `ProductRating` (never counted per request).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.routing import Router

from hub.catalog.models import Product, plausible_external_id
from hub.catalog.schema import FieldError
from hub.config import Settings
from hub.feedback import photo_routes
from hub.feedback.models import Photo, PhotoStatus, Reply, Review, ReviewStatus
from hub.widget.aggregates import STARS, RatingSummary, group_rating

MAX_LIMIT = 50
DEFAULT_LIMIT = 10
MAX_PAGE = 1000
SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-published_at", "-id"),
    "highest": ("-rating", "-published_at", "-id"),
    "lowest": ("rating", "-published_at", "-id"),
    "helpful": ("-helpful_count", "-published_at", "-id"),
    "photos": ("-has_photos", "-published_at", "-id"),
}
EMPTY = RatingSummary(count=0, rating_sum=0, histogram=[0] * len(STARS), photo_count=0, version=0)


@dataclass(frozen=True, slots=True)
class Scope:
    sku: str
    name: str
    url: str
    image_url: str
    product_ids: tuple[int, ...]
    summary: RatingSummary

    @property
    def version(self) -> str:
        """Changes whenever a figure or the set of variants changes: the ETag's base."""
        return f"{self.summary.version}.{len(self.product_ids)}"

    def histogram(self) -> dict[str, int]:
        counts = self.summary.histogram or EMPTY.histogram
        return {str(star): int(counts[star - 1]) for star in STARS}


SCOPE_FIELDS = ("id", "name", "url", "image_url", "group_id", "rating__count", "rating__rating_sum",
                "rating__histogram", "rating__photo_count", "rating__version")


def _summary(row: dict[str, Any]) -> RatingSummary:
    if row["rating__count"] is None:  # no ProductRating row yet
        return EMPTY
    return RatingSummary(count=row["rating__count"], rating_sum=row["rating__rating_sum"],
                         histogram=list(row["rating__histogram"] or EMPTY.histogram),
                         photo_count=row["rating__photo_count"], version=row["rating__version"])


async def load_scope(sku: str) -> Scope | None:
    """The product behind ``sku`` with its (group's) figures; None for an unknown SKU.

    One query for a product on its own: the product joined with its `ProductRating`.
    """
    if not plausible_external_id(sku):
        return None
    row = await Product.filter(external_id=sku).first().values(*SCOPE_FIELDS)
    if row is None:
        return None
    group_id: int | None = row["group_id"]
    if group_id is None:
        ids: tuple[int, ...] = (row["id"],)
        summary = _summary(row)
    else:
        ids = tuple(variant.id for variant in await Product.filter(group_id=group_id).only("id"))
        summary = await group_rating(group_id)
    return Scope(sku, row["name"], row["url"], row["image_url"], ids, summary)


@dataclass(frozen=True, slots=True)
class ReviewQuery:
    sort: str = "newest"
    rating: int | None = None
    with_photos: bool = False
    page: int = 1
    limit: int = DEFAULT_LIMIT

    def key(self) -> str:
        return f"{self.sort}:{self.rating or 0}:{int(self.with_photos)}:{self.page}:{self.limit}"

    def params(self, **changes: Any) -> dict[str, str]:
        """The query string of this query with ``changes``, defaults left out."""
        values = {"sort": self.sort, "rating": self.rating, "with_photos": self.with_photos,
                  "page": self.page, "limit": self.limit, **changes}
        defaults = ReviewQuery()
        return {name: str(value).lower() if isinstance(value, bool) else str(value)
                for name, value in values.items()
                if value is not None and value != getattr(defaults, name)}


class QueryError(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.path}: {e.reason}" for e in errors))
        self.errors = errors


def _whole(params: Mapping[str, str], name: str, low: int, high: int, default: int | None,
           errors: list[FieldError]) -> int | None:
    raw = params.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        errors.append(FieldError(name, f"must be a whole number from {low} to {high}"))
        return default
    return int(raw)


def _flag(params: Mapping[str, str], name: str, errors: list[FieldError]) -> bool:
    raw = params.get(name, "false").lower()
    if raw not in ("true", "false", "1", "0", ""):
        errors.append(FieldError(name, "must be true or false"))
    return raw in ("true", "1")


def parse_query(params: Mapping[str, str]) -> ReviewQuery:
    """A `ReviewQuery` from query parameters; `QueryError` lists every bad one."""
    errors: list[FieldError] = []
    sort = params.get("sort", "") or "newest"
    if sort not in SORTS:
        errors.append(FieldError("sort", f"must be one of {', '.join(SORTS)}"))
        sort = "newest"
    query = ReviewQuery(
        sort=sort, rating=_whole(params, "rating", 1, 5, None, errors),
        with_photos=_flag(params, "with_photos", errors),
        page=_whole(params, "page", 1, MAX_PAGE, 1, errors) or 1,
        limit=_whole(params, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT, errors) or DEFAULT_LIMIT,
    )
    if errors:
        raise QueryError(errors)
    return query


@dataclass(frozen=True, slots=True)
class ReviewPage:
    items: list[dict[str, Any]]
    page: int
    next_page: int | None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


_MEDIA = Router(routes=photo_routes.routes)


def media_url(settings: Settings, name: str) -> str:
    return settings.base_url + str(_MEDIA.url_path_for("media", name=name))


def _photo_urls(settings: Settings, photo: Photo) -> dict[str, Any]:
    if photo.source_url:
        return {"url": photo.source_url, "thumb_url": photo.source_url}
    return {"url": media_url(settings, photo.web_name),
            "thumb_url": media_url(settings, photo.thumb_name or photo.web_name)}


def public_photo(settings: Settings, photo: Photo) -> dict[str, Any]:
    return {"id": photo.id, **_photo_urls(settings, photo), "width": photo.width, "height": photo.height}


PUBLIC_FIELDS = ("id", "rating", "title", "body", "display_name", "published_at", "verified_buyer",
                 "source", "helpful_count", "unhelpful_count")


def public_review(review: Mapping[str, Any], photos: list[dict[str, Any]],
                  replies: list[dict[str, Any]]) -> dict[str, Any]:
    """A published review as the world may see it: no customer data beyond the shown name."""
    return {
        "id": review["id"], "rating": review["rating"], "title": review["title"],
        "body": review["body"], "author": review["display_name"] or "Anonymous",
        "date": _iso(review["published_at"]), "verified_buyer": review["verified_buyer"],
        "source": review["source"], "helpful": review["helpful_count"],
        "unhelpful": review["unhelpful_count"], "photos": photos,
        "replies": [{"body": r["body"], "date": _iso(r["created_at"])} for r in replies],
    }


def _filtered(scope: Scope, query: ReviewQuery) -> Any:
    reviews = Review.filter(product_id__in=scope.product_ids, status=ReviewStatus.PUBLISHED.value)
    if query.rating:
        reviews = reviews.filter(rating=query.rating)
    if query.with_photos:
        reviews = reviews.filter(has_photos=True)
    return reviews


async def _extras(settings: Settings, ids: list[int], with_photos: list[int]
                  ) -> tuple[dict[int, list[dict[str, Any]]], dict[int, list[dict[str, Any]]]]:
    """Approved photos (asked for only where a review has any) and public replies, by review."""
    photos: dict[int, list[dict[str, Any]]] = {review_id: [] for review_id in ids}
    replies: dict[int, list[dict[str, Any]]] = {review_id: [] for review_id in ids}
    if not ids:
        return photos, replies
    if with_photos:
        for photo in await Photo.filter(review_id__in=with_photos,
                                        status=PhotoStatus.APPROVED.value).order_by("id"):
            photos[photo.review_id].append(public_photo(settings, photo))  # type: ignore[attr-defined]
    for reply in await Reply.filter(review_id__in=ids, is_public=True).order_by(
            "created_at", "id").values("review_id", "body", "created_at"):
        replies[reply["review_id"]].append(reply)
    return photos, replies


async def list_reviews(settings: Settings, scope: Scope, query: ReviewQuery) -> ReviewPage:
    """One page of the scope's published reviews, with approved photos and public replies."""
    if not scope.summary.count:
        return ReviewPage([], query.page, None)
    offset = (query.page - 1) * query.limit
    # Plain rows, not models: a page is read-only and this path is the widget's hottest.
    rows = await _filtered(scope, query).order_by(*SORTS[query.sort]).offset(offset).limit(
        query.limit + 1).values(*PUBLIC_FIELDS, "has_photos")
    shown = rows[: query.limit]
    photos, replies = await _extras(settings, [review["id"] for review in shown],
                                    [review["id"] for review in shown if review["has_photos"]])
    items = [public_review(review, photos[review["id"]], replies[review["id"]]) for review in shown]
    return ReviewPage(items, query.page, query.page + 1 if len(rows) > query.limit else None)


def summary_json(scope: Scope) -> dict[str, Any]:
    return {"sku": scope.sku, "name": scope.name, "average": scope.summary.average,
            "count": scope.summary.count, "histogram": scope.histogram(),
            "photo_count": scope.summary.photo_count}
