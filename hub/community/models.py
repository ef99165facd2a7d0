"""Product questions and the answers past buyers and staff give them."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from hub.catalog.models import Customer, Product
from hub.reviews.models import Publishable, ReviewStatus
from hub.staff.models import StaffUser

# Why a question waits for a moderator: hold codes (`screening.hold_reasons`) and the pipeline's.
HOLD_LABELS = {
    "contact_details": "it holds a link, an e-mail address or a phone number",
    "unknown_asker": "the asker is not a known customer",
    "profanity": "it holds profanity",
    "auto_publish_off": "automatic publishing is off",
    "honeypot": "a bot filled in the hidden field",
    "links": "it holds too many links",
    "duplicate": "the asker sent the same text before",
}


class Question(Publishable):
    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "hub.Product", related_name="questions", on_delete=fields.CASCADE
    )
    product_id: int
    asker_email = fields.CharField(max_length=254)
    asker_name = fields.CharField(max_length=80, default="")
    body = fields.TextField()
    status = fields.CharField(max_length=16, default=ReviewStatus.PENDING.value)
    status_reason = fields.CharField(max_length=32, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)
    asker_notified_at = fields.DatetimeField(null=True)
    # Set when the asker followed the link mailed to the address: only then is it mailed answers.
    asker_confirmed_at = fields.DatetimeField(null=True)
    # Set when a moderator approved it; published without that, buyers hear of it once confirmed.
    approved_at = fields.DatetimeField(null=True)
    # Set by the worker that claims the question to mail its buyers: once, by one worker.
    buyers_asked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "question"
        # asker_email: the customer page lists the questions a customer asked.
        indexes = (("product_id", "status", "published_at"), ("asker_email",))

    @property
    def held_because(self) -> list[str]:
        """The stored reason (codes joined by commas) in a moderator's words."""
        return [HOLD_LABELS.get(code, code) for code in self.status_reason.split(",") if code]


class Answer(Publishable):
    id = fields.IntField(primary_key=True)
    question: fields.ForeignKeyRelation[Question] = fields.ForeignKeyField(
        "hub.Question", related_name="answers", on_delete=fields.CASCADE
    )
    question_id: int
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="answers", null=True, on_delete=fields.SET_NULL
    )
    customer_id: int | None
    staff: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="answers", null=True, on_delete=fields.SET_NULL
    )
    staff_id: int | None
    body = fields.TextField()
    display_name = fields.CharField(max_length=80, default="")
    status = fields.CharField(max_length=16, default=ReviewStatus.PENDING.value)
    status_reason = fields.CharField(max_length=32, default="")
    verified_buyer = fields.BooleanField(default=False)
    is_brand = fields.BooleanField(default=False)
    helpful_count = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "answer"
        indexes = (("question_id", "status"), ("customer_id", "created_at"))


class AnswerRequest(Model):
    """A past buyer asked to answer a question, so that nobody is asked too often."""

    id = fields.IntField(primary_key=True)
    question: fields.ForeignKeyRelation[Question] = fields.ForeignKeyField(
        "hub.Question", related_name="requests", on_delete=fields.CASCADE
    )
    question_id: int
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="answer_requests", on_delete=fields.CASCADE
    )
    customer_id: int
    sent_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "answer_request"
        unique_together = (("question_id", "customer_id"),)
        indexes = (("customer_id", "sent_at"),)


class AnswerVote(Model):
    """One "helpful" vote per browser and answer: only a salted hash of the browser's id."""

    id = fields.IntField(primary_key=True)
    answer: fields.ForeignKeyRelation[Answer] = fields.ForeignKeyField(
        "hub.Answer", related_name="votes", on_delete=fields.CASCADE
    )
    answer_id: int
    voter_hash = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "answer_vote"
        unique_together = (("answer_id", "voter_hash"),)
