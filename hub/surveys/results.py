"""What a survey's answers add up to: NPS, CSAT, distributions, free text and the monthly trend.

Every figure is a SQL aggregate; no response is loaded to count it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise import connections
from tortoise.expressions import Q, RawSQL
from tortoise.functions import Count

from hub.surveys.models import QuestionKind, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from hub.surveys.surveys import SCALES

TEXT_SHOWN = 50
MONTH_SQL = {
    "sqlite": "strftime('%Y-%m', submitted_at)",
    "postgres": "to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM')",
}


@dataclass(frozen=True)
class Score:
    """Net Promoter Score (-100 to 100) of `total` 0-10 answers; None when there are none."""

    total: int
    promoters: int
    detractors: int

    @property
    def value(self) -> float | None:
        if not self.total:
            return None
        return round(100 * (self.promoters - self.detractors) / self.total, 1)


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    total: int

    @property
    def percent(self) -> float:
        return round(100 * self.count / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class Distribution:
    question: SurveyQuestion
    bars: list[Bar]
    total: int


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM
    responses: int
    nps: Score


@dataclass(frozen=True)
class Results:
    survey: Survey
    responses: int
    nps: Score
    csat_total: int
    csat_satisfied: int
    distributions: list[Distribution]
    texts: list[dict[str, Any]]
    trend: list[Month]

    @property
    def csat_percent(self) -> float | None:
        return round(100 * self.csat_satisfied / self.csat_total, 1) if self.csat_total else None


def _nps_counts() -> dict[str, Count]:
    return {
        "answered": Count("id", _filter=Q(nps__isnull=False)),
        "promoters": Count("id", _filter=Q(nps__gte=9)),
        "detractors": Count("id", _filter=Q(nps__lte=6)),
    }


def _score(row: dict[str, Any]) -> Score:
    return Score(
        total=row["answered"] or 0, promoters=row["promoters"] or 0, detractors=row["detractors"] or 0
    )


async def survey_results(survey: Survey) -> Results:
    row = (
        await SurveyResponse.filter(survey=survey)
        .annotate(
            responses=Count("id"),
            csat_total=Count("id", _filter=Q(csat__isnull=False)),
            csat_satisfied=Count("id", _filter=Q(csat__gte=4)),
            **_nps_counts(),
        )
        .first()
        .values("responses", "csat_total", "csat_satisfied", "answered", "promoters", "detractors")
    )
    row = row or {}
    return Results(
        survey=survey,
        responses=row.get("responses") or 0,
        nps=_score(row) if row else Score(0, 0, 0),
        csat_total=row.get("csat_total") or 0,
        csat_satisfied=row.get("csat_satisfied") or 0,
        distributions=await distributions(survey),
        texts=await free_texts(survey),
        trend=await monthly_trend(survey),
    )


async def distributions(survey: Survey) -> list[Distribution]:
    """How often each answer was given, for every question that is not free text."""
    questions = (
        await SurveyQuestion.filter(survey=survey).exclude(kind=QuestionKind.TEXT).order_by("position", "id")
    )
    counted = (
        await SurveyAnswer.filter(question__survey_id=survey.id)
        .exclude(question__kind=QuestionKind.TEXT)
        .annotate(count=Count("id"))
        .group_by("question_id", "number", "choice")
        .values("question_id", "number", "choice", "count")
    )
    by_question: dict[int, dict[str, int]] = {}
    for row in counted:
        label = row["choice"] if row["number"] is None else str(row["number"])
        by_question.setdefault(row["question_id"], {})[label] = row["count"]
    return [_distribution(question, by_question.get(question.id, {})) for question in questions]


def _distribution(question: SurveyQuestion, counts: dict[str, int]) -> Distribution:
    scale = SCALES.get(question.kind)
    labels = [str(n) for n in scale] if scale else list(question.choices)
    labels += [label for label in counts if label not in labels]  # choices since removed
    total = sum(counts.values())
    return Distribution(question, [Bar(label, counts.get(label, 0), total) for label in labels], total)


async def free_texts(survey: Survey, limit: int = TEXT_SHOWN) -> list[dict[str, Any]]:
    """The newest free-text answers with their response's sentiment label."""
    return list(
        await SurveyAnswer.filter(question__survey_id=survey.id, question__kind=QuestionKind.TEXT)
        .exclude(text="")
        .order_by("-response__submitted_at", "-id")
        .limit(limit)
        .values("text", "question__prompt", "response__sentiment_label", "response__submitted_at")
    )


async def monthly_trend(survey: Survey) -> list[Month]:
    """Responses and NPS per calendar month (UTC), oldest first."""
    dialect = connections.get("default").capabilities.dialect
    rows = (
        await SurveyResponse.filter(survey=survey)
        .annotate(month=RawSQL(MONTH_SQL.get(dialect, MONTH_SQL["sqlite"])))
        .annotate(responses=Count("id"), **_nps_counts())
        .group_by("month")
        .order_by("month")
        .values("month", "responses", "answered", "promoters", "detractors")
    )
    return [Month(month=row["month"], responses=row["responses"], nps=_score(row)) for row in rows]


async def survey_overview() -> list[dict[str, Any]]:
    """Every survey with its number of questions and responses, newest first."""
    surveys = await Survey.all().order_by("-id").values("id", "name", "slug", "purpose", "is_active")
    questions = await _count_by_survey(SurveyQuestion)
    responses = await _count_by_survey(SurveyResponse)
    return [
        {**s, "questions": questions.get(s["id"], 0), "responses": responses.get(s["id"], 0)} for s in surveys
    ]


async def _count_by_survey(model: type[SurveyQuestion] | type[SurveyResponse]) -> dict[int, int]:
    rows = await model.all().annotate(count=Count("id")).group_by("survey_id").values("survey_id", "count")
    return {row["survey_id"]: row["count"] for row in rows}
