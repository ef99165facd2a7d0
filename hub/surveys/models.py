"""Surveys, their questions, and the responses and answers customers give."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from hub.catalog.models import Customer, Order
from hub.invites.models import Invitation
from hub.reviews.models import Review


class QuestionKind(StrEnum):
    NPS = "nps"
    CSAT = "csat"
    EFFORT = "effort"
    RATING = "rating"
    CHOICE = "choice"
    MULTI = "multi"
    TEXT = "text"


# Every kind's label, scale and scale anchors, in one place (the builder, the form, the results).
KIND_LABELS: dict[str, str] = {
    QuestionKind.NPS: "NPS (0–10)",
    QuestionKind.CSAT: "CSAT (1–5)",
    QuestionKind.EFFORT: "Customer effort (1–7)",
    QuestionKind.RATING: "Rating (1–5)",
    QuestionKind.CHOICE: "Single choice",
    QuestionKind.MULTI: "Multiple choice",
    QuestionKind.TEXT: "Free text",
}
SCALES: dict[str, range] = {
    QuestionKind.NPS: range(0, 11),
    QuestionKind.CSAT: range(1, 6),
    QuestionKind.EFFORT: range(1, 8),
    QuestionKind.RATING: range(1, 6),
}
ANCHORS: dict[str, tuple[str, str]] = {
    QuestionKind.NPS: ("Not at all likely", "Extremely likely"),
    QuestionKind.CSAT: ("Very unsatisfied", "Very satisfied"),
    QuestionKind.EFFORT: ("Very difficult", "Very easy"),
    QuestionKind.RATING: ("Poor", "Excellent"),
}
CHOICE_KINDS: frozenset[str] = frozenset({QuestionKind.CHOICE, QuestionKind.MULTI})
# The kinds a later question's condition may point to.
CONDITION_KINDS = frozenset(SCALES) | CHOICE_KINDS
# The value of the "Other" option in a form; its text comes in field `q<id>_other`.
OTHER = "__other__"
# The choice an "Other" answer is stored as, with the customer's words as its text.
OTHER_CHOICE = "Other"


class Survey(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=120)
    # post_purchase, recovery or custom
    purpose = fields.CharField(max_length=16, default="custom")
    is_active = fields.BooleanField(default=True)
    # Anyone may answer at /surveys/<id> (and the store's embed), anonymously.
    is_public = fields.BooleanField(default=False, db_default=False)
    # {"de": {"name": "..."}}: the name per language code; prompts and choices are on the questions.
    translations: fields.JSONField[dict[str, dict[str, str]]] = fields.JSONField(
        default=dict, db_default="{}"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    questions: fields.ReverseRelation[SurveyQuestion]

    def name_in(self, language: str | None) -> str:
        return str(self.translations.get(language or "", {}).get("name") or self.name)

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
    # A choice question may offer "Other" with a short text of the customer's own.
    other_option = fields.BooleanField(default=False, db_default=False)
    required = fields.BooleanField(default=False)
    # Shown only when the answer to an earlier question is one of `show_if_answers`
    # (numbers as strings for a scale, canonical choices for a choice question).
    show_if_question: fields.ForeignKeyNullableRelation[SurveyQuestion] = fields.ForeignKeyField(
        "hub.SurveyQuestion", related_name="dependents", null=True, on_delete=fields.SET_NULL
    )
    show_if_question_id: int | None
    show_if_answers: fields.JSONField[list[str]] = fields.JSONField(default=list, db_default="[]")
    # {"de": {"prompt": "...", "choices": ["...", ...]}}: choices in the canonical order.
    translations: fields.JSONField[dict[str, dict[str, Any]]] = fields.JSONField(
        default=dict, db_default="{}"
    )

    class Meta:
        table = "survey_question"

    @property
    def scale(self) -> range | None:
        return SCALES.get(self.kind)

    @property
    def anchors(self) -> tuple[str, str] | None:
        return ANCHORS.get(self.kind)

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS

    def prompt_in(self, language: str | None) -> str:
        return str(self.translations.get(language or "", {}).get("prompt") or self.prompt)

    def options_in(self, language: str | None) -> list[tuple[str, str]]:
        """(value, label) of each option: the canonical value, the label in `language`."""
        if self.scale is not None:
            return [(str(n), str(n)) for n in self.scale]
        labels = self.translations.get(language or "", {}).get("choices") or []
        if len(labels) != len(self.choices):
            labels = self.choices
        return list(zip(self.choices, labels, strict=True))

    def shown_for(self, earlier: set[str] | None) -> bool:
        """Whether this question applies, given the answer values of the question it depends on."""
        if self.show_if_question_id is None:
            return True
        return bool(earlier and earlier & set(self.show_if_answers))


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
    # The review invitation a promoter's answer scheduled (hub.surveys.follow_ups).
    review_invitation: fields.ForeignKeyNullableRelation[Invitation] = fields.ForeignKeyField(
        "hub.Invitation", related_name="survey_responses", null=True, on_delete=fields.SET_NULL
    )
    review_invitation_id: int | None
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
