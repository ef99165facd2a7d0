"""Per-product rating aggregates, kept up to date as reviews change."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from hub.catalog.models import Product


class ProductRating(Model):
    """Published-review figures of one product, so that no request computes them."""

    id = fields.IntField(primary_key=True)
    product: fields.OneToOneRelation[Product] = fields.OneToOneField(
        "hub.Product", related_name="rating", on_delete=fields.CASCADE
    )
    product_id: int
    count = fields.IntField(default=0)
    rating_sum = fields.IntField(default=0)
    histogram: fields.JSONField[list[int]] = fields.JSONField(default=list)
    photo_count = fields.IntField(default=0)
    # Changes on every update: the widget's ETag is built from it.
    version = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "product_rating"

    @property
    def average(self) -> float:
        return round(self.rating_sum / self.count, 2) if self.count else 0.0
