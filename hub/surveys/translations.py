"""A survey in the customer's language: translations of its name, prompts and choices.

Each translation is keyed by a two-letter language code ("de", "fr"). Answers are stored
against the same questions, and a chosen choice as its canonical, untranslated text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tortoise.transactions import in_transaction

from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.surveys.models import Survey, SurveyQuestion
from hub.surveys.questions import LANGUAGE
from hub.surveys.surveys import SurveyError


def _primary(tag: str) -> str:
    return tag.strip().replace("_", "-").split("-")[0].lower()


def accepted_languages(header: str) -> list[str]:
    """The primary tags of an Accept-Language header, most wanted first."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag.strip() and quality > 0:
            weighted.append((-quality, index, _primary(tag)))
    return [tag for _, _, tag in sorted(weighted)]


def form_language(survey: Survey, customer_locale: str, accept_language: str) -> str | None:
    """The translation to show: the customer's locale on a personal link, else the browser's."""
    if customer_locale:
        wanted = _primary(customer_locale)
        return wanted if wanted in survey.translations else None
    return next((tag for tag in accepted_languages(accept_language) if tag in survey.translations), None)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _question_translation(question: SurveyQuestion, prompt: str, choices: str) -> dict[str, Any]:
    prompt = prompt.strip()
    if len(prompt) > 300:
        raise SurveyError(f"prompt_{question.id}", "keep the translated question under 300 characters")
    labels = _lines(choices) if question.has_choices else []
    if labels and (len(labels) != len(question.choices) or any(len(label) > 120 for label in labels)):
        raise SurveyError(
            f"choices_{question.id}",
            f"give all {len(question.choices)} choices, one per line in the same order, "
            "each at most 120 characters",
        )
    return {key: value for key, value in (("prompt", prompt), ("choices", labels)) if value}


async def save_translation(
    actor: StaffUser, survey: Survey, questions: list[SurveyQuestion], form: Mapping[str, str]
) -> None:
    """Store the translation of one language (field `language`); all fields empty removes it.

    Fields: `name`, and `prompt_<id>` and `choices_<id>` (one per line) for each question.
    """
    language = form.get("language", "").strip().lower()
    if not LANGUAGE.match(language):
        raise SurveyError("language", "give a two-letter language code, such as de or fr")
    name = form.get("name", "").strip()
    if len(name) > 120:
        raise SurveyError("name", "keep the translated name under 120 characters")
    entries = {
        q.id: _question_translation(q, form.get(f"prompt_{q.id}", ""), form.get(f"choices_{q.id}", ""))
        for q in questions
    }
    keep = bool(name or any(entries.values()))
    async with in_transaction():
        for question in questions:
            _put(question.translations, language, entries[question.id] if keep else {})
            await question.save(update_fields=["translations"])
        _put(survey.translations, language, {"name": name} if keep else {})
        if keep:  # a language the survey has, even with its name untranslated
            survey.translations[language] = {"name": name}
        await survey.save(update_fields=["translations"])
    await audit(actor, "survey.translate", "survey", survey.id, language=language, removed=not keep)


def _put(translations: dict[str, Any], language: str, entry: dict[str, Any]) -> None:
    if entry:
        translations[language] = entry
    else:
        translations.pop(language, None)
