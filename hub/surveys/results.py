"""What a survey's answers add up to, read from the `SurveyRollup` totals (never from the answers).

For one segment value (everyone by default): each question's distribution, the monthly
trend of every measured question (NPS, CSAT, effort: `hub.surveys.measures`) with its
margin, this period against the previous one of the same length, and the free-text
topics with their sentiment. Example quotes are the only thing read from the answers:
the newest `QUOTES_READ` written answers of the segment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tortoise.functions import Count, Sum

from hub.catalog.models import Product
from hub.staff.models import StaffUser
from hub.surveys.measures import MEASURES, Change, Figure, Measure, Totals
from hub.surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyRollup
from hub.surveys.rollup import (
    CHOICE_KINDS,
    LIST_KINDS,
    OTHER_TOPIC,
    RESPONSES,
    SEGMENTS,
    TEXT_KINDS,
    month_of,
    read_text,
    segments_of,
)
from hub.surveys.surveys import SCALES

SENTIMENTS = ("negative", "neutral", "positive")
QUOTES_READ = 1000
QUOTES_SHOWN = 3
QUOTE_LENGTH = 240


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
    """How often each answer was given; for free text, how often each sentiment."""

    question: SurveyQuestion
    bars: list[Bar]
    total: int


@dataclass(frozen=True)
class Trend:
    question: SurveyQuestion
    measure: Measure
    overall: Figure
    months: list[tuple[str, Figure]]  # YYYY-MM, oldest first
    change: Change


@dataclass
class Topic:
    name: str
    count: int = 0
    sentiments: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SENTIMENTS, 0))
    quotes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Period:
    """The last `months` calendar months up to `until` (YYYY-MM), and the same length before."""

    until: str
    months: int

    def current(self) -> tuple[str, str]:
        return shift(self.until, 1 - self.months), self.until

    def previous(self) -> tuple[str, str]:
        return shift(self.until, 1 - 2 * self.months), shift(self.until, -self.months)


def shift(month: str, by: int) -> str:
    year, number = int(month[:4]), int(month[5:7]) - 1 + by
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


@dataclass(frozen=True)
class SegmentChoice:
    segment: str
    value: str
    name: str
    responses: int

    @property
    def title(self) -> str:
        return f"{SEGMENTS.get(self.segment, self.segment)}: {self.name}"


@dataclass(frozen=True)
class Results:
    survey: Survey
    segment: str
    value: str
    period: Period
    responses: int
    distributions: list[Distribution]
    trends: list[Trend]
    topics: list[Topic]
    choices: list[SegmentChoice]


Rows = list[dict[str, Any]]


async def survey_results(survey: Survey, period: Period, segment: str = "", value: str = "") -> Results:
    questions = list(await SurveyQuestion.filter(survey=survey).order_by("position", "id"))
    rows = await _rows(survey, segment, value)
    return Results(
        survey=survey,
        segment=segment,
        value=value,
        period=period,
        responses=sum(r["answers"] for r in rows if r["question_id"] == RESPONSES),
        distributions=[_distribution(q, rows) for q in questions if _charted(q)],
        trends=[_trend(q, MEASURES[q.kind], rows, period) for q in questions if q.kind in MEASURES],
        topics=await _topics(questions, rows, segment, value),
        choices=await segment_choices(survey),
    )


async def _rows(survey: Survey, segment: str, value: str) -> Rows:
    return list(
        await SurveyRollup.filter(survey_id=survey.id, segment=segment, value=value).values(
            "question_id", "month", "answer", "topic", "answers", "total", "squares"
        )
    )


def _charted(question: SurveyQuestion) -> bool:
    return question.kind in SCALES or question.kind in CHOICE_KINDS or question.kind in TEXT_KINDS


def _distribution(question: SurveyQuestion, rows: Rows) -> Distribution:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["question_id"] == question.id and not row["topic"] and row["answer"]:
            counts[row["answer"]] += row["answers"]
    scale = SCALES.get(question.kind)
    if scale:
        labels = [str(n) for n in scale]
    elif question.kind in TEXT_KINDS:
        labels = list(SENTIMENTS)
    else:
        labels = list(question.choices)
    labels += [label for label in counts if label not in labels]  # choices since removed, "other"
    # a multiple-choice question's shares are of its answers, not of its options chosen
    total = _answered(question, rows) if question.kind in LIST_KINDS else sum(counts.values())
    return Distribution(question, [Bar(label, counts.get(label, 0), total) for label in labels], total)


def _answered(question: SurveyQuestion, rows: Rows) -> int:
    return sum(r["answers"] for r in rows if r["question_id"] == question.id and r["answer"] == "")


def totals(rows: Rows, first: str = "", last: str = "9999-99") -> Totals:
    """The running totals of one question's answer rows in the months from `first` to `last`."""
    counts: dict[int, int] = defaultdict(int)
    answers = total = squares = 0
    for row in rows:
        if first <= row["month"] <= last:
            counts[int(row["answer"])] += row["answers"]
            answers, total, squares = answers + row["answers"], total + row["total"], squares + row["squares"]
    return Totals(counts, answers, total, squares)


def _trend(question: SurveyQuestion, measure: Measure, rows: Rows, period: Period) -> Trend:
    mine = [r for r in rows if r["question_id"] == question.id and not r["topic"]]
    by_month: dict[str, Rows] = defaultdict(list)
    for row in mine:
        by_month[row["month"]].append(row)
    return Trend(
        question=question,
        measure=measure,
        overall=measure.figure(totals(mine)),
        months=[(month, measure.figure(totals(by_month[month]))) for month in sorted(by_month)],
        change=Change(
            measure.figure(totals(mine, *period.current())),
            measure.figure(totals(mine, *period.previous())),
        ),
    )


async def _topics(questions: list[SurveyQuestion], rows: Rows, segment: str, value: str) -> list[Topic]:
    text_ids = {q.id for q in questions if q.kind in TEXT_KINDS}
    found: dict[str, Topic] = {}
    for row in rows:
        if row["question_id"] in text_ids and row["topic"]:
            topic = found.setdefault(row["topic"], Topic(row["topic"]))
            topic.count += row["answers"]
            topic.sentiments[row["answer"]] = topic.sentiments.get(row["answer"], 0) + row["answers"]
    for text in await _recent_texts(text_ids, segment, value) if text_ids else []:
        _, names = read_text(text)
        for name in names or (OTHER_TOPIC,):
            if name in found and len(found[name].quotes) < QUOTES_SHOWN:
                found[name].quotes.append(_quote(text))
    return sorted(found.values(), key=lambda topic: (-topic.count, topic.name))


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1].rstrip() + "…"


@dataclass(frozen=True)
class _Written:
    id: int  # the response's
    customer_id: int | None
    order_id: int | None


async def _recent_texts(text_ids: set[int], segment: str, value: str) -> list[str]:
    """The segment's answers among the newest `QUOTES_READ` written answers, newest first.

    Filed by the rollup's own `segments_of`; the agent segment is not known here, so its
    quotes are the survey's newest.
    """
    # answers are stored in time order: the newest ids are the newest answers
    rows = (
        await SurveyAnswer.filter(question_id__in=text_ids)
        .exclude(text="")
        .order_by("-id")
        .limit(QUOTES_READ)
        .values("text", "response_id", "response__customer_id", "response__order_id")
    )
    if not segment or segment == "agent":
        return [row["text"] for row in rows]
    written = [_Written(r["response_id"], r["response__customer_id"], r["response__order_id"]) for r in rows]
    segments = await segments_of(written, {})
    return [row["text"] for row in rows if (segment, value) in segments[row["response_id"]]]


async def segment_choices(survey: Survey) -> list[SegmentChoice]:
    """Every segment value the survey's responses fall in, with its name and responses."""
    rows = (
        await SurveyRollup.filter(survey_id=survey.id, question_id=RESPONSES)
        .exclude(segment="")
        .annotate(responses=Sum("answers"))
        .group_by("segment", "value")
        .values("segment", "value", "responses")
    )
    names = await _names(rows)
    order = list(SEGMENTS)
    choices = [
        SegmentChoice(
            r["segment"], r["value"], names.get((r["segment"], r["value"]), r["value"]), r["responses"]
        )
        for r in rows
    ]
    return sorted(choices, key=lambda c: (order.index(c.segment) if c.segment in order else 99, c.name))


async def _names(rows: Rows) -> Mapping[tuple[str, str], str]:
    ids = {
        segment: {int(r["value"]) for r in rows if r["segment"] == segment and r["value"].isdigit()}
        for segment in ("product", "agent")
    }
    names: dict[tuple[str, str], str] = {}
    for product in await Product.filter(id__in=ids["product"]).values("id", "name"):
        names[("product", str(product["id"]))] = product["name"]
    for user in await StaffUser.filter(id__in=ids["agent"]).values("id", "name", "email"):
        names[("agent", str(user["id"]))] = user["name"] or user["email"]
    return names


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


async def needs_rebuild(survey: Survey, results: Results) -> bool:
    """Responses stored before the rollup existed are missing until `surveys rebuild-results`:
    the month of the survey's first response is not filed (two index look-ups, no count)."""
    if results.segment:
        return False
    first = await SurveyResponse.filter(survey_id=survey.id).order_by("submitted_at").first()
    if first is None:
        return False
    month = month_of(first.submitted_at)
    return not await SurveyRollup.exists(survey_id=survey.id, question_id=RESPONSES, segment="", month=month)
