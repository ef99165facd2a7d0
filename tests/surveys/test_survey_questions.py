"""Survey questions: conditions, multiple choice with Other, translations, the public page and its embed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx
import pytest

from hub.config import Settings
from hub.staff.models import StaffUser
from hub.surveys.models import OTHER, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from hub.surveys.results import Period, survey_results
from hub.surveys.surveys import issue_survey_link
from tests.conftest import csrf_from, make_customer
from tests.surveys.test_surveys import submit

Login = Callable[[StaffUser], Awaitable[httpx.Response]]
WRONG = "What went wrong?"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(store_origins=("https://shop.example",)).with_rate_limits(
        survey_ip=(5, 600)
    )


async def make_winter() -> Survey:
    """A public survey: NPS, "What went wrong?" only for 0–6, and colours with Other."""
    survey = await Survey.create(slug="winter", name="Winter gear", purpose="custom", is_public=True)
    nps = await SurveyQuestion.create(
        survey=survey, position=0, kind="nps", prompt="Would you recommend us?", required=True
    )
    await SurveyQuestion.create(
        survey=survey,
        position=1,
        kind="text",
        prompt=WRONG,
        required=True,
        show_if_question=nps,
        show_if_answers=[str(n) for n in range(0, 7)],
    )
    await SurveyQuestion.create(
        survey=survey,
        position=2,
        kind="multi",
        prompt="Which colours do you like?",
        choices=["Red", "Blue", "Green"],
        other_option=True,
    )
    return survey


@pytest.fixture
async def winter(db: str) -> Survey:
    return await make_winter()


async def names(survey: Survey) -> list[str]:
    return [f"q{q.id}" for q in await SurveyQuestion.filter(survey=survey).order_by("position")]


async def test_carol_adds_a_question_shown_only_for_detractors(
    client: httpx.AsyncClient, login: Login, carol: StaffUser
) -> None:
    await login(carol)
    survey = await Survey.create(slug="s", name="S", purpose="custom")
    nps = await SurveyQuestion.create(survey=survey, kind="nps", prompt="Recommend us?")
    added = await submit(
        client,
        f"/admin/surveys/{survey.id}/questions",
        kind="text",
        prompt=WRONG,
        show_if_question=str(nps.id),
        show_if_answers="0-4, 5, 6",
    )
    assert added.status_code == 303
    question = await SurveyQuestion.get(prompt=WRONG)
    assert question.show_if_question_id == nps.id
    assert question.show_if_answers == ["0", "1", "2", "3", "4", "5", "6"]
    page = await client.get(f"/admin/surveys/{survey.id}")
    assert "shown only when “Recommend us?” is 0, 1, 2, 3, 4, 5, 6" in page.text


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"kind": "text", "show_if_question": "{text}", "show_if_answers": "x"}, "show_if_question"),
        ({"kind": "text", "show_if_question": "999999", "show_if_answers": "1"}, "show_if_question"),
        ({"kind": "text", "show_if_question": "{nps}", "show_if_answers": "7-11"}, "show_if_answers"),
        ({"kind": "text", "show_if_question": "{nps}", "show_if_answers": ""}, "show_if_answers"),
        ({"kind": "text", "show_if_question": "{choice}", "show_if_answers": "Purple"}, "show_if_answers"),
        ({"kind": "multi", "choices": "Only one"}, "choices"),
    ],
)
async def test_the_builder_refuses_bad_logic_and_choices_beside_the_field(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, form: dict[str, str], field: str
) -> None:
    await login(carol)
    survey = await Survey.create(slug="s", name="S", purpose="custom")
    earlier = {
        kind: await SurveyQuestion.create(survey=survey, position=i, kind=kind, prompt=kind, choices=choices)
        for i, (kind, choices) in enumerate([("nps", []), ("text", []), ("choice", ["Red", "Blue"])])
    }
    ids = {kind: str(question.id) for kind, question in earlier.items()}
    posted = {key: value.format(**ids) for key, value in form.items()}
    page = await submit(client, f"/admin/surveys/{survey.id}/questions", prompt="Later?", **posted)
    assert page.status_code == 400 and f'id="{field}-error"' in page.text
    assert await SurveyQuestion.filter(survey=survey).count() == 3


async def test_a_conditional_question_is_shown_and_required_only_for_the_right_answers(
    client: httpx.AsyncClient, winter: Survey
) -> None:
    nps, wrong, _ = await names(winter)
    page = await client.get(f"/surveys/{winter.id}")
    assert f'data-show-if="{nps}"' in page.text
    assert "Only if you answered 0–6 to “Would you recommend us?”." in page.text
    missing = await submit(client, f"/surveys/{winter.id}", **{nps: "3"})
    assert missing.status_code == 400 and f'id="{wrong}-error">Please answer this question.' in missing.text
    detractor = await submit(client, f"/surveys/{winter.id}", **{nps: "3", wrong: "The zip broke."})
    promoter = await submit(client, f"/surveys/{winter.id}", **{nps: "9", wrong: "Sent anyway."})
    assert detractor.status_code == promoter.status_code == 200
    assert "Thank you for your answers" in promoter.text
    texts = await SurveyAnswer.filter(question_id=int(wrong[1:])).values_list("text", flat=True)
    assert texts == ["The zip broke."]  # the promoter's hidden answer is discarded
    assert sorted(await SurveyResponse.all().values_list("nps", flat=True)) == [3, 9]


async def test_multiple_choices_with_other_are_stored_as_canonical_choices_and_text(
    client: httpx.AsyncClient, winter: Survey
) -> None:
    nps, _, colours = await names(winter)
    token = await csrf_from(client, f"/surveys/{winter.id}")
    form = {"csrf_token": token, nps: "10", colours: ["Red", "Green", OTHER]}
    no_text = await client.post(f"/surveys/{winter.id}", data=form)
    assert no_text.status_code == 400 and "Please say what “Other” is." in no_text.text
    stored = await client.post(f"/surveys/{winter.id}", data={**form, f"{colours}_other": "Teal"})
    assert stored.status_code == 200
    rows = (
        await SurveyAnswer.filter(question_id=int(colours[1:])).order_by("id").values_list("choice", "text")
    )
    assert rows == [("Red", ""), ("Green", ""), ("Other", "Teal")]
    # The results count the respondent once and each option chosen once.
    month = datetime.now(UTC).strftime("%Y-%m")
    results = await survey_results(winter, Period(month, 1))
    [chosen] = [d for d in results.distributions if d.question.id == int(colours[1:])]
    assert chosen.total == 1
    assert {bar.label: bar.count for bar in chosen.bars if bar.count} == {"Red": 1, "Green": 1, "Other": 1}


async def test_a_german_customer_sees_the_german_translation(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, settings: Settings, winter: Survey
) -> None:
    await login(carol)
    nps, _, colours = await names(winter)
    bad = await submit(
        client, f"/admin/surveys/{winter.id}/translations", language="de", **{f"choices_{colours[1:]}": "Rot"}
    )
    assert bad.status_code == 400 and f'id="choices_{colours[1:]}-error">Give all 3 choices' in bad.text
    saved = await submit(
        client,
        f"/admin/surveys/{winter.id}/translations",
        language="de",
        name="Wintersachen",
        **{
            f"prompt_{nps[1:]}": "Würden Sie uns empfehlen?",
            f"prompt_{colours[1:]}": "Welche Farben mögen Sie?",
            f"choices_{colours[1:]}": "Rot\nBlau\nGrün",
        },
    )
    assert saved.status_code == 303
    greta = await make_customer("Greta Käuferin", email="greta@example.de", locale="de-DE")
    path = (await issue_survey_link(settings, winter, greta)).removeprefix(settings.base_url)
    page = await client.get(path)
    assert '<html lang="de">' in page.text and "Wintersachen" in page.text
    assert "Würden Sie uns empfehlen?" in page.text and "> Grün" in page.text
    assert WRONG in page.text  # not translated: shown as written
    await submit(client, path, **{nps: "8", colours: "Green"})
    answer = await SurveyAnswer.get(question_id=int(colours[1:]))
    assert answer.choice == "Green"
    browser = await client.get(f"/surveys/{winter.id}", headers={"Accept-Language": "fr;q=0.9, de;q=0.8"})
    assert "Wintersachen" in browser.text


async def test_the_public_page_takes_anonymous_answers_and_limits_each_client(
    client: httpx.AsyncClient, winter: Survey
) -> None:
    nps, _, _ = await names(winter)
    for _ in range(5):
        assert (await submit(client, f"/surveys/{winter.id}", **{nps: "10"})).status_code == 200
    refused = await submit(client, f"/surveys/{winter.id}", **{nps: "10"})
    assert refused.status_code == 429 and "Too many answers" in refused.text
    assert await SurveyResponse.filter(customer_id=None, token_hash=None).count() == 5


async def test_a_personal_or_inactive_survey_has_no_public_page(
    client: httpx.AsyncClient, winter: Survey
) -> None:
    personal = await Survey.create(slug="p", name="P", purpose="custom")
    await SurveyQuestion.create(survey=personal, kind="nps", prompt="Recommend us?")
    assert (await client.get(f"/surveys/{personal.id}")).status_code == 404
    assert (await client.get(f"/surveys/{personal.id}/embed")).status_code == 404
    await Survey.filter(id=winter.id).update(is_active=False)
    assert (await client.get(f"/surveys/{winter.id}")).status_code == 404


async def test_the_embed_may_be_framed_by_the_store_and_takes_posts_from_itself_only(
    client: httpx.AsyncClient, winter: Survey
) -> None:
    nps, _, _ = await names(winter)
    embed = await client.get(f"/surveys/{winter.id}/embed")
    policy = embed.headers["content-security-policy"]
    assert "frame-ancestors 'self' https://shop.example" in policy and "x-frame-options" not in embed.headers
    assert (
        "frame-ancestors 'none'"
        in (await client.get(f"/surveys/{winter.id}")).headers["content-security-policy"]
    )
    forged = await client.post(
        f"/surveys/{winter.id}/embed", data={nps: "0"}, headers={"Origin": "https://evil.example"}
    )
    assert forged.status_code == 403
    framed = await client.post(
        f"/surveys/{winter.id}/embed", data={nps: "7"}, headers={"Origin": "http://testserver"}
    )
    assert framed.status_code == 200 and "Thank you for your answers" in framed.text
    assert await SurveyResponse.all().values_list("nps", flat=True) == [7]


async def test_carol_makes_a_survey_public_and_gets_its_embed_code(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, winter: Survey
) -> None:
    await login(carol)
    await Survey.filter(id=winter.id).update(is_public=False)
    made = await submit(client, f"/admin/surveys/{winter.id}/public", public="yes")
    assert made.status_code == 303
    page = await client.get(f"/admin/surveys/{winter.id}")
    assert f"http://testserver/surveys/{winter.id}" in page.text
    assert f'&lt;div data-feedback-hub="survey" data-survey="{winter.id}"&gt;' in page.text
    assert page.headers["x-frame-options"] == "DENY"  # the builder itself is never framed
    assert (await client.get(f"/surveys/{winter.id}")).status_code == 200
