"""Survey results: NPS, CSAT, distributions, free text and the monthly trend, by hand."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import httpx
import pytest

from hub.staff.models import StaffUser
from hub.surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from hub.surveys.results import survey_overview, survey_results
from tests.surveys.test_surveys import Login

_tokens = itertools.count(1)
MAY, JUNE = datetime(2025, 5, 10, 12, tzinfo=UTC), datetime(2025, 6, 3, 9, tzinfo=UTC)


@pytest.fixture
async def survey(db: str) -> Survey:
    survey = await Survey.create(slug="after-order", name="After your order", purpose="custom")
    await SurveyQuestion.create(survey=survey, position=0, kind="nps", prompt="Recommend us?")
    await SurveyQuestion.create(survey=survey, position=1, kind="csat", prompt="Delivery?")
    await SurveyQuestion.create(
        survey=survey, position=2, kind="choice", prompt="Heard of us", choices=["Friend", "Search", "Ad"]
    )
    await SurveyQuestion.create(survey=survey, position=3, kind="text", prompt="Why?")
    return survey


async def answer(
    survey: Survey,
    nps: int | None = None,
    csat: int | None = None,
    choice: str = "",
    text: str = "",
    label: str = "neutral",
    at: datetime = MAY,
) -> SurveyResponse:
    response = await SurveyResponse.create(
        survey=survey,
        token_hash=f"t{next(_tokens)}",
        nps=nps,
        csat=csat,
        sentiment_label=label,
        submitted_at=at,
    )
    questions = {q.kind: q for q in await SurveyQuestion.filter(survey=survey)}
    values = {
        "nps": (nps, "", ""),
        "csat": (csat, "", ""),
        "choice": (None, choice, ""),
        "text": (None, "", text),
    }
    for kind, (number, chosen, written) in values.items():
        if number is not None or chosen or written:
            await SurveyAnswer.create(
                response=response, question=questions[kind], number=number, choice=chosen, text=written
            )
    return response


async def test_nps_is_promoters_minus_detractors(survey: Survey) -> None:
    for nps in (10, 9, 8, 6, 3):
        await answer(survey, nps=nps)
    results = await survey_results(survey)
    assert (results.nps.total, results.nps.promoters, results.nps.detractors) == (5, 2, 2)
    assert results.nps.value == 0.0
    assert results.responses == 5


async def test_nps_of_mostly_promoters(survey: Survey) -> None:
    for nps in (10, 10, 9, 7, 0):
        await answer(survey, nps=nps)
    assert (await survey_results(survey)).nps.value == 40.0


async def test_csat_is_the_share_of_four_and_five(survey: Survey) -> None:
    for csat in (5, 4, 2):
        await answer(survey, csat=csat)
    results = await survey_results(survey)
    assert results.csat_percent == 66.7
    assert results.nps.value is None


async def test_a_survey_without_responses_has_no_figures(survey: Survey) -> None:
    results = await survey_results(survey)
    assert (results.responses, results.nps.value, results.csat_percent, results.trend) == (0, None, None, [])


async def test_it_counts_each_answer_of_each_question(survey: Survey) -> None:
    await answer(survey, nps=10, choice="Friend")
    await answer(survey, nps=10, choice="Friend")
    await answer(survey, nps=3, choice="Ad")
    by_prompt = {d.question.prompt: d for d in (await survey_results(survey)).distributions}
    nps_bars = {bar.label: bar.count for bar in by_prompt["Recommend us?"].bars}
    assert list(nps_bars) == [str(n) for n in range(11)]
    assert (nps_bars["10"], nps_bars["3"], nps_bars["5"]) == (2, 1, 0)
    choice_bars = [(bar.label, bar.count, bar.percent) for bar in by_prompt["Heard of us"].bars]
    assert choice_bars == [("Friend", 2, 66.7), ("Search", 0, 0.0), ("Ad", 1, 33.3)]
    assert "Why?" not in by_prompt


async def test_free_text_comes_with_its_sentiment(survey: Survey) -> None:
    await answer(survey, nps=2, text="Arrived broken", label="negative")
    await answer(survey, nps=10, text="", label="neutral")
    texts = (await survey_results(survey)).texts
    assert [(t["text"], t["response__sentiment_label"]) for t in texts] == [("Arrived broken", "negative")]


async def test_the_trend_gives_nps_and_responses_per_month(survey: Survey) -> None:
    for nps in (10, 9, 3):
        await answer(survey, nps=nps, at=MAY)
    await answer(survey, nps=None, csat=5, at=MAY)
    for nps in (2, 6):
        await answer(survey, nps=nps, at=JUNE)
    trend = (await survey_results(survey)).trend
    assert [(m.month, m.responses, m.nps.total, m.nps.value) for m in trend] == [
        ("2025-05", 4, 3, 33.3),
        ("2025-06", 2, 2, -100.0),
    ]


async def test_the_overview_counts_questions_and_responses(survey: Survey) -> None:
    await answer(survey, nps=9)
    overview = await survey_overview()
    assert [(s["slug"], s["questions"], s["responses"]) for s in overview] == [("after-order", 4, 1)]


async def test_the_results_page_shows_the_figures(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, survey: Survey
) -> None:
    for nps in (10, 9, 8, 6, 3):
        await answer(survey, nps=nps, text="Took ages to arrive" if nps == 3 else "", label="negative")
    await login(carol)
    page = await client.get(f"/admin/surveys/{survey.id}/results")
    assert page.status_code == 200
    assert "Took ages to arrive" in page.text
    assert "<meter" in page.text and "style=" not in page.text
    assert "2025-05" in page.text
