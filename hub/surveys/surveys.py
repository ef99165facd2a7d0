"""Surveys: the default questionnaires, survey links, reading answers, and the builder."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
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
from hub.surveys.models import QuestionKind, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from hub.urls import external_url
from hub.web.errors import InvalidInput
from hub.web.params import text, whole

POST_PURCHASE, RECOVERY, CUSTOM = "post_purchase", "recovery", "custom"
PURPOSES = (POST_PURCHASE, RECOVERY, CUSTOM)
SCALES = {"nps": range(0, 11), "csat": range(1, 6), "rating": range(1, 6), "effort": range(1, 8)}
LINK_TTL = timedelta(days=30)
MAX_TEXT = 2000
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
    response_hash: str
    customer_id: int | None
    order_id: int | None
    case_id: int | None = None
    answered: bool = False


@dataclass
class Answer:
    number: int | None = None
    text: str = ""
    choice: str = ""


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
    questions = await SurveyQuestion.filter(survey=survey).order_by("position", "id") if survey else []
    return SurveyVisit(
        survey=survey,
        questions=list(questions),
        response_hash=digest,
        customer_id=token.customer_id,
        order_id=token.order_id,
        case_id=case_id,
        answered=await SurveyResponse.exists(token_hash=digest),
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


def parse_answers(questions: list[SurveyQuestion], form: Mapping[str, str]) -> ParsedAnswers:
    """Each question's answer from form field `q<id>`, or the error to show beside it."""
    parsed = ParsedAnswers()
    for question in questions:
        raw = str(form.get(f"q{question.id}", "")).strip()
        if not raw:
            if question.required:
                parsed.errors[question.id] = "Please answer this question."
            continue
        answer, error = _answer(question, raw)
        if error:
            parsed.errors[question.id] = error
        elif answer:
            parsed.answers[question.id] = answer
    return parsed


def _answer(question: SurveyQuestion, raw: str) -> tuple[Answer | None, str]:
    name = f"q{question.id}"
    if question.kind in SCALES:
        scale = SCALES[question.kind]
        try:
            return Answer(number=whole(raw, name, low=scale[0], high=scale[-1], required=True)), ""
        except InvalidInput:
            return None, f"Choose a number from {scale[0]} to {scale[-1]}."
    if question.kind == QuestionKind.CHOICE:
        return (Answer(choice=raw), "") if raw in question.choices else (None, "Choose one of the options.")
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


def _choices(kind: str, lines: str) -> list[str]:
    if kind != QuestionKind.CHOICE:
        return []
    choices = list(dict.fromkeys(line.strip() for line in lines.splitlines() if line.strip()))
    if len(choices) < 2 or any(len(choice) > 120 for choice in choices):
        raise SurveyError("choices", "give at least two choices, one per line, each at most 120 characters")
    return choices


async def add_question(
    actor: StaffUser, survey: Survey, kind: str, prompt: str, choices: str = "", required: bool = False
) -> SurveyQuestion:
    prompt = prompt.strip()
    if kind not in {k.value for k in QuestionKind}:
        raise SurveyError("kind", "choose a question type")
    if not prompt or len(prompt) > 300:
        raise SurveyError("prompt", "write the question, at most 300 characters")
    options = _choices(kind, choices)
    last = await SurveyQuestion.filter(survey=survey).order_by("-position").first()
    question = await SurveyQuestion.create(
        survey=survey,
        kind=kind,
        prompt=prompt,
        choices=options,
        required=required,
        position=last.position + 1 if last else 0,
    )
    await audit(actor, "survey.question_add", "survey", survey.id, question_id=question.id, kind=kind)
    return question


async def move_question(actor: StaffUser, question: SurveyQuestion, step: int) -> None:
    """Swap the question with its neighbour above (step -1) or below (step 1)."""
    ordered = list(await SurveyQuestion.filter(survey_id=question.survey_id).order_by("position", "id"))
    index = next(i for i, q in enumerate(ordered) if q.id == question.id)
    if not 0 <= index + step < len(ordered):
        return
    ordered[index], ordered[index + step] = ordered[index + step], ordered[index]
    async with in_transaction():
        for position, each in enumerate(ordered):
            await SurveyQuestion.filter(id=each.id).update(position=position)
    await audit(
        actor,
        "survey.question_move",
        "survey",
        question.survey_id,
        question_id=question.id,
        step=step,
    )


async def remove_question(actor: StaffUser, question: SurveyQuestion) -> None:
    if await SurveyAnswer.exists(question=question):
        raise SurveyError("question", "this question has answers; retire the survey and make a new one")
    await question.delete()
    await audit(
        actor,
        "survey.question_remove",
        "survey",
        question.survey_id,
        question_id=question.id,
    )


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
