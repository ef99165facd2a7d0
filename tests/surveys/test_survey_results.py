"""Survey results from the rollup: trends with margins, period against period, segments, topics,
the export and the API, and the rollup equal to a recount (also after the rebuild command)."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from click.testing import CliRunner

from hub.catalog.models import Customer
from hub.cli import main
from hub.config import Settings
from hub.links.models import LinkPurpose
from hub.links.tokens import issue_token
from hub.staff.apikeys import create_api_key
from hub.staff.models import StaffUser
from hub.surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyRollup
from hub.surveys.results import Period, survey_results
from hub.surveys.rollup import record_response
from hub.transfer.survey_export import question_column
from hub.triage.cases import open_case
from hub.triage.models import Case
from tests.conftest import make_customer, make_order, make_product, run_sync
from tests.surveys.test_surveys import Login, fields, submit
from tests.widget.schema_check import errors_of, response_schema

_tokens = itertools.count(1)
MAY, JUNE = datetime(2025, 5, 10, 12, tzinfo=UTC), datetime(2025, 6, 3, 9, tzinfo=UTC)
JUNE_ONLY, MAY_ONLY = Period("2025-06", 1), Period("2025-05", 1)


async def make_survey() -> Survey:
    survey = await Survey.create(slug="after-order", name="After your order", purpose="custom")
    for position, (kind, prompt) in enumerate(
        (("nps", "Recommend us?"), ("csat", "Delivery?"), ("effort", "How easy?"), ("text", "Why?"))
    ):
        await SurveyQuestion.create(survey=survey, position=position, kind=kind, prompt=prompt)
    await SurveyQuestion.create(
        survey=survey, position=9, kind="choice", prompt="Heard of us", choices=["Friend", "Search", "Ad"]
    )
    return survey


@pytest.fixture
async def survey(db: str) -> Survey:
    return await make_survey()


async def answer(
    survey: Survey,
    at: datetime = MAY,
    customer: Customer | None = None,
    order_id: int | None = None,
    **given: int | str,
) -> SurveyResponse:
    """A stored response with answers by question kind, filed as the submit path files it."""
    response = await SurveyResponse.create(
        survey=survey,
        customer=customer,
        order_id=order_id,
        token_hash=f"t{next(_tokens)}",
        nps=given.get("nps"),
        csat=given.get("csat"),
        submitted_at=at,
    )
    questions = {q.kind: q for q in await SurveyQuestion.filter(survey=survey)}
    for kind, value in given.items():
        number = value if isinstance(value, int) else None
        text = value if kind == "text" else ""
        choice = value if kind == "choice" else ""
        await SurveyAnswer.create(
            response=response, question=questions[kind], number=number, text=text, choice=choice
        )
    await record_response(response)
    return response


def trend_of(results, measure: str):  # type: ignore[no-untyped-def]
    return next(trend for trend in results.trends if trend.measure.name == measure)


async def test_each_month_has_its_figure_answers_and_margin(survey: Survey) -> None:
    for nps in (10, 9, 9, 8, 6, 3, 0, 10):
        await answer(survey, nps=nps)
    for csat in (5, 4, 4, 2, 5):
        await answer(survey, csat=csat)
    for effort in (2, 3, 5, 6):
        await answer(survey, effort=effort)
    results = await survey_results(survey, MAY_ONLY)
    assert results.responses == 17
    # NPS of 10 9 9 8 6 3 0 10: p+ = 4/8 = 0.5, p- = 3/8 = 0.375, NPS = 100 (0.5 - 0.375) = 12.5;
    # se = 100 sqrt((0.5 + 0.375 - 0.125²) / 8) = 100 sqrt(0.859375 / 8) = 32.775; ± 1.96 se = 64.24
    [(month, nps)] = trend_of(results, "nps").months
    assert (month, nps.answers, nps.value) == ("2025-05", 8, 12.5)
    assert round(nps.margin, 2) == 64.24
    # CSAT of 5 4 4 2 5: p = 4/5 = 0.8. Wilson, z = 1.96, z² = 3.8416, n = 5:
    # centre = (0.8 + 3.8416/10) / (1 + 3.8416/5) = 1.18416 / 1.76832 = 0.66965
    # half = 1.96 sqrt(0.8·0.2/5 + 3.8416/100) / 1.76832 = 1.96 · 0.26536 / 1.76832 = 0.29412
    # -> 80 %, from 37.55 % to 96.38 %
    [(_, csat)] = trend_of(results, "csat").months
    assert (csat.answers, csat.value, round(csat.low, 2), round(csat.high, 2)) == (5, 80.0, 37.55, 96.38)
    # Effort 2 3 5 6: mean 16/4 = 4; s² = (74 - 16²/4) / 3 = 10/3, s = 1.8257; se = s/2 = 0.91287;
    # ± 1.96 se = 1.7892
    [(_, effort)] = trend_of(results, "effort").months
    assert (effort.answers, effort.value, round(effort.margin, 4)) == (4, 4.0, 1.7892)


async def test_period_against_period_says_whether_the_change_is_beyond_noise(survey: Survey) -> None:
    for nps, csat in zip((10, 9, 9, 8, 6, 3, 0, 10), (5, 4, 4, 2, 5, None, None, None), strict=True):
        await answer(survey, MAY, nps=nps, **({"csat": csat} if csat else {}))
    for nps, csat in zip((10, 10, 9, 8, 7, 10, None), (1, 2, 1, 2, 1, 2, 5), strict=True):
        await answer(survey, JUNE, csat=csat, **({"nps": nps} if nps else {}))
    results = await survey_results(survey, JUNE_ONLY)
    # NPS: June 10 10 9 8 7 10 is 66.67 (p+ = 4/6, p- = 0; se = 100 sqrt((4/6 - (4/6)²)/6) = 19.245)
    # against May's 12.5 (se 32.775): +54.17, but 1.96 sqrt(32.775² + 19.245²) = 74.50: noise.
    nps = trend_of(results, "nps").change
    assert (round(nps.current.value, 2), nps.previous.value) == (66.67, 12.5)
    assert (round(nps.difference, 2), round(nps.margin, 2), nps.beyond_noise) == (54.17, 74.5, False)
    # CSAT: June 1/7 = 14.29 % (se 100 sqrt(1/7 · 6/7 / 7) = 13.226) against May 80 % (se 17.889):
    # -65.71, beyond 1.96 sqrt(17.889² + 13.226²) = 1.96 sqrt(494.93) = 43.60.
    csat = trend_of(results, "csat").change
    assert (round(csat.difference, 2), round(csat.margin, 2), csat.beyond_noise) == (-65.71, 43.6, True)


async def test_the_results_split_by_stage_language_country_and_product(survey: Survey) -> None:
    tent, stove = await make_product("Trail Tent"), await make_product("Camp Stove")
    loyal = await make_customer("Lou", stage="loyal", locale="de-AT")
    new = await make_customer("Nia", stage="new", locale="en")
    both = await make_order(loyal, tent, stove)
    await answer(survey, customer=loyal, order_id=both.id, nps=10)
    await answer(survey, customer=loyal, nps=9)
    await answer(survey, customer=new, order_id=(await make_order(new, tent)).id, nps=2)

    async def nps_of(segment: str, value: str) -> tuple[int, float | None]:
        results = await survey_results(survey, JUNE_ONLY, segment, value)
        overall = trend_of(results, "nps").overall
        return overall.answers, overall.value

    assert await nps_of("stage", "loyal") == (2, 100.0)
    assert await nps_of("language", "de") == (2, 100.0)
    assert await nps_of("country", "AT") == (2, 100.0)
    assert await nps_of("stage", "new") == (1, -100.0)
    assert await nps_of("product", str(tent.id)) == (2, 0.0)
    assert await nps_of("product", str(stove.id)) == (1, 100.0)
    choices = {(c.title, c.responses) for c in (await survey_results(survey, JUNE_ONLY)).choices}
    assert {("Product: Trail Tent", 2), ("Customer stage: loyal", 2), ("Country: AT", 2)} <= choices


async def test_written_answers_are_grouped_by_topic_with_their_sentiment_and_quotes(survey: Survey) -> None:
    await answer(survey, text="The parcel arrived two weeks late and the box was crushed.")
    await answer(survey, text="Delivery was quick and the courier was friendly.")
    await answer(survey, text="Great price for the quality.")
    await answer(survey, text="Nothing to add.")
    results = await survey_results(survey, MAY_ONLY)
    topics = {topic.name: topic for topic in results.topics}
    delivery = topics["delivery"]
    assert delivery.count == 2
    assert delivery.sentiments["negative"] == 1 and delivery.sentiments["positive"] == 1
    assert delivery.quotes == [
        "Delivery was quick and the courier was friendly.",
        "The parcel arrived two weeks late and the box was crushed.",
    ]
    assert topics["packaging"].count == 1 and topics["price"].count == 1
    assert topics["other"].quotes == ["Nothing to add."]
    text_bars = next(d for d in results.distributions if d.question.kind == "text")
    assert {bar.label: bar.count for bar in text_bars.bars}["negative"] == 1
    assert text_bars.total == 4


async def recount(survey: Survey) -> Counter[tuple[int, str, str]]:
    """Everyone's answers counted from the answers themselves: (question, month, answer) -> n."""
    counted: Counter[tuple[int, str, str]] = Counter()
    kinds = dict(await SurveyQuestion.filter(survey=survey).values_list("id", "kind"))
    rows = await SurveyAnswer.filter(response__survey=survey).values(
        "question_id", "number", "choice", "response__submitted_at"
    )
    for row in rows:
        if kinds[row["question_id"]] != "text":
            label = row["choice"] or str(row["number"])
            counted[(row["question_id"], row["response__submitted_at"].strftime("%Y-%m"), label)] += 1
    return counted


async def stored(survey: Survey) -> Counter[tuple[int, str, str]]:
    rows = await SurveyRollup.filter(survey=survey, segment="", topic="").exclude(question_id=0).values()
    kinds = dict(await SurveyQuestion.filter(survey=survey).values_list("id", "kind"))
    return Counter(
        {
            (r["question_id"], r["month"], r["answer"]): r["answers"]
            for r in rows
            if kinds[r["question_id"]] != "text"
        }
    )


async def test_the_rollup_equals_a_recount_of_the_answers(survey: Survey) -> None:
    for i, nps in enumerate((10, 3, 7, 9, 0)):
        await answer(survey, MAY if i % 2 else JUNE, nps=nps, csat=1 + i, choice=("Friend", "Ad")[i % 2])
    assert await stored(survey) == await recount(survey)
    sums = await SurveyRollup.filter(survey=survey, segment="", question_id__not=0, answer="10").values()
    assert [(r["total"], r["squares"]) for r in sums if r["answers"] == 1][:1] == [(10, 100)]


def test_the_rebuild_command_files_old_answers_again(settings: Settings) -> None:
    async def fill() -> int:
        survey = await make_survey()
        for nps, stage in ((10, "loyal"), (3, "new"), (8, "new")):
            shopper = await make_customer(stage=stage)
            await answer(survey, JUNE, customer=shopper, nps=nps, choice="Search")
        await SurveyRollup.all().delete()  # as before the rollup existed
        return survey.id

    survey_id = run_sync(settings.database_url, fill)
    env = {
        "HUB_DATA_DIR": str(settings.data_dir),
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_SECRET_KEY": settings.secret_key,
    }
    result = CliRunner().invoke(main, ["surveys", "rebuild-results"], env=env)
    assert result.exit_code == 0, result.output
    assert "Filed 3 responses" in result.output

    async def compare() -> tuple[Counter[tuple[int, str, str]], Counter[tuple[int, str, str]]]:
        survey = await Survey.get(id=survey_id)
        return await stored(survey), await recount(survey)

    after, expected = run_sync(settings.database_url, compare)
    assert after == expected and sum(after.values()) == 6

    async def by_stage() -> dict[str, int]:
        rows = SurveyRollup.filter(survey_id=survey_id, segment="stage", question_id=0)
        return dict(await rows.values_list("value", "answers"))

    assert run_sync(settings.database_url, by_stage) == {"loyal": 1, "new": 2}  # each under its own stage


async def test_a_follow_up_answer_is_filed_under_the_cases_agent(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser, login: Login, carol: StaffUser
) -> None:
    customer = await make_customer("Erin Walker", locale="en-GB")
    case = await open_case(settings, reasons=["detractor"], priority="normal", customer=customer)
    await Case.filter(id=case.id).update(assignee_id=bob.id)
    raw = await issue_token(
        LinkPurpose.FOLLOW_UP,
        customer=customer,
        subject_type="case",
        subject_id=case.id,
        ttl=timedelta(days=9),
    )
    await client.get(f"/s/{raw}")
    recovery = await Survey.get(purpose="recovery")
    names = await fields(recovery)
    await submit(client, f"/s/{raw}", **{names["csat"]: "4", names["text"]: "The new pole came quickly."})
    await login(carol)
    page = await client.get(f"/admin/surveys/{recovery.id}/results", params={"segment": f"agent:{bob.id}"})
    assert page.status_code == 200
    assert "Agent (follow-ups): Bob Agent (1)" in page.text
    assert "The new pole came quickly." in page.text


async def test_the_results_page_shows_charts_margins_and_how_they_are_computed(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, survey: Survey
) -> None:
    for nps in (10, 9, 8, 6, 3):
        await answer(survey, nps=nps, text="Took ages to arrive" if nps == 3 else "")
    await login(carol)
    page = await client.get(f"/admin/surveys/{survey.id}/results", params={"until": "2025-05", "months": "1"})
    assert page.status_code == 200
    assert "Took ages to arrive" in page.text
    assert 'class="whisker"' in page.text and 'class="bar-chart"' in page.text
    assert "Wilson" in page.text and "1.96" in page.text
    assert "style=" not in page.text
    bad = await client.get(f"/admin/surveys/{survey.id}/results", params={"until": "May"})
    assert bad.status_code == 422 and "until" in bad.text
    assert "rebuild-results" not in page.text
    await SurveyRollup.all().delete()  # as when answers were stored before the rollup existed
    stale = await client.get(f"/admin/surveys/{survey.id}/results")
    assert "Run <code>feedback-hub surveys rebuild-results</code>" in stale.text


async def test_carol_exports_the_answers_as_csv_and_alice_also_gets_the_emails(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, alice: StaffUser, survey: Survey
) -> None:
    dana = await make_customer("Dana Buyer", email="dana@example.com")
    await answer(survey, customer=dana, nps=9, choice="Friend", text="=SUM(A1) fine")
    await answer(survey, nps=4)
    choice = question_column(await SurveyQuestion.get(survey=survey, kind="choice"))
    text_question = await SurveyQuestion.get(survey=survey, kind="text")
    why = question_column(text_question)
    await login(carol)
    sheet = await client.get(f"/admin/surveys/{survey.id}/export.csv")
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(sheet.text)))
    assert [(r["nps"], r[choice], r[why]) for r in rows] == [("9", "Friend", "'=SUM(A1) fine"), ("4", "", "")]
    assert "dana@example.com" not in sheet.text
    client.cookies.clear()
    await login(alice)
    lines = (await client.get(f"/admin/surveys/{survey.id}/export.jsonl")).text.splitlines()
    first = json.loads(lines[0])
    written = next(a["answer"] for a in first["answers"] if a["question_id"] == text_question.id)
    assert (first["customer_email"], written, len(lines)) == ("dana@example.com", "=SUM(A1) fine", 2)


async def test_the_api_gives_results_and_pages_of_responses_only_with_the_scope(
    client: httpx.AsyncClient, survey: Survey
) -> None:
    for nps in (10, 9, 2):
        await answer(survey, nps=nps)
    results_url, responses_url = (
        f"/api/v1/surveys/{survey.id}/results",
        f"/api/v1/surveys/{survey.id}/responses",
    )
    assert (await client.get(results_url)).status_code == 401
    _, other = await create_api_key("reviews", ["reviews:read"])
    assert (await client.get(responses_url, headers={"Authorization": f"Bearer {other}"})).status_code == 403
    _, raw = await create_api_key("surveys", ["surveys:read"])
    headers = {"Authorization": f"Bearer {raw}"}
    body = (await client.get(results_url, headers=headers, params={"until": "2025-05"})).json()
    nps = next(t for t in body["trends"] if t["measure"] == "nps")
    assert (nps["overall"]["value"], nps["overall"]["answers"], body["responses"]) == (33.33, 3, 3)
    first = (await client.get(responses_url, headers=headers, params={"limit": 2})).json()
    assert [r["nps"] for r in first["responses"]] == [10, 9] and "customer_email" not in first["responses"][0]
    after = {"limit": 2, "after": first["next"]}
    rest = await client.get(responses_url, headers=headers, params=after)
    assert ([r["nps"] for r in rest.json()["responses"]], rest.json()["next"]) == ([2], None)
    bad = await client.get(responses_url, headers=headers, params={"limit": "all"})
    assert bad.status_code == 422 and "limit" in bad.text
    document = (await client.get("/openapi.json")).json()
    segment = await client.get(results_url, headers=headers, params={"segment": "stage:new"})
    results_path, responses_path = (
        "/api/v1/surveys/{survey_id}/results",
        "/api/v1/surveys/{survey_id}/responses",
    )
    for path, reply in ((results_path, segment), (responses_path, rest), (responses_path, bad)):
        media = reply.headers["content-type"].split(";")[0]
        schema = response_schema(document, path, "get", reply.status_code, media)
        assert errors_of(document, schema, reply.json()) == [], (path, reply.status_code)
