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


def public_photo_sql() -> str:
    """`Photo.public` in SQL, for the widget's reads that skip the ORM."""
    return f"status = '{PhotoStatus.APPROVED.value}' AND web_name <> ''"


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
    # Where an imported photo came from; the worker fetches it (`PhotoFetch`) and stores
    # its own files: the store page never links to the old review app's host.
    source_url = fields.CharField(max_length=1000, default="")
    # Explicit permission to feature the photo in the gallery, and when it was given.
    feature_consent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    moderated_at = fields.DatetimeField(null=True)

    @classmethod
    def public(cls) -> QuerySet[Photo]:
        """The photos anyone may see: approved by a moderator, with files of the hub's own."""
        return cls.filter(status=PhotoStatus.APPROVED.value).exclude(web_name="")

    @property
    def is_public(self) -> bool:
        """Anyone may see it: approved (pending and rejected photos stay private) and stored
        here (an imported photo the worker has not fetched yet has no files)."""
        return self.status == PhotoStatus.APPROVED.value and bool(self.web_name)

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
            # The customer page's timeline of photos.
            ("customer_id", "created_at"),
        )


class FetchStatus(StrEnum):
    QUEUED = "queued"
    FETCHING = "fetching"
    DONE = "done"
    FAILED = "failed"


class PhotoFetch(Model):
    """An imported photo's address, for the worker to fetch (`hub.photos.fetch`)."""

    id = fields.IntField(primary_key=True)
    photo: fields.ForeignKeyRelation[Photo] = fields.ForeignKeyField(
        "hub.Photo", related_name="fetches", on_delete=fields.CASCADE
    )
    photo_id: int
    url = fields.CharField(max_length=1000)
    status = fields.CharField(max_length=16, default=FetchStatus.QUEUED.value)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_by = fields.CharField(max_length=64, null=True)
    claimed_at = fields.DatetimeField(null=True)
    # Why the last try failed, in the moderator's words; never the photo's content.
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "photo_fetch"
        indexes = (("status", "next_attempt_at"),)
