"""Surveys, their questions, and the responses and answers customers give."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from hub.catalog.models import Customer, Order
from hub.reviews.models import Review


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


class SurveyRollup(Model):
    """Running totals of a survey's answers, kept by `hub.surveys.rollup` as responses are stored.

    One row per survey, question, calendar month (UTC), segment value, answer label and topic:
    how many answers (`answers`), the sum of their numbers (`total`) and of their squares
    (`squares`, for margins of error). `question_id` 0 counts whole responses; `segment` ''
    is every response; `topic` is set on free-text rows only (`hub.sentiment.topics`).
    """

    id = fields.IntField(primary_key=True)
    survey: fields.ForeignKeyRelation[Survey] = fields.ForeignKeyField(
        "hub.Survey", related_name="rollups", on_delete=fields.CASCADE
    )
    survey_id: int
    question_id = fields.IntField()
    month = fields.CharField(max_length=7)
    segment = fields.CharField(max_length=16)
    value = fields.CharField(max_length=64)
    answer = fields.CharField(max_length=120)
    topic = fields.CharField(max_length=32)
    answers = fields.IntField(default=0)
    total = fields.BigIntField(default=0)
    squares = fields.BigIntField(default=0)

    class Meta:
        table = "survey_rollup"
        unique_together = (("survey_id", "segment", "value", "question_id", "month", "answer", "topic"),)
        # the segment selector: every segment value of a survey, from its response rows
        indexes = (("survey_id", "question_id", "segment", "value"),)
