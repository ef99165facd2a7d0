"""Surveys: the thank-you page, `/s/` links, one response per link, cases, recovery, the builder."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from hub.catalog.models import Customer, Order
from hub.config import Settings
from hub.links.models import LinkPurpose
from hub.links.tokens import issue_token
from hub.staff.models import AuditEntry, StaffUser
from hub.surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from hub.surveys.surveys import issue_survey_link
from hub.triage.cases import open_case
from hub.triage.models import Case
from tests.conftest import csrf_from

Login = Callable[[StaffUser], Awaitable[httpx.Response]]
NPS_PROMPT = "How likely are you to recommend Acme Outdoors to a friend or colleague?"


@pytest.fixture
async def review_link(customer: Customer, order: Order) -> str:
    return await issue_token(LinkPurpose.REVIEW, customer=customer, order=order, ttl=timedelta(days=30))


async def submit(client: httpx.AsyncClient, path: str, **answers: str) -> httpx.Response:
    """Post a form to `path`, with the CSRF token of its page (the survey list for admin forms)."""
    token = await csrf_from(client, "/admin/surveys" if path.startswith("/admin/") else path)
    return await client.post(path, data={"csrf_token": token, **answers})


async def fields(survey: Survey) -> dict[str, str]:
    """Form field names by question kind (the first question of each kind)."""
    questions = await SurveyQuestion.filter(survey=survey).order_by("-position")
    return {question.kind: f"q{question.id}" for question in questions}


async def post_purchase_fields(client: httpx.AsyncClient, review_link: str) -> dict[str, str]:
    await client.get(f"/r/{review_link}/thanks")
    return await fields(await Survey.get(purpose="post_purchase"))


async def test_the_thank_you_page_offers_the_nps_survey(client: httpx.AsyncClient, review_link: str) -> None:
    page = await client.get(f"/r/{review_link}/thanks")
    assert page.status_code == 200
    assert f'<legend>{NPS_PROMPT} <span class="required">(required)</span></legend>' in page.text
    assert page.text.count('type="radio" name="q') >= 11 + 5
    assert "0 = Not at all likely" in page.text and "10 = Extremely likely" in page.text
    assert "What is the main reason for your score?" in page.text
    survey = await Survey.get(slug="post-purchase")
    assert (survey.purpose, survey.is_active) == ("post_purchase", True)


async def test_submitting_stores_the_answers_and_the_nps(
    client: httpx.AsyncClient, review_link: str, customer: Customer, order: Order
) -> None:
    names = await post_purchase_fields(client, review_link)
    page = await submit(
        client,
        f"/r/{review_link}/thanks",
        **{names["nps"]: "9", names["text"]: "Lovely tent, quick delivery.", names["csat"]: "5"},
    )
    assert page.status_code == 200 and "Thank you for your answers" in page.text
    response = await SurveyResponse.get()
    assert (response.nps, response.csat, response.flagged) == (9, 5, False)
    assert (response.customer_id, response.order_id) == (customer.id, order.id)  # type: ignore[attr-defined]
    expected_hash = hashlib.sha256(f"{review_link}:post_purchase".encode()).hexdigest()
    assert response.token_hash == expected_hash
    assert await SurveyAnswer.filter(response=response).count() == 3
    assert not await Case.exists()


async def test_a_detractor_opens_a_case(
    client: httpx.AsyncClient, review_link: str, customer: Customer
) -> None:
    names = await post_purchase_fields(client, review_link)
    await submit(
        client,
        f"/r/{review_link}/thanks",
        **{names["nps"]: "2", names["text"]: "The tent leaked and support never replied."},
    )
    response = await SurveyResponse.get()
    assert (response.flagged, response.sentiment_label) == (True, "negative")
    case = await Case.get(survey_response=response)
    assert "detractor" in case.reasons and case.priority == "high"
    assert case.customer_id == customer.id  # type: ignore[attr-defined]


async def test_a_link_is_answered_only_once(client: httpx.AsyncClient, review_link: str) -> None:
    names = await post_purchase_fields(client, review_link)
    await submit(client, f"/r/{review_link}/thanks", **{names["nps"]: "10"})
    again = await client.post(
        f"/r/{review_link}/thanks", data={"csrf_token": await csrf_from(client, "/login"), names["nps"]: "0"}
    )
    assert "You already answered, thank you" in again.text
    assert "You already answered, thank you" in (await client.get(f"/r/{review_link}/thanks")).text
    assert [r.nps for r in await SurveyResponse.all()] == [10]


async def test_a_missing_required_answer_is_shown_beside_the_question(
    client: httpx.AsyncClient, review_link: str
) -> None:
    names = await post_purchase_fields(client, review_link)
    page = await submit(client, f"/r/{review_link}/thanks", **{names["text"]: "Fine"})
    assert page.status_code == 400
    assert f'id="{names["nps"]}-error">Please answer this question.' in page.text
    assert "Fine</textarea>" in page.text
    assert not await SurveyResponse.exists()


@pytest.mark.parametrize("value", ["11", "-1", "ten"])
async def test_an_nps_outside_the_scale_is_refused(
    client: httpx.AsyncClient, review_link: str, value: str
) -> None:
    names = await post_purchase_fields(client, review_link)
    page = await submit(client, f"/r/{review_link}/thanks", **{names["nps"]: value})
    assert page.status_code == 400 and "Choose a number from 0 to 10." in page.text


async def test_a_survey_link_opens_its_survey(
    client: httpx.AsyncClient, settings: Settings, customer: Customer
) -> None:
    survey = await Survey.create(slug="winter", name="Winter gear", purpose="custom")
    question = await SurveyQuestion.create(
        survey=survey, kind="choice", prompt="Favourite season?", choices=["Winter", "Summer"], required=True
    )
    url = await issue_survey_link(settings, survey, customer)
    assert url.startswith("http://testserver/s/")
    path = url.removeprefix("http://testserver")
    assert "Favourite season?" in (await client.get(path)).text
    page = await submit(client, path, **{f"q{question.id}": "Winter"})
    assert "Thank you for your answers" in page.text
    answer = await SurveyAnswer.get(question=question)
    assert answer.choice == "Winter"
    assert "You already answered, thank you" in (await client.get(path)).text


async def test_a_case_link_records_the_recovery(
    client: httpx.AsyncClient, settings: Settings, customer: Customer, order: Order
) -> None:
    case = await open_case(settings, reasons=["detractor"], priority="normal", customer=customer, order=order)
    raw = await issue_token(
        LinkPurpose.FOLLOW_UP,
        customer=customer,
        order=order,
        subject_type="case",
        subject_id=case.id,
        ttl=timedelta(days=30),
    )
    page = await client.get(f"/s/{raw}")
    assert "Did we put things right?" in page.text
    names = await fields(await Survey.get(purpose="recovery"))
    await submit(client, f"/s/{raw}", **{names["csat"]: "5", names["text"]: "Replacement came quickly."})
    await case.refresh_from_db()
    assert (case.recovery_csat, case.recovery_comment) == (5, "Replacement came quickly.")
    assert (await SurveyResponse.get()).csat == 5


@pytest.mark.parametrize("path", ["/r/{}/thanks", "/s/{}"])
async def test_an_unknown_link_is_not_found(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path.format("no-such-token"))).status_code == 404


async def test_expired_links_are_gone(
    client: httpx.AsyncClient, settings: Settings, customer: Customer, order: Order
) -> None:
    past = datetime.now(UTC) - timedelta(days=60)
    review = await issue_token(
        LinkPurpose.REVIEW, customer=customer, order=order, ttl=timedelta(days=1), now=past
    )
    survey = await Survey.create(slug="old", name="Old", purpose="custom")
    link = await issue_token(
        LinkPurpose.SURVEY,
        customer=customer,
        subject_type="survey",
        subject_id=survey.id,
        ttl=timedelta(days=1),
        now=past,
    )
    assert (await client.get(f"/r/{review}/thanks")).status_code == 410
    assert (await client.get(f"/s/{link}")).status_code == 410


async def test_a_review_link_does_not_open_a_survey_link_page(
    client: httpx.AsyncClient, review_link: str
) -> None:
    assert (await client.get(f"/s/{review_link}")).status_code == 404


async def test_bob_the_agent_may_not_build_surveys(
    client: httpx.AsyncClient, login: Login, bob: StaffUser
) -> None:
    await login(bob)
    assert (await client.get("/admin/surveys")).status_code == 403


async def test_carol_builds_a_survey_with_every_kind_of_question(
    client: httpx.AsyncClient, login: Login, carol: StaffUser
) -> None:
    await login(carol)
    created = await submit(client, "/admin/surveys", name="Winter gear", slug="winter-gear", purpose="custom")
    assert created.status_code == 303
    survey = await Survey.get(slug="winter-gear")
    edit = f"/admin/surveys/{survey.id}"
    for kind in ("nps", "csat", "rating", "choice", "text"):
        added = await submit(
            client,
            f"{edit}/questions",
            kind=kind,
            prompt=f"A {kind} question",
            choices="Red\nBlue\n" if kind == "choice" else "",
            required="on",
        )
        assert added.status_code == 303
    questions = await SurveyQuestion.filter(survey=survey).order_by("position")
    assert [(q.kind, q.position, q.required) for q in questions][:2] == [("nps", 0, True), ("csat", 1, True)]
    assert questions[3].choices == ["Red", "Blue"]
    assert (await client.get(edit)).status_code == 200
    actions = {e.action for e in await AuditEntry.filter(target_type="survey")}
    assert {"survey.create", "survey.question_add"} <= actions


async def test_carol_reorders_removes_and_activates(
    client: httpx.AsyncClient, login: Login, carol: StaffUser
) -> None:
    await login(carol)
    survey = await Survey.create(slug="s", name="S", purpose="post_purchase", is_active=False)
    older = await Survey.create(slug="old", name="Old", purpose="post_purchase", is_active=True)
    first = await SurveyQuestion.create(survey=survey, position=0, kind="nps", prompt="First")
    second = await SurveyQuestion.create(survey=survey, position=1, kind="text", prompt="Second")
    edit = f"/admin/surveys/{survey.id}"
    await submit(client, f"{edit}/questions/{second.id}/move", direction="up")
    ordered = await SurveyQuestion.filter(survey=survey).order_by("position")
    assert [q.prompt for q in ordered] == ["Second", "First"]
    await submit(client, f"{edit}/questions/{first.id}/remove")
    assert await SurveyQuestion.filter(survey=survey).count() == 1
    await submit(client, f"{edit}/active", active="yes")
    await survey.refresh_from_db()
    await older.refresh_from_db()
    assert (survey.is_active, older.is_active) == (True, False)


@pytest.mark.parametrize(
    ("form", "field", "reason"),
    [
        ({"name": "", "slug": "ok", "purpose": "custom"}, "name", "Give the survey a name"),
        ({"name": "N", "slug": "Not A Slug", "purpose": "custom"}, "slug", "Use lowercase letters"),
        ({"name": "N", "slug": "ok", "purpose": "weekly"}, "purpose", "Choose post-purchase"),
    ],
)
async def test_a_bad_survey_is_refused_beside_its_field(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, form: dict[str, str], field: str, reason: str
) -> None:
    await login(carol)
    page = await submit(client, "/admin/surveys", **form)
    assert page.status_code == 400
    assert f'id="{field}-error">{reason}' in page.text
    assert not await Survey.exists()


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"kind": "choice", "prompt": "Colour?", "choices": "Only one"}, "choices"),
        ({"kind": "text", "prompt": "   "}, "prompt"),
        ({"kind": "slider", "prompt": "How much?"}, "kind"),
    ],
)
async def test_a_bad_question_is_refused_beside_its_field(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, form: dict[str, str], field: str
) -> None:
    await login(carol)
    survey = await Survey.create(slug="s", name="S", purpose="custom")
    page = await submit(client, f"/admin/surveys/{survey.id}/questions", **form)
    assert page.status_code == 400 and f'id="{field}-error"' in page.text
    assert not await SurveyQuestion.exists()


async def test_a_survey_without_questions_cannot_be_activated(
    client: httpx.AsyncClient, login: Login, carol: StaffUser
) -> None:
    await login(carol)
    survey = await Survey.create(slug="s", name="S", purpose="custom", is_active=False)
    page = await submit(client, f"/admin/surveys/{survey.id}/active", active="yes")
    assert page.status_code == 400 and "Add a question before activating" in page.text
