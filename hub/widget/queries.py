"""What the widget, the fragment, the JSON-LD and the public API read: one product's reviews.

A product in a `ProductGroup` shares the reviews of every variant of the group, so a
SKU resolves to a `Scope`: the product ids whose published reviews are shown and the
figures from `ProductRating` (never counted per request).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.catalog.models import plausible_external_id
from hub.config import Settings
from hub.photos.models import public_photo_sql
from hub.reviews.aggregates import STARS, RatingSummary
from hub.reviews.models import public_sql
from hub.urls import path_for
from hub.web.errors import InvalidInput
from hub.web.params import Values, choice, flag, whole
from hub.widget.reads import fetch, json_value, marks, moment

MAX_LIMIT = 50
DEFAULT_LIMIT = 10
MAX_PAGE = 1000
# ORDER BY clauses, from constants only: the query names one by its key.
SORTS: dict[str, str] = {
    "newest": "published_at DESC, id DESC",
    "highest": "rating DESC, published_at DESC, id DESC",
    "lowest": "rating ASC, published_at DESC, id DESC",
    "helpful": "helpful_count DESC, published_at DESC, id DESC",
    "photos": "has_photos DESC, published_at DESC, id DESC",
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


_SCOPE_COLUMNS = "rating.count, rating.rating_sum, rating.histogram, rating.photo_count, rating.version"
_RATED = "product LEFT JOIN product_rating AS rating ON rating.product_id = product.id"
SCOPE_SQL = (
    f"SELECT product.id, product.name, product.url, product.image_url, product.group_id,"  # noqa: S608
    f" {_SCOPE_COLUMNS} FROM {_RATED} WHERE product.external_id = ?"
)
GROUP_SQL = (
    f"SELECT product.id, {_SCOPE_COLUMNS} FROM {_RATED} WHERE product.group_id = ? ORDER BY product.id"  # noqa: S608
)


def _summary(figures: Sequence[Any]) -> RatingSummary:
    """count, sum, histogram, photos and version from a row; no `ProductRating` row yet: none."""
    count, rating_sum, histogram, photo_count, version = figures
    if count is None:
        return EMPTY
    return RatingSummary(
        count=count,
        rating_sum=rating_sum,
        histogram=list(json_value(histogram) or EMPTY.histogram),
        photo_count=photo_count,
        version=version,
    )


def _added(summaries: list[RatingSummary]) -> RatingSummary:
    """The figures of a group: its products' figures added up (rows stay per product)."""
    return RatingSummary(
        count=sum(s.count for s in summaries),
        rating_sum=sum(s.rating_sum for s in summaries),
        histogram=[sum(column) for column in zip(*(s.histogram for s in summaries), strict=True)]
        if summaries
        else EMPTY.histogram,
        photo_count=sum(s.photo_count for s in summaries),
        version=sum(s.version for s in summaries),
    )


async def load_scope(sku: str) -> Scope | None:
    """The product behind ``sku`` with its (group's) figures; None for an unknown SKU.

    One query for a product on its own (the product joined with its `ProductRating`),
    two for a product in a group.
    """
    if not plausible_external_id(sku):
        return None
    rows = await fetch(SCOPE_SQL, (sku,))
    if not rows:
        return None
    product_id, name, url, image_url, group_id, *figures = rows[0]
    if group_id is None:
        return Scope(sku, name, url, image_url, (product_id,), _summary(figures))
    variants = await fetch(GROUP_SQL, (group_id,))
    return Scope(
        sku,
        name,
        url,
        image_url,
        tuple(row[0] for row in variants),
        _added([_summary(row[1:]) for row in variants]),
    )


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
        values = {
            "sort": self.sort,
            "rating": self.rating,
            "with_photos": self.with_photos,
            "page": self.page,
            "limit": self.limit,
            **changes,
        }
        defaults = ReviewQuery()
        return {
            name: str(value).lower() if isinstance(value, bool) else str(value)
            for name, value in values.items()
            if value is not None and value != getattr(defaults, name)
        }


QueryError = InvalidInput


def parse_query(params: Mapping[str, str]) -> ReviewQuery:
    """A `ReviewQuery` from query parameters; `QueryError` lists every bad one."""
    values = Values(params)
    query = ReviewQuery(
        sort=values.read(choice, "sort", SORTS, default="newest") or "newest",
        rating=values.read(whole, "rating", low=1, high=5),
        with_photos=values.read(flag, "with_photos"),
        page=values.read(whole, "page", low=1, high=MAX_PAGE, default=1) or 1,
        limit=values.read(whole, "limit", low=1, high=MAX_LIMIT, default=DEFAULT_LIMIT) or DEFAULT_LIMIT,
    )
    values.check()
    return query


@dataclass(frozen=True, slots=True)
class ReviewPage:
    items: list[dict[str, Any]]
    page: int
    next_page: int | None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def media_url(settings: Settings, name: str) -> str:
    return settings.base_url + path_for("media", name=name)


PHOTO_SQL = (
    "SELECT review_id, id, web_name, thumb_name, width, height FROM photo"  # noqa: S608  (constants)
    f" WHERE review_id IN ({{ids}}) AND {public_photo_sql()} ORDER BY id"
)
REPLY_SQL = (
    "SELECT review_id, body, created_at FROM review_reply"
    " WHERE review_id IN ({ids}) AND is_public = ? ORDER BY created_at, id"
)
REVIEW_COLUMNS = (
    "id, rating, title, body, display_name, published_at, verified_buyer, source,"
    " helpful_count, unhelpful_count, rewarded_at, has_photos"
)
# The FTC's endorsement guides (16 CFR 255.5) ask that a review written for a reward say so.
REWARD_DISCLOSURE = "Received a reward for reviewing"


def public_photo(settings: Settings, row: Sequence[Any]) -> dict[str, Any]:
    """A public photo's links and size, from a `PHOTO_SQL` row (review id first)."""
    _, photo_id, web_name, thumb_name, width, height = row
    urls = {"url": media_url(settings, web_name), "thumb_url": media_url(settings, thumb_name or web_name)}
    return {"id": photo_id, **urls, "width": width, "height": height}


def public_review(
    row: Sequence[Any], photos: list[dict[str, Any]], replies: list[dict[str, Any]]
) -> dict[str, Any]:
    """A published review (a row of `REVIEW_COLUMNS`) as the world may see it.

    No customer data beyond the name the customer chose to show.
    """
    (
        review_id,
        rating,
        title,
        body,
        display_name,
        published_at,
        verified_buyer,
        source,
        helpful,
        unhelpful,
        rewarded_at,
        _,
    ) = row
    return {
        "id": review_id,
        "rating": rating,
        "title": title,
        "body": body,
        "author": display_name or "Anonymous",
        "date": _iso(moment(published_at)),
        "verified_buyer": bool(verified_buyer),
        "source": source,
        "helpful": helpful,
        "unhelpful": unhelpful,
        "received_reward": rewarded_at is not None,
        "photos": photos,
        "replies": replies,
    }


def _page_sql(scope: Scope, query: ReviewQuery) -> tuple[str, list[Any]]:
    """The SELECT of one page (one row more than asked, to tell whether another follows)."""
    params: list[Any] = [*scope.product_ids]
    where = f"product_id IN ({marks(len(scope.product_ids))}) AND {public_sql()}"
    if query.rating:
        where += " AND rating = ?"
        params.append(query.rating)
    if query.with_photos:
        where += " AND has_photos = ?"
        params.append(True)
    params += [query.limit + 1, (query.page - 1) * query.limit]
    sql = f"SELECT {REVIEW_COLUMNS} FROM review WHERE {where} ORDER BY {SORTS[query.sort]} LIMIT ? OFFSET ?"  # noqa: S608
    return sql, params


async def _extras(
    settings: Settings, ids: list[int], with_photos: list[int]
) -> tuple[dict[int, list[dict[str, Any]]], dict[int, list[dict[str, Any]]]]:
    """Approved photos (asked for only where a review has any) and public replies, by review."""
    photos: dict[int, list[dict[str, Any]]] = {review_id: [] for review_id in ids}
    replies: dict[int, list[dict[str, Any]]] = {review_id: [] for review_id in ids}
    if not ids:
        return photos, replies
    if with_photos:
        for row in await fetch(PHOTO_SQL.format(ids=marks(len(with_photos))), with_photos):
            photos[row[0]].append(public_photo(settings, row))
    for review_id, body, created_at in await fetch(REPLY_SQL.format(ids=marks(len(ids))), [*ids, True]):
        replies[review_id].append({"body": body, "date": _iso(moment(created_at))})
    return photos, replies


async def list_reviews(
    settings: Settings, scope: Scope, query: ReviewQuery, *, extras: bool = True
) -> ReviewPage:
    """One page of the scope's published reviews, with approved photos and public replies.

    ``extras=False`` leaves photos and replies out (empty lists) and skips their reads.
    """
    if not scope.summary.count:
        return ReviewPage([], query.page, None)
    rows = await fetch(*_page_sql(scope, query))
    shown = rows[: query.limit]
    with_extras = shown if extras else []
    photos, replies = await _extras(
        settings, [row[0] for row in with_extras], [row[0] for row in with_extras if row[-1]]
    )
    items = [public_review(row, photos.get(row[0], []), replies.get(row[0], [])) for row in shown]
    return ReviewPage(items, query.page, query.page + 1 if len(rows) > query.limit else None)


def summary_json(scope: Scope) -> dict[str, Any]:
    return {
        "sku": scope.sku,
        "name": scope.name,
        "average": scope.summary.average,
        "count": scope.summary.count,
        "histogram": scope.histogram(),
        "photo_count": scope.summary.photo_count,
    }
