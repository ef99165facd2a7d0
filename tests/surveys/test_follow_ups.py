"""What follows an answer: a support case for a bad experience, one review request for a promoter."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from hub.catalog.models import Customer, Order, Product
from hub.config import Settings
from hub.invites.jobs import send_due_invitations
from hub.invites.models import Invitation, InvitationStatus
from hub.links.models import LinkPurpose
from hub.links.tokens import issue_token
from hub.mail.sender import send_due
from hub.sentiment.scoring import assess
from hub.staff.models import StaffUser
from hub.surveys.follow_ups import follow_up_reasons
from hub.surveys.models import Survey, SurveyQuestion, SurveyResponse
from hub.surveys.surveys import issue_survey_link
from hub.triage.cases import open_case
from hub.triage.models import Case, CaseEvent, CaseStatus
from tests.conftest import csrf_from, make_order, make_product
from tests.conftest import make_review as review_of
from tests.mail.conftest import MailCollector, smtp_server, smtp_settings  # noqa: F401  (aiosmtpd)
from tests.surveys.test_surveys import fields, submit

Login = Callable[[StaffUser], Awaitable[httpx.Response]]
RECOMMEND = "Would you recommend us?"
REASON = "What is the main reason for your score?"
DELIVERY = "How satisfied were you with the delivery?"


@pytest.fixture
async def survey(db: str) -> Survey:
    """A custom survey of three questions, sent as /s/ links."""
    survey = await Survey.create(slug="autumn", name="Autumn check-in", purpose="custom")
    for position, (kind, prompt) in enumerate((("nps", RECOMMEND), ("text", REASON), ("csat", DELIVERY))):
        await SurveyQuestion.create(survey=survey, kind=kind, prompt=prompt, position=position)
    return survey


async def answer(
    client: httpx.AsyncClient, settings: Settings, survey: Survey, customer: Customer | None, **by_kind: str
) -> tuple[str, httpx.Response]:
    """Answer a fresh link to `survey`, the answers given by question kind; the link's path and the page."""
    path = (await issue_survey_link(settings, survey, customer)).removeprefix("http://testserver")
    names = await fields(survey)
    page = await submit(client, path, **{names[kind]: value for kind, value in by_kind.items()})
    assert page.status_code == 200 and "Thank you for your answers" in page.text
    return path, page


async def test_a_detractors_answer_opens_one_case_with_the_answer_as_its_first_message(
    client: httpx.AsyncClient,
    settings: Settings,
    login: Login,
    alice: StaffUser,
    survey: Survey,
    customer: Customer,
) -> None:
    path, _ = await answer(client, settings, survey, customer, nps="3", text="Too slow.", csat="4")
    replay = {"csrf_token": await csrf_from(client, "/login"), (await fields(survey))["nps"]: "0"}
    again = await client.post(path, data=replay)
    assert "You already answered, thank you" in again.text

    case = await Case.get()  # one response, one case: the replay added none
    response = await SurveyResponse.get()
    assert (case.kind, case.survey_response_id, case.customer_id) == ("survey", response.id, customer.id)
    assert "detractor" in case.reasons and response.flagged

    await login(alice)
    page = (await client.get(f"/admin/cases/{case.id}")).text
    opening = page[page.index("The survey answer that opened the case") :]
    opening = opening[: opening.index("</li>")]
    assert "detractor (NPS 0–6)" in opening
    for prompt, given in ((RECOMMEND, "3"), (REASON, "Too slow."), (DELIVERY, "4")):
        assert f"<dt>{prompt}</dt><dd>{given}</dd>" in opening
    assert f'href="/admin/surveys/{survey.id}/results#response-{response.id}">Autumn check-in</a>' in opening

    results = (await client.get(f"/admin/surveys/{survey.id}/results")).text
    assert f'<tr id="response-{response.id}">' in results
    assert f'<a href="/admin/cases/{case.id}">case (open)</a>' in results


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ({"nps": "7", "text": "The zip broke on day two and nobody answers my emails."}, "negative_text"),
        ({"nps": "8", "csat": "2"}, "low_csat"),
    ],
)
async def test_a_neutral_score_with_a_complaint_or_a_low_csat_opens_a_case(
    client: httpx.AsyncClient,
    settings: Settings,
    login: Login,
    bob: StaffUser,
    survey: Survey,
    answers: dict[str, str],
    reason: str,
) -> None:
    await answer(client, settings, survey, None, **answers)
    case = await Case.get()
    assert case.kind == "survey" and reason in case.reasons and "detractor" not in case.reasons
    assert case.customer_id is None  # an anonymous link: the case names no customer
    await login(bob)
    page = await client.get(f"/admin/cases/{case.id}")
    assert page.status_code == 200 and "The survey answer that opened the case" in page.text


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([("nps", 6)], ("detractor",)),
        ([("nps", 7), ("csat", 3)], ()),
        ([("csat", 1)], ("low_csat",)),
        ([("effort", 5)], ("high_effort",)),
        ([("effort", 4), ("nps", 10)], ()),
    ],
)
def test_the_rules_read_each_kind_of_score(scores: list[tuple[str, int]], expected: tuple[str, ...]) -> None:
    numbers = dict(scores)
    response = SurveyResponse(nps=numbers.get("nps"), csat=numbers.get("csat"))
    assert follow_up_reasons(response, scores, assess("", nps=numbers.get("nps"))) == expected


@pytest.fixture
async def sleeping_bag(db: str) -> Product:
    return await make_product("Down Sleeping Bag", external_id="bag")


async def test_a_promoter_is_asked_once_for_a_review_of_what_they_have_not_reviewed(
    client: httpx.AsyncClient,
    smtp_settings: Settings,  # noqa: F811
    smtp_server: tuple[MailCollector, int],  # noqa: F811
    survey: Survey,
    customer: Customer,
    product: Product,
    sleeping_bag: Product,
) -> None:
    before = datetime.now(UTC) - timedelta(days=10)
    order = await make_order(customer, product, sleeping_bag, fulfilled_at=before)
    await Invitation.create(
        order=order,
        customer=customer,
        status=InvitationStatus.COMPLETED.value,
        send_at=before,
        sent_at=before,
        completed_at=before,
    )
    await review_of(smtp_settings, product, customer=customer, order=order)

    await answer(client, smtp_settings, survey, customer, nps="10", text="Love it all.")
    await answer(client, smtp_settings, survey, customer, nps="9")  # a second promoter answer

    invitation = await Invitation.get()
    assert invitation.status == InvitationStatus.SCHEDULED and invitation.promoted_at is not None
    first, second = await SurveyResponse.all().order_by("id")
    assert (first.review_invitation_id, second.review_invitation_id) == (invitation.id, None)
    now = datetime.now(UTC) + timedelta(minutes=1)
    assert await send_due_invitations(smtp_settings, now) == 1
    assert await send_due(smtp_settings, now) == 1
    [mail] = smtp_server[0].received
    assert mail["To"] == customer.email
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Down Sleeping Bag" in body and "Two-person tent" not in body
    assert (await Invitation.get()).remind_at is None  # asked once: no reminder
    assert not await Case.exists()


async def test_a_promoter_who_reviewed_everything_is_not_asked(
    client: httpx.AsyncClient,
    settings: Settings,
    survey: Survey,
    customer: Customer,
    order: Order,
    product: Product,
) -> None:
    await review_of(settings, product, customer=customer, order=order)
    await answer(client, settings, survey, customer, nps="10")
    assert not await Invitation.exists()
    assert (await SurveyResponse.get()).review_invitation_id is None


async def test_a_low_recovery_answer_reopens_its_case_and_opens_no_other(
    client: httpx.AsyncClient, settings: Settings, customer: Customer, order: Order
) -> None:
    case = await open_case(settings, reasons=["detractor"], priority="normal", customer=customer, order=order)
    await Case.filter(id=case.id).update(status=CaseStatus.RESOLVED.value, resolved_at=datetime.now(UTC))
    raw = await issue_token(
        LinkPurpose.FOLLOW_UP, customer=customer, order=order, subject_type="case", subject_id=case.id
    )
    assert "Did we put things right?" in (await client.get(f"/s/{raw}")).text
    names = await fields(await Survey.get(purpose="recovery"))
    await submit(client, f"/s/{raw}", **{names["csat"]: "1", names["text"]: "Still broken."})

    [reopened] = await Case.all()
    assert (reopened.status, reopened.reopen_count) == (CaseStatus.OPEN, 1)
    assert (reopened.recovery_csat, reopened.recovery_comment) == (1, "Still broken.")
    status = await CaseEvent.filter(case_id=case.id, kind="status").values_list("data", flat=True)
    assert status == [{"from": "closed", "to": "open", "by": "follow_up_answer"}]
