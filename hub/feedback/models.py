"""Reviews, their history, photos, replies, helpful votes and surveys."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from hub.catalog.models import Customer, Order, Product
from hub.invites.models import Invitation
from hub.staff.models import StaffUser


class ReviewStatus(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    SPAM = "spam"


class ReviewSource(StrEnum):
    INVITATION = "invitation"
    IMPORT = "import"
    API = "api"


class Review(Model):
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


class QuestionKind(StrEnum):
    NPS = "nps"
    CSAT = "csat"
    RATING = "rating"
    CHOICE = "choice"
    TEXT = "text"


class Survey(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=120)
    # post_purchase, recovery or custom
    purpose = fields.CharField(max_length=16, default="custom")
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    questions: fields.ReverseRelation[SurveyQuestion]

    class Meta:
        table = "survey"


class SurveyQuestion(Model):
    id = fields.IntField(primary_key=True)
    survey: fields.ForeignKeyRelation[Survey] = fields.ForeignKeyField(
        "hub.Survey", related_name="questions", on_delete=fields.CASCADE
    )
    survey_id: int
    position = fields.SmallIntField(default=0)
    kind = fields.CharField(max_length=8)
    prompt = fields.CharField(max_length=300)
    choices: fields.JSONField[list[str]] = fields.JSONField(default=list)
    required = fields.BooleanField(default=False)

    class Meta:
        table = "survey_question"


class SurveyResponse(Model):
    id = fields.IntField(primary_key=True)
    # Answers are the shop's history: a survey with answers is retired, not deleted.
    survey: fields.ForeignKeyRelation[Survey] = fields.ForeignKeyField(
        "hub.Survey", related_name="responses", on_delete=fields.RESTRICT
    )
    survey_id: int
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="survey_responses", null=True, on_delete=fields.SET_NULL
    )
    customer_id: int | None
    order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "hub.Order", related_name="survey_responses", null=True, on_delete=fields.SET_NULL
    )
    order_id: int | None
    review: fields.ForeignKeyNullableRelation[Review] = fields.ForeignKeyField(
        "hub.Review", related_name="survey_responses", null=True, on_delete=fields.SET_NULL
    )
    review_id: int | None
    # One response per link.
    token_hash = fields.CharField(max_length=64, null=True, unique=True)
    nps = fields.SmallIntField(null=True)
    csat = fields.SmallIntField(null=True)
    sentiment_label = fields.CharField(max_length=8, default="neutral")
    flagged = fields.BooleanField(default=False)
    submitted_at = fields.DatetimeField(db_index=True)

    answers: fields.ReverseRelation[SurveyAnswer]

    class Meta:
        table = "survey_response"
        indexes = (("survey_id", "submitted_at"), ("customer_id", "submitted_at"))


class SurveyAnswer(Model):
    id = fields.IntField(primary_key=True)
    response: fields.ForeignKeyRelation[SurveyResponse] = fields.ForeignKeyField(
        "hub.SurveyResponse", related_name="answers", on_delete=fields.CASCADE
    )
    response_id: int
    question: fields.ForeignKeyRelation[SurveyQuestion] = fields.ForeignKeyField(
        "hub.SurveyQuestion", related_name="answers", on_delete=fields.CASCADE
    )
    question_id: int
    number = fields.SmallIntField(null=True)
    text = fields.TextField(default="")
    choice = fields.CharField(max_length=120, default="")

    class Meta:
        table = "survey_answer"
