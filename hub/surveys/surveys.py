"""Surveys: the default questionnaires, survey links, reading answers, and the builder."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from hub.catalog.models import Customer, Order
from hub.config import Settings
from hub.links.models import LinkPurpose, LinkToken
from hub.links.tokens import issue_token, resolve_token
from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.surveys.models import (
    OTHER,
    OTHER_CHOICE,
    SCALES,  # noqa: F401  (read from here by the results)
    QuestionKind,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from hub.urls import external_url
from hub.web.errors import InvalidInput
from hub.web.params import text, whole

POST_PURCHASE, RECOVERY, CUSTOM = "post_purchase", "recovery", "custom"
PURPOSES = (POST_PURCHASE, RECOVERY, CUSTOM)
LINK_TTL = timedelta(days=30)
MAX_TEXT = 2000
MAX_OTHER = 120
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# purpose: slug, name, questions (kind, prompt, required)
DEFAULTS = {
    POST_PURCHASE: (
        "post-purchase",
        "After your order",
        (
            ("nps", "How likely are you to recommend {brand} to a friend or colleague?", True),
            ("text", "What is the main reason for your score?", False),
            ("csat", "How satisfied were you with the delivery?", False),
        ),
    ),
    RECOVERY: (
        "recovery",
        "Did we put it right?",
        (
            ("csat", "Did we put things right?", True),
            ("text", "Is there anything else you would like to tell us?", False),
        ),
    ),
}


class SurveyError(ValueError):
    """A builder input refused: `field` names the form field, `reason` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass
class SurveyVisit:
    """What a link opens: the survey, its questions, and who answers it."""

    survey: Survey | None
    questions: list[SurveyQuestion]
    response_hash: str | None  # None for the anonymous answers of a public survey
    customer_id: int | None
    order_id: int | None
    case_id: int | None = None
    answered: bool = False
    locale: str = ""  # the customer's, for a personal link

    def condition_text(self, question: SurveyQuestion, language: str | None) -> str:
        """What a form without JavaScript says about when a conditional question applies."""
        earlier = next((q for q in self.questions if q.id == question.show_if_question_id), None)
        if earlier is None:
            return ""
        labels = dict(earlier.options_in(language))
        named = [labels.get(value, value) for value in question.show_if_answers]
        if earlier.scale is not None and len(named) > 2:
            numbers = [int(value) for value in question.show_if_answers]
            if numbers == list(range(numbers[0], numbers[-1] + 1)):
                named = [f"{numbers[0]}–{numbers[-1]}"]
        return f"Only if you answered {' or '.join(named)} to “{earlier.prompt_in(language)}”."


@dataclass
class Answer:
    """One question's answer: a number on a scale, free text, or the chosen choices and "Other"."""

    number: int | None = None
    text: str = ""
    choices: tuple[str, ...] = ()
    other: str = ""  # what the customer wrote for "Other"

    @property
    def choice(self) -> str:
        return self.choices[0] if self.choices else ""

    def values(self) -> set[str]:
        """What a later question's condition is matched against."""
        return {str(self.number)} if self.number is not None else set(self.choices)

    def rows(self) -> list[tuple[int | None, str, str]]:
        """(number, text, choice) of each stored row: one per chosen choice, "Other" as the
        choice `OTHER_CHOICE` with the customer's words, or one row for a number or text."""
        rows: list[tuple[int | None, str, str]] = [(None, "", choice) for choice in self.choices]
        if self.other:
            rows.append((None, self.other, OTHER_CHOICE))
        return rows or [(self.number, self.text, "")]


@dataclass
class ParsedAnswers:
    answers: dict[int, Answer] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)


def response_hash(raw: str, purpose: str) -> str:
    """The survey's own hash of a link token, distinct from the token's own hash."""
    return hashlib.sha256(f"{raw}:{purpose}".encode()).hexdigest()


async def default_survey(settings: Settings, purpose: str) -> Survey | None:
    """The active survey of `purpose`; a default one made when the purpose has none at all."""
    active = await Survey.filter(purpose=purpose, is_active=True).order_by("-id").first()
    if active is not None or await Survey.filter(purpose=purpose).exists():
        return active
    slug, name, questions = DEFAULTS[purpose]
    try:
        async with in_transaction():
            survey = await Survey.create(slug=slug, name=name, purpose=purpose, is_active=True)
            await SurveyQuestion.bulk_create(
                [
                    SurveyQuestion(
                        survey=survey,
                        position=position,
                        kind=kind,
                        required=required,
                        prompt=prompt.format(brand=settings.brand_name),
                    )
                    for position, (kind, prompt, required) in enumerate(questions)
                ]
            )
    except IntegrityError:  # made by a concurrent visit, or the slug is taken
        return await Survey.filter(purpose=purpose, is_active=True).order_by("-id").first()
    return survey


async def survey_visit(
    survey: Survey | None, digest: str, token: LinkToken, case_id: int | None = None
) -> SurveyVisit:
    customer = await Customer.get_or_none(id=token.customer_id) if token.customer_id else None
    return SurveyVisit(
        survey=survey,
        questions=await survey_questions(survey),
        response_hash=digest,
        customer_id=token.customer_id,
        order_id=token.order_id,
        case_id=case_id,
        # A survey link is also spent when its customer answered the survey through another link.
        answered=(token.purpose == LinkPurpose.SURVEY and token.used_at is not None)
        or await SurveyResponse.exists(token_hash=digest),
        locale=customer.locale if customer else "",
    )


async def survey_questions(survey: Survey | None) -> list[SurveyQuestion]:
    return list(await SurveyQuestion.filter(survey=survey).order_by("position", "id")) if survey else []


async def open_public(survey_id: int) -> SurveyVisit | None:
    """A public, active survey, answered by anyone; None when there is no such survey."""
    survey = await Survey.get_or_none(id=survey_id, is_public=True, is_active=True)
    if survey is None:
        return None
    questions = await survey_questions(survey)
    return SurveyVisit(
        survey=survey, questions=questions, response_hash=None, customer_id=None, order_id=None
    )


async def open_thanks(settings: Settings, raw: str) -> SurveyVisit:
    """The post-purchase survey offered after a review; `LinkUnknown`/`LinkExpired` otherwise."""
    token = await resolve_token(raw, LinkPurpose.REVIEW)
    survey = await default_survey(settings, POST_PURCHASE)
    return await survey_visit(survey, response_hash(raw, POST_PURCHASE), token)


async def recovery_survey(settings: Settings) -> Survey | None:
    """A case's customer is always asked, even when every recovery survey was retired."""
    chosen = await default_survey(settings, RECOVERY)
    return chosen or await Survey.filter(purpose=RECOVERY).order_by("-id").first()


async def issue_survey_link(
    settings: Settings, survey: Survey, customer: Customer | None, order: Order | None = None
) -> str:
    """The absolute URL of a fresh link to `survey`."""
    raw = await issue_token(
        LinkPurpose.SURVEY,
        customer=customer,
        order=order,
        subject_type="survey",
        subject_id=survey.id,
    )
    return external_url(settings, "survey_form", token=raw)


FormValues = Mapping[str, list[str]]


def form_values(items: Iterable[tuple[str, object]]) -> dict[str, list[str]]:
    """A posted form's values by field name, every value of a repeated field kept."""
    values: dict[str, list[str]] = {}
    for key, value in items:
        values.setdefault(key, []).append(str(value))
    return values


def parse_answers(questions: list[SurveyQuestion], form: FormValues) -> ParsedAnswers:
    """Each question's answer from form field `q<id>`, or the error to show beside it.

    A question whose condition is not met by the answer to its earlier question is not
    required, and whatever was sent for it is discarded.
    """
    parsed = ParsedAnswers()
    for question in questions:
        earlier = parsed.answers.get(question.show_if_question_id or 0)
        if not question.shown_for(earlier.values() if earlier else None):
            continue
        raw = [value.strip() for value in form.get(f"q{question.id}", []) if value.strip()]
        if not raw:
            if question.required:
                parsed.errors[question.id] = "Please answer this question."
            continue
        answer, error = _answer(question, raw, str(_first_value(form, f"q{question.id}_other")))
        if error:
            parsed.errors[question.id] = error
        elif answer:
            parsed.answers[question.id] = answer
    return parsed


def _first_value(form: FormValues, name: str) -> str:
    return next(iter(form.get(name, [])), "").strip()


def _answer(question: SurveyQuestion, raw: list[str], other: str) -> tuple[Answer | None, str]:
    name = f"q{question.id}"
    scale = question.scale
    if scale is not None:
        try:
            return Answer(number=whole(raw[0], name, low=scale[0], high=scale[-1], required=True)), ""
        except InvalidInput:
            return None, f"Choose a number from {scale[0]} to {scale[-1]}."
    if question.has_choices:
        return _choice_answer(question, raw, other)
    return _text_answer(raw[0], name)


def _choice_answer(question: SurveyQuestion, raw: list[str], other: str) -> tuple[Answer | None, str]:
    picked = list(dict.fromkeys(raw))
    if question.kind == QuestionKind.CHOICE and len(picked) > 1:
        return None, "Choose one of the options."
    allowed = set(question.choices) | ({OTHER} if question.other_option else set())
    if not set(picked) <= allowed:
        return None, "Choose from the options."
    chosen = tuple(choice for choice in picked if choice != OTHER)
    if OTHER not in picked:
        return Answer(choices=chosen), ""
    if not other:
        return None, "Please say what “Other” is."
    if len(other) > MAX_OTHER:
        return None, f"Please keep “Other” under {MAX_OTHER} characters."
    typed, error = _text_answer(other, f"q{question.id}_other")
    return (Answer(choices=chosen, other=typed.text), "") if typed else (None, error)


def _text_answer(raw: str, name: str) -> tuple[Answer | None, str]:
    if len(raw) > MAX_TEXT:
        return None, f"Please keep it under {MAX_TEXT} characters."
    try:
        return Answer(text=text(raw, name, max_length=MAX_TEXT)), ""
    except InvalidInput:
        return None, "Please leave out control characters."


async def create_survey(actor: StaffUser, name: str, slug: str, purpose: str) -> Survey:
    """A new survey, inactive until it has questions; `SurveyError` on bad input."""
    name, slug = name.strip(), slug.strip().lower()
    if not name or len(name) > 120:
        raise SurveyError("name", "give the survey a name of at most 120 characters")
    if not SLUG.match(slug) or len(slug) > 64:
        raise SurveyError("slug", "use lowercase letters, digits and single hyphens (at most 64)")
    if purpose not in PURPOSES:
        raise SurveyError("purpose", "choose post-purchase, recovery or custom")
    if await Survey.exists(slug=slug):
        raise SurveyError("slug", "another survey already uses this slug")
    survey = await Survey.create(name=name, slug=slug, purpose=purpose, is_active=False)
    await audit(actor, "survey.create", "survey", survey.id, slug=slug, purpose=purpose)
    return survey


async def set_active(actor: StaffUser, survey: Survey, active: bool) -> None:
    """(De)activate; an activated post-purchase or recovery survey retires the others of its purpose."""
    if active and not await SurveyQuestion.exists(survey=survey):
        raise SurveyError("active", "add a question before activating the survey")
    async with in_transaction():
        if active and survey.purpose != CUSTOM:
            await Survey.filter(purpose=survey.purpose).exclude(id=survey.id).update(is_active=False)
        survey.is_active = active
        await survey.save(update_fields=["is_active"])
    await audit(actor, "survey.activate" if active else "survey.deactivate", "survey", survey.id)
