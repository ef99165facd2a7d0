"""Keeping `ProductRating` equal to the published reviews of each product.

`refresh_rating` runs inside the transaction that changed a review: it locks the
product's row (PostgreSQL), recounts with one aggregate query and bumps `version`, so
two concurrent changes cannot leave stale figures behind.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.reviews.models import ProductRating, Review

STARS = range(1, 6)


@dataclass(frozen=True, slots=True)
class RatingSummary:
    count: int
    rating_sum: int
    histogram: list[int]
    photo_count: int
    version: int

    @property
    def average(self) -> float:
        return round(self.rating_sum / self.count, 2) if self.count else 0.0


_STAR_COUNTS = ", ".join(f"SUM(CASE WHEN rating = {star} THEN 1 ELSE 0 END)" for star in STARS)
# Built once from constants; the product id is always a bound parameter.
_FIGURES_SQL = (
    f"SELECT COUNT(*), COALESCE(SUM(rating), 0), {_STAR_COUNTS}, "  # noqa: S608
    "(SELECT COUNT(*) FROM photo JOIN review AS r ON r.id = photo.review_id "
    "WHERE r.product_id = {p} AND r.status = 'published' AND photo.status = 'approved') "
    "FROM review WHERE product_id = {p} AND status = 'published'"
)
_SQL = {"sqlite": (_FIGURES_SQL.replace("{p}", "?"), 2), "postgres": (_FIGURES_SQL.replace("{p}", "$1"), 1)}


async def _figures(product_id: int) -> list[int]:
    """count, sum, five per-star counts and approved photos, in one query."""
    connection = Review._meta.db
    sql, uses = _SQL["postgres" if connection.capabilities.dialect == "postgres" else "sqlite"]
    _, rows = await connection.execute_query(sql, [product_id] * uses)
    return [int(value or 0) for value in tuple(rows[0])]


async def _locked_row(product_id: int) -> ProductRating:
    row = await ProductRating.filter(product_id=product_id).select_for_update().first()
    if row is None:
        row, _ = await ProductRating.get_or_create(product_id=product_id)
    return row


async def refresh_rating(product_id: int) -> ProductRating:
    """Recount the product's published reviews; call it inside the changing transaction."""
    row = await _locked_row(product_id)
    count, total, *histogram, photos = await _figures(product_id)
    row.count, row.rating_sum, row.histogram, row.photo_count = count, total, histogram, photos
    row.version += 1
    await row.save(update_fields=["count", "rating_sum", "histogram", "photo_count", "version", "updated_at"])
    return row
