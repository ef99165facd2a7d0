"""Reviews, their history, replies and helpful votes, and the rating aggregates of products."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from hub.catalog.models import Customer, Order, Product
from hub.invites.models import Invitation
from hub.staff.models import StaffUser


class ReviewStatus(StrEnum):
    """Where a review (or a question, an answer) stands; only `PUBLISHED` is public."""

    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    SPAM = "spam"

    @property
    def is_public(self) -> bool:
        return self is ReviewStatus.PUBLISHED


def public_q(related: str = "") -> Q:
    """The public rule as a filter to combine, on the row itself or a related one (`"review__"`)."""
    return Q(**{f"{related}status": ReviewStatus.PUBLISHED.value})


def public_sql(table: str = "") -> str:
    """The public rule in SQL, for the read paths that skip the ORM (`Review.public` elsewhere)."""
    return f"{table}{'.' if table else ''}status = '{ReviewStatus.PUBLISHED.value}'"


class Publishable(Model):
    """What anyone may read of a model moderated by `ReviewStatus`: reviews, questions, answers."""

    status: str

    class Meta:
        abstract = True

    @classmethod
    def public(cls) -> QuerySet[Self]:
        """The rows anyone may read. Publication depends on content alone, never on the stars."""
        return cls.filter(public_q())

    @property
    def is_public(self) -> bool:
        return ReviewStatus(self.status).is_public


class ReviewSource(StrEnum):
    INVITATION = "invitation"
    IMPORT = "import"
    API = "api"


class Review(Publishable):
    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "hub.Product", related_name="reviews", on_delete=fields.CASCADE
    )
    product_id: int
    # Erasing a customer anonymises their reviews rather than deleting them.
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="reviews", null=True, on_delete=fields.SET_NULL
    )
    customer_id: int | None
    order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "hub.Order", related_name="reviews", null=True, on_delete=fields.SET_NULL
    )
    order_id: int | None
    invitation: fields.ForeignKeyNullableRelation[Invitation] = fields.ForeignKeyField(
        "hub.Invitation", related_name="reviews", null=True, on_delete=fields.SET_NULL
    )
    invitation_id: int | None
    rating = fields.SmallIntField()
    title = fields.CharField(max_length=150, default="")
    body = fields.TextField(default="")
    display_name = fields.CharField(max_length=80, default="")
    # Where the reviewer said they are and which variant they bought, as the old app kept them.
    location = fields.CharField(max_length=80, default="", db_default="")
    variant = fields.CharField(max_length=100, default="", db_default="")
    status = fields.CharField(max_length=16, default=ReviewStatus.PENDING.value)
    status_reason = fields.CharField(max_length=32, default="")
    verified_buyer = fields.BooleanField(default=False)
    source = fields.CharField(max_length=16, default=ReviewSource.INVITATION.value)
    locale = fields.CharField(max_length=16, default="en")
    sentiment_polarity = fields.FloatField(default=0.0)
    sentiment_subjectivity = fields.FloatField(default=0.0)
    sentiment_label = fields.CharField(max_length=8, default="neutral")
    flagged = fields.BooleanField(default=False)
    flag_reasons: fields.JSONField[list[str]] = fields.JSONField(default=list)
    priority = fields.CharField(max_length=8, default="low")
    helpful_count = fields.IntField(default=0)
    unhelpful_count = fields.IntField(default=0)
    has_photos = fields.BooleanField(default=False)
    # "judgeme:1234" for an imported review, so that importing twice changes nothing.
    import_key = fields.CharField(max_length=128, null=True, unique=True)
    submitted_at = fields.DatetimeField()
    published_at = fields.DatetimeField(null=True)
    edited_at = fields.DatetimeField(null=True)
    # When its author received the shop's review reward (disclosed on the widget and JSON-LD).
    rewarded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "review"
        unique_together = (("order_id", "product_id"),)
        indexes = (
            ("product_id", "status", "published_at"),
            ("status", "submitted_at"),
            ("customer_id", "submitted_at"),
        )


class StoreReview(Publishable):
    """A review of the store itself rather than of a product, moderated as reviews are."""

    id = fields.IntField(primary_key=True)
    # Erasing a customer anonymises their store reviews, as it does their reviews.
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="store_reviews", null=True, on_delete=fields.SET_NULL
    )
    customer_id: int | None
    rating = fields.SmallIntField()
    title = fields.CharField(max_length=150, default="")
    body = fields.TextField(default="")
    display_name = fields.CharField(max_length=80, default="")
    location = fields.CharField(max_length=80, default="")
    status = fields.CharField(max_length=16, default=ReviewStatus.PENDING.value)
    status_reason = fields.CharField(max_length=32, default="")
    verified_buyer = fields.BooleanField(default=False)
    source = fields.CharField(max_length=16, default=ReviewSource.IMPORT.value)
    sentiment_label = fields.CharField(max_length=8, default="neutral")
    flagged = fields.BooleanField(default=False)
    flag_reasons: fields.JSONField[list[str]] = fields.JSONField(default=list)
    # The brand's answer: shown under the review when public, else kept for the staff.
    reply = fields.TextField(default="")
    reply_public = fields.BooleanField(default=True)
    replied_at = fields.DatetimeField(null=True)
    # Links to the photos the old app kept; not fetched.
    photo_urls: fields.JSONField[list[str]] = fields.JSONField(default=list)
    import_key = fields.CharField(max_length=128, null=True, unique=True)
    submitted_at = fields.DatetimeField()
    published_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "store_review"
        indexes = (("status", "published_at"), ("customer_id", "submitted_at"))

    @property
    def public_reply(self) -> str:
        return self.reply if self.reply_public else ""


class ReviewRevision(Model):
    """A review as it was before an edit."""

    id = fields.IntField(primary_key=True)
    review: fields.ForeignKeyRelation[Review] = fields.ForeignKeyField(
        "hub.Review", related_name="revisions", on_delete=fields.CASCADE
    )
    review_id: int
    rating = fields.SmallIntField()
    title = fields.CharField(max_length=150, default="")
    body = fields.TextField(default="")
    status = fields.CharField(max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "review_revision"


class Reply(Model):
    """The answer of the brand to a review: public under it, or private by mail."""

    id = fields.IntField(primary_key=True)
    review: fields.ForeignKeyRelation[Review] = fields.ForeignKeyField(
        "hub.Review", related_name="replies", on_delete=fields.CASCADE
    )
    review_id: int
    author: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="replies", null=True, on_delete=fields.SET_NULL
    )
    author_id: int | None
    body = fields.TextField()
    is_public = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "review_reply"
        # A widget page reads the public replies of its reviews.
        indexes = (("review_id", "is_public"),)


class HelpfulVote(Model):
    id = fields.IntField(primary_key=True)
    review: fields.ForeignKeyRelation[Review] = fields.ForeignKeyField(
        "hub.Review", related_name="votes", on_delete=fields.CASCADE
    )
    review_id: int
    # A hash of the browser's random id: one vote per browser, nothing personal kept.
    voter_hash = fields.CharField(max_length=64)
    helpful = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "helpful_vote"
        unique_together = (("review_id", "voter_hash"),)


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


class ReviewRescan(Model):
    """Stored reviews checked against the word list again, because it (or the action) changed.

    The worker's job ``review_rescans`` (``hub.reviews.rescans``) sees the change by the
    ``fingerprint`` of the list in effect and writes its progress here as it goes."""

    id = fields.IntField(primary_key=True)
    reason = fields.CharField(max_length=64, default="")
    status = fields.CharField(max_length=16, default="queued")
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_by = fields.CharField(max_length=64, null=True)
    claimed_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    checked = fields.IntField(default=0)
    total = fields.IntField(default=0)
    held = fields.IntField(default=0)
    masked = fields.IntField(default=0)
    released = fields.IntField(default=0)
    # SHA-256 of the word list and action this pass checked against.
    fingerprint = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "review_rescan"
        indexes = (("status", "next_attempt_at"),)
