"""The post-purchase and recovery surveys, and the post-purchase answers of some reviewers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub.demo.context import Demo
from hub.demo.reviews import Reviewed
from hub.demo.survey_texts import POST_PURCHASE_QUESTIONS, REASONS, RECOVERY_QUESTIONS
from hub.sentiment.scoring import Assessment, assess
from hub.surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

ANSWERED_SHARE = 0.25  # of the customers who left a review
BLANK_REASON_SHARE = 0.15
NPS_WEIGHT = {  # by star rating: the 0-10 answer, weighted
    5: (0, 0, 0.1, 0.2, 0.5, 1, 1.5, 3, 8, 33, 52),
    4: (0.2, 0.2, 0.5, 1, 2, 3, 5, 14, 28, 28, 18),
    3: (0.5, 1, 2, 4, 8, 14, 16, 22, 18, 9, 5),
    2: (7, 8, 12, 16, 18, 18, 12, 6, 3, 0, 0),
    1: (25, 15, 16, 15, 12, 10, 5, 2, 0, 0, 0),
}
CSAT_WEIGHT = {
    "promoter": (1, 1, 4, 24, 70),
    "passive": (3, 7, 25, 40, 25),
    "detractor": (25, 25, 25, 15, 10),
}

# slug: name, purpose, questions
SURVEYS = {
    "post-purchase": ("After your order", "post_purchase", POST_PURCHASE_QUESTIONS),
    "recovery": ("Did we put it right?", "recovery", RECOVERY_QUESTIONS),
}
Existing = dict[str, tuple[Survey, list[SurveyQuestion]]]


@dataclass
class Questionnaire:
    survey: Survey
    questions: dict[str, SurveyQuestion]  # by kind


@dataclass(frozen=True)
class Subject:
    """Whom and what a piece of feedback is about."""

    customer_id: int
    order_id: int
    review_id: int | None


@dataclass
class Answered:
    response: SurveyResponse
    reviewed: Reviewed
    reason: str
    assessment: Assessment


def build_surveys(demo: Demo, existing: Existing) -> dict[str, Questionnaire]:
    """Both surveys by slug, reusing whichever of them (and their questions) already exist."""
    return {slug: _questionnaire(demo, slug, existing.get(slug)) for slug in SURVEYS}


def _questionnaire(demo: Demo, slug: str, found: tuple[Survey, list[SurveyQuestion]] | None) -> Questionnaire:
    name, purpose, questions = SURVEYS[slug]
    survey, asked = found or (
        demo.add(Survey, slug=slug, name=name, purpose=purpose, created_at=demo.now - demo.days(745, 750)),
        [],
    )
    by_kind = {question.kind: question for question in reversed(asked)}
    for position, (kind, prompt, required) in enumerate(questions):
        if kind not in by_kind:
            by_kind[kind] = demo.add(
                SurveyQuestion,
                survey_id=survey.pk,
                position=position,
                kind=kind,
                required=required,
                prompt=prompt.format(brand=demo.settings.brand_name),
            )
    return Questionnaire(survey, by_kind)


def build_responses(demo: Demo, questionnaire: Questionnaire, reviewed: list[Reviewed]) -> list[Answered]:
    by_customer: dict[int, list[Reviewed]] = {}
    for entry in reviewed:
        by_customer.setdefault(entry.purchase.shopper.customer.pk, []).append(entry)
    chosen = [demo.rng.choice(entries) for entries in by_customer.values() if demo.chance(ANSWERED_SHARE)]
    scores = _cover_every_score([_nps(demo, entry.review.rating) for entry in chosen])
    return [_respond(demo, questionnaire, entry, nps) for entry, nps in zip(chosen, scores, strict=True)]


def _nps(demo: Demo, rating: int) -> int:
    return demo.rng.choices(range(11), weights=NPS_WEIGHT[rating])[0]


def _cover_every_score(scores: list[int]) -> list[int]:
    """Move a few answers to their group's missing scores, so that 0-10 all occur."""
    for missing in sorted(set(range(11)) - set(scores)):
        same_group = [i for i, s in enumerate(scores) if group(s) == group(missing)]
        spare = [i for i in same_group if scores.count(scores[i]) > 1]
        if spare:
            scores[spare[len(spare) // 2]] = missing
    return scores


def group(nps: int) -> str:
    if nps >= 9:
        return "promoter"
    return "passive" if nps >= 7 else "detractor"


def _respond(demo: Demo, questionnaire: Questionnaire, entry: Reviewed, nps: int) -> Answered:
    blank = demo.chance(BLANK_REASON_SHARE)
    reason = "" if blank else demo.rng.choice(REASONS[group(nps)])
    csat = demo.rng.choices(range(1, 6), weights=CSAT_WEIGHT[group(nps)])[0]
    assessment = assess(reason, nps=nps)
    response = demo.add(
        SurveyResponse,
        survey_id=questionnaire.survey.pk,
        customer_id=entry.purchase.shopper.customer.pk,
        order_id=entry.purchase.order.pk,
        review_id=entry.review.pk,
        nps=nps,
        csat=csat,
        sentiment_label=assessment.label,
        flagged=assessment.flagged,
        submitted_at=min(demo.now, entry.review.submitted_at + demo.hours(0.02, 0.2)),
    )
    _answers(demo, questionnaire, response, nps=nps, csat=csat, text=reason)
    return Answered(response, entry, reason, assessment)


def _answers(
    demo: Demo,
    questionnaire: Questionnaire,
    response: SurveyResponse,
    *,
    nps: int | None,
    csat: int | None,
    text: str,
) -> None:
    values = {"nps": (nps, ""), "csat": (csat, ""), "text": (None, text)}
    for kind, (number, words) in values.items():
        question = questionnaire.questions.get(kind)
        if question is not None and (number is not None or words):
            demo.add(
                SurveyAnswer, response_id=response.pk, question_id=question.pk, number=number, text=words
            )


def answer_recovery(
    demo: Demo,
    questionnaire: Questionnaire,
    about: Subject,
    *,
    csat: int,
    comment: str,
    at: datetime,
) -> SurveyResponse:
    """The customer's answer to "did we put things right?" after their case was resolved.

    It is not flagged: it belongs to a case that exists already and records it.
    """
    response = demo.add(
        SurveyResponse,
        survey_id=questionnaire.survey.pk,
        customer_id=about.customer_id,
        order_id=about.order_id,
        review_id=about.review_id,
        csat=csat,
        sentiment_label=assess(comment).label if comment else "neutral",
        submitted_at=at,
    )
    _answers(demo, questionnaire, response, nps=None, csat=csat, text=comment)
    return response
