"""The survey builder's questions: kinds, choices and "Other", conditions, order, translations.

A condition shows a question only for some answers of an earlier question of a scored
or choice kind: a range or list of numbers ("0-6", "1, 2") or some of its choices. The
rule that applies it is `SurveyQuestion.shown_for`; the form applies it server-side
(`hub.surveys.surveys.parse_answers`) and live with static/survey.js.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.surveys.models import (
    CONDITION_KINDS,
    OTHER,
    OTHER_CHOICE,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
)
from hub.surveys.surveys import SurveyError

MAX_CHOICE = 120
LANGUAGE = re.compile(r"^[a-z]{2}$")
NUMBERS = re.compile(r"^\s*(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})\s*$")


@dataclass
class QuestionForm:
    """The builder's "Add a question" form."""

    kind: str
    prompt: str
    choices: str = ""
    required: bool = False
    other_option: bool = False
    show_if_question: str = ""
    show_if_answers: str = ""


def _choices(kind: str, lines: str) -> list[str]:
    if kind not in (QuestionKind.CHOICE, QuestionKind.MULTI):
        return []
    choices = list(dict.fromkeys(line.strip() for line in lines.splitlines() if line.strip()))
    if len(choices) < 2 or any(len(choice) > MAX_CHOICE or choice == OTHER for choice in choices):
        raise SurveyError("choices", "give at least two choices, one per line, each at most 120 characters")
    return choices


async def _condition(survey: Survey, form: QuestionForm) -> tuple[SurveyQuestion | None, list[str]]:
    """The earlier question and the answers a new question is shown for; `SurveyError` if bad."""
    if not form.show_if_question.strip():
        return None, []
    earlier = None
    if form.show_if_question.strip().isdigit():
        earlier = await SurveyQuestion.get_or_none(id=int(form.show_if_question), survey=survey)
    if earlier is None or earlier.kind not in CONDITION_KINDS:
        raise SurveyError("show_if_question", "choose an earlier question with a scale or choices")
    return earlier, condition_answers(earlier, form.show_if_answers)


def condition_answers(earlier: SurveyQuestion, text: str) -> list[str]:
    """The answers of `earlier` named by `text`: numbers and ranges for a scale, else choices."""
    parts = [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]
    if earlier.scale is not None:
        return _numbers(earlier.scale, parts)
    unknown = [part for part in parts if part not in earlier.choices]
    if not parts or unknown:
        raise SurveyError(
            "show_if_answers", "name one or more of the earlier question's choices, one per line"
        )
    return list(dict.fromkeys(parts))


def _numbers(scale: range, parts: list[str]) -> list[str]:
    picked: list[int] = []
    for part in parts:
        bounds = NUMBERS.match(part)
        low, high = (int(bounds[1]), int(bounds[2])) if bounds else (_int(part), _int(part))
        if not (scale[0] <= low <= high <= scale[-1]):
            raise SurveyError(
                "show_if_answers", f"give numbers or ranges from {scale[0]} to {scale[-1]}, such as 0-6"
            )
        picked.extend(range(low, high + 1))
    if not picked:
        raise SurveyError("show_if_answers", "say which answers show this question, such as 0-6")
    return [str(n) for n in sorted(set(picked))]


def _int(part: str) -> int:
    return int(part) if part.isdigit() else -1


async def add_question(actor: StaffUser, survey: Survey, form: QuestionForm) -> SurveyQuestion:
    """A question at the end of `survey`; `SurveyError` names the bad field."""
    prompt = form.prompt.strip()
    if form.kind not in {k.value for k in QuestionKind}:
        raise SurveyError("kind", "choose a question type")
    if not prompt or len(prompt) > 300:
        raise SurveyError("prompt", "write the question, at most 300 characters")
    options = _choices(form.kind, form.choices)
    if form.other_option and OTHER_CHOICE.casefold() in {choice.casefold() for choice in options}:
        raise SurveyError("choices", "leave “Other” out of the choices: the Other option adds it")
    earlier, answers = await _condition(survey, form)
    last = await SurveyQuestion.filter(survey=survey).order_by("-position").first()
    question = await SurveyQuestion.create(
        survey=survey,
        kind=form.kind,
        prompt=prompt,
        choices=options,
        other_option=form.other_option and bool(options),
        required=form.required,
        show_if_question=earlier,
        show_if_answers=answers,
        position=last.position + 1 if last else 0,
    )
    await audit(actor, "survey.question_add", "survey", survey.id, question_id=question.id, kind=form.kind)
    return question


def _order_keeps_conditions(ordered: list[SurveyQuestion]) -> bool:
    seen: set[int] = set()
    for question in ordered:
        if question.show_if_question_id is not None and question.show_if_question_id not in seen:
            return False
        seen.add(question.id)
    return True


async def move_question(actor: StaffUser, question: SurveyQuestion, step: int) -> None:
    """Swap the question with its neighbour above (step -1) or below (step 1).

    Refused when a condition would then point to a later question.
    """
    ordered = list(await SurveyQuestion.filter(survey_id=question.survey_id).order_by("position", "id"))
    index = next(i for i, q in enumerate(ordered) if q.id == question.id)
    if not 0 <= index + step < len(ordered):
        return
    ordered[index], ordered[index + step] = ordered[index + step], ordered[index]
    if not _order_keeps_conditions(ordered):
        raise SurveyError("question", "a question shown for answers of another must stay after it")
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
    if await SurveyQuestion.exists(show_if_question=question):
        raise SurveyError("question", "another question is shown for answers of this one; remove it first")
    await question.delete()
    await audit(
        actor,
        "survey.question_remove",
        "survey",
        question.survey_id,
        question_id=question.id,
    )


async def set_public(actor: StaffUser, survey: Survey, public: bool) -> None:
    """A public survey is answered by anyone at its public page and the store's embed."""
    survey.is_public = public
    await survey.save(update_fields=["is_public"])
    await audit(actor, "survey.public" if public else "survey.personal", "survey", survey.id)
