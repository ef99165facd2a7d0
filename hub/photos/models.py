"""Customer photos of a review or a product."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model
from tortoise.queryset import QuerySet

from hub.catalog.models import Customer, Product
from hub.reviews.models import Review


class PhotoStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Photo(Model):
    id = fields.IntField(primary_key=True)
    review: fields.ForeignKeyNullableRelation[Review] = fields.ForeignKeyField(
        "hub.Review", related_name="photos", null=True, on_delete=fields.CASCADE
    )
    review_id: int | None
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="photos", null=True, on_delete=fields.SET_NULL
    )
    customer_id: int | None
    product: fields.ForeignKeyNullableRelation[Product] = fields.ForeignKeyField(
        "hub.Product", related_name="photos", null=True, on_delete=fields.CASCADE
    )
    product_id: int | None
    status = fields.CharField(max_length=16, default=PhotoStatus.PENDING.value)
    web_name = fields.CharField(max_length=64, default="")
    thumb_name = fields.CharField(max_length=64, default="")
    width = fields.IntField(default=0)
    height = fields.IntField(default=0)
    # Imported photos stay links to where the old review app kept them.
    source_url = fields.CharField(max_length=1000, default="")
    # Explicit permission to feature the photo in the gallery, and when it was given.
    feature_consent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    moderated_at = fields.DatetimeField(null=True)

    @classmethod
    def public(cls) -> QuerySet[Photo]:
        """The photos anyone may see: approved by a moderator."""
        return cls.filter(status=PhotoStatus.APPROVED.value)

    @property
    def is_public(self) -> bool:
        """Anyone may see it: a moderator approved it (pending and rejected photos stay private)."""
        return self.status == PhotoStatus.APPROVED.value

    class Meta:
        table = "photo"
        # (review_id, status): a widget page reads the approved photos of its reviews;
        # web_name and thumb_name: /media/ looks up the photo a file belongs to.
        indexes = (
            ("status", "created_at"),
            ("product_id", "status"),
            ("review_id", "status"),
            ("web_name",),
            ("thumb_name",),
        )
