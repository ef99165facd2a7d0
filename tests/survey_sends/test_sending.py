"""Sending a survey: to a segment, the shared cap, the reminder, the link, events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import pytest

from hub.advocacy.segments import Segment, segment_query
from hub.catalog.models import Customer, Product, tag_text
from hub.config import Settings
from hub.invites.models import Invitation
from hub.links.models import LinkToken
from hub.mail.models import OutboxMessage
from hub.mail.suppression import suppress
from hub.staff.models import StaffUser
from hub.survey_sends.models import SendStatus, SurveyDelivery, SurveySend
from hub.surveys.models import Survey, SurveyQuestion, SurveyResponse
from hub.web.errors import InvalidInput
from tests.conftest import csrf_from, make_customer, make_order, make_product
from tests.mail.conftest import MailCollector, queue_message
from tests.survey_sends.conftest import NOW, recipients, survey_path, work

Login = Callable[[StaffUser], Awaitable[httpx.Response]]


@pytest.fixture
async def boots(db: str) -> Product:
    return await make_product("Hiking boots", external_id="BOOT-42")


async def buyer(name: str, product: Product, **fields: object) -> Customer:
    """A customer who bought ``product`` 40 days ago."""
    email = f"{name.lower()}@example.com"
    customer = await make_customer(name, email=email, **fields)
    await make_order(customer, product, placed_at=NOW - timedelta(days=40))
    return customer


async def post(client: httpx.AsyncClient, path: str, form: dict[str, str]) -> httpx.Response:
    token = await csrf_from(client, path.removesuffix("/preview"))
    return await client.post(path, data={"csrf_token": token, **form})


async def test_a_segment_send_reaches_exactly_the_matching_customers_and_counts_the_rest(
    client: httpx.AsyncClient,
    login: Login,
    carol: StaffUser,
    smtp_settings: Settings,
    mailbox: MailCollector,
    pulse: Survey,
    boots: Product,
    tent: Product,
) -> None:
    await buyer("Ada", boots, locale="de-AT")
    await buyer("Ben", tent, locale="de")  # bought no boots
    await buyer("Cy", boots, locale="fr")  # another language
    await buyer("Dee", boots, locale="de", unsubscribed_at=NOW)
    await buyer("Eve", boots, locale="de", mail_opt_outs=["surveys"])
    await suppress("fay@example.com", "5.1.1 no such mailbox")
    await buyer("Fay", boots, locale="de")
    gus = await buyer("Gus", boots, locale="de")
    for _ in range(smtp_settings.mail_cap):  # review requests already took his mail of the month
        await queue_message(smtp_settings, gus, to="gus-old-address@example.com")
    await login(carol)
    page = f"/admin/surveys/{pulse.id}/send"
    segment = {"products": "BOOT-42", "language": "de"}

    preview = await post(client, f"{page}/preview", segment)
    assert "<strong>5</strong> customers match; <strong>1</strong> would get the survey now" in preview.text
    assert (
        "(2 unsubscribed or turned surveys off, 1 with a suppressed address, 1 at the mail cap)"
        in preview.text
    )

    sent = await post(client, page, {**segment, "kind": "one_off", "reminder_days": "3"})
    assert sent.status_code == 303
    assert not await SurveyDelivery.exists(), "the request only stores the send; the worker expands it"
    await work(smtp_settings)
    assert [to for to in recipients(mailbox) if "gus-old" not in to] == ["ada@example.com"]
    message = next(m for m in mailbox.received if str(m["To"]) == "ada@example.com")
    assert "Quarterly pulse" in str(message["Subject"]) and message["List-Unsubscribe"]
    assert "No more surveys: http://testserver/u/" in str(
        message.get_body(preferencelist=("plain",)).get_content()
    )  # type: ignore[union-attr]
    assert (await SurveySend.get()).status == SendStatus.DONE

    await work(smtp_settings, timedelta(hours=1))
    assert len(mailbox.received) == 1 + smtp_settings.mail_cap, "a one-off send mails each customer once"
    row = (await client.get(page)).text.split('id="send-')[1]
    cells = [cell.split("</td>")[0] for cell in row.split('<td class="num">')[1:]]
    # queued, sent, skipped: cap, skipped: unsubscribed (incl. suppressed), other, reminded, answered
    assert cells == ["0", "1", "1", "3", "0", "0", "0"]


async def test_a_segment_by_tier_takes_the_customers_of_that_tier(db: str) -> None:
    gold = await make_customer("Gold Gail", tier="Gold")
    await make_customer("Silver Sam", tier="Silver")
    plain = await make_customer("Plain Pat")
    tiers = ("Silver", "Gold")
    assert [c.id for c in await segment_query(Segment.parse({"tier": "Gold"}, tiers))] == [gold.id]
    assert [c.id for c in await segment_query(Segment.parse({"tier": "none"}, tiers))] == [plain.id]
    assert Segment.parse({"tier": "Gold"}, tiers).describe() == ["tier Gold"]
    with pytest.raises(InvalidInput) as refused:
        Segment.parse({"tier": "Platinum"}, tiers)
    assert [e.path for e in refused.value.errors] == ["tier"]


async def test_a_segment_by_country_and_tag(db: str) -> None:
    vienna = await make_customer("Vienna Val", country="AT", tags=tag_text(("vip",)))
    await make_customer("Berlin Ben", country="DE", tags=tag_text(("wholesale",)))
    await make_customer("Nowhere Nia")

    async def names(form: dict[str, str]) -> list[str]:
        return sorted(c.name for c in await segment_query(Segment.parse(form)))

    assert await names({"country": "at, ch"}) == ["Vienna Val"]
    assert await names({"tag": "VIP, wholesale"}) == ["Berlin Ben", "Vienna Val"]
    assert await names({"country": "AT", "tag": "wholesale"}) == []
    assert Segment.from_dict(Segment.parse({"country": "at", "tag": "vip"}).as_dict()).describe() == [
        "country AT",
        "tagged vip",
    ]
    assert vienna.country == "AT"
    with pytest.raises(InvalidInput) as refused:
        Segment.parse({"country": "Austria"})
    assert [e.path for e in refused.value.errors] == ["country"]


async def test_a_refused_segment_names_the_field(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, pulse: Survey
) -> None:
    await login(carol)
    page = f"/admin/surveys/{pulse.id}/send"
    answer = await post(
        client, page, {"tier": "gold", "country": "Austria", "products": "NOPE", "kind": "one_off"}
    )
    assert answer.status_code == 422
    assert "The shop defines no tiers" in answer.text
    assert "Give each country as its two-letter code (iso 3166-1)." in answer.text
    answer = await post(client, page, {"products": "NOPE", "kind": "recurring"})
    assert answer.status_code == 422 and "Is required." in answer.text  # every
    answer = await post(client, page, {"products": "NOPE", "kind": "one_off"})
    assert "no product has the id or sku &#39;nope&#39;." in answer.text.lower()
    assert not await SurveySend.exists()


async def test_the_cap_is_shared_with_review_invitations(
    smtp_settings: Settings, mailbox: MailCollector, pulse: Survey, tent: Product
) -> None:
    settings = smtp_settings.with_overrides(mail_cap=1)
    ada = await buyer("Ada", tent)
    await SurveySend.create(survey=pulse, kind="one_off", status="scheduled", next_run_at=NOW)
    await work(settings)
    assert recipients(mailbox) == ["ada@example.com"]

    order = await ada.orders.all().first()
    assert order is not None
    invitation = await Invitation.create(
        order=order, customer=ada, send_at=NOW, expires_at=NOW + timedelta(days=90)
    )
    await work(settings, timedelta(minutes=1))
    await invitation.refresh_from_db()
    assert not await OutboxMessage.exists(kind="review_request"), "the survey took the one mail of the month"
    assert invitation.status == "scheduled" and invitation.send_at > NOW + timedelta(days=29)

    await SurveySend.create(survey=pulse, kind="one_off", status="scheduled", next_run_at=NOW)
    await work(settings, timedelta(minutes=2))
    skipped = await SurveyDelivery.get(status="skipped")
    assert skipped.skip_reason == "cap" and len(mailbox.received) == 1


async def test_the_reminder_goes_once_and_only_to_who_did_not_answer(
    client: httpx.AsyncClient, smtp_settings: Settings, mailbox: MailCollector, pulse: Survey, tent: Product
) -> None:
    await buyer("Ada", tent)
    await buyer("Ben", tent)
    await SurveySend.create(
        survey=pulse, kind="one_off", status="scheduled", next_run_at=NOW, reminder_days=3
    )
    await work(smtp_settings)
    ada_mail = next(m for m in mailbox.received if str(m["To"]) == "ada@example.com")
    ben_mail = next(m for m in mailbox.received if str(m["To"]) == "ben@example.com")
    path = survey_path(ada_mail)
    question = await SurveyQuestion.get(survey=pulse)
    token = await csrf_from(client, path)
    # A passive score: a promoter (9–10) would also be asked for a review (hub.invites.promoters).
    answered = await client.post(path, data={"csrf_token": token, f"q{question.id}": "8"})
    assert "Thank you for your answers" in answered.text
    mailbox.received.clear()

    await work(smtp_settings, timedelta(days=4))
    await work(smtp_settings, timedelta(days=9))
    assert recipients(mailbox) == ["ben@example.com"]
    assert "reminder" in str(mailbox.received[0]["Subject"]).lower()

    # Ben answers through the reminder's link: the first mail's link is spent with it.
    reminder_path = survey_path(mailbox.received[0])
    token = await csrf_from(client, reminder_path)
    await client.post(reminder_path, data={"csrf_token": token, f"q{question.id}": "6"})
    first_path = survey_path(ben_mail)
    assert "You already answered, thank you" in (await client.get(first_path)).text
    again = await client.post(first_path, data={"csrf_token": token, f"q{question.id}": "0"})
    assert "You already answered, thank you" in again.text
    assert sorted(r.nps for r in await SurveyResponse.all()) == [6, 8]


async def test_a_used_or_expired_survey_link_is_refused(
    client: httpx.AsyncClient, smtp_settings: Settings, mailbox: MailCollector, pulse: Survey, tent: Product
) -> None:
    await buyer("Ada", tent)
    await SurveySend.create(survey=pulse, kind="one_off", status="scheduled", next_run_at=NOW)
    await work(smtp_settings)
    path = survey_path(mailbox.received[0])
    question = await SurveyQuestion.get(survey=pulse)
    token = await csrf_from(client, path)
    await client.post(path, data={"csrf_token": token, f"q{question.id}": "9"})
    again = await client.post(path, data={"csrf_token": token, f"q{question.id}": "0"})
    assert "You already answered, thank you" in again.text
    assert [r.nps for r in await SurveyResponse.all()] == [9]
    assert await LinkToken.filter(purpose="survey", used_at__isnull=False).count() == 1

    await LinkToken.filter(purpose="survey").update(expires_at=NOW - timedelta(days=1))
    gone = await client.get(path)
    assert gone.status_code == 410 and "This link has expired." in gone.text


async def test_an_event_trigger_sends_once_per_event(
    smtp_settings: Settings, mailbox: MailCollector, pulse: Survey, tent: Product
) -> None:
    ada = await make_customer("Ada", email="ada@example.com")
    old = NOW - timedelta(days=40)
    await make_order(ada, tent, placed_at=old, delivered_at=old)  # before the trigger: never mailed
    await SurveySend.create(
        survey=pulse, kind="event", status="listening", event="delivered", event_delay_days=2
    )
    await make_order(ada, tent, placed_at=NOW - timedelta(days=3), delivered_at=NOW)
    await work(smtp_settings)
    assert mailbox.received == [], "two days after delivery, not before"
    await work(smtp_settings, timedelta(days=2, hours=1))
    await work(smtp_settings, timedelta(days=3))
    assert recipients(mailbox) == ["ada@example.com"]
    assert await SurveyDelivery.filter(occasion__startswith="order:").count() == 1
    assert await OutboxMessage.filter(kind="survey").count() == 1


async def test_a_worker_killed_mid_round_neither_loses_nor_duplicates_deliveries(
    smtp_settings: Settings, pulse: Survey, tent: Product
) -> None:
    customers = [await buyer(name, tent) for name in ("Ada", "Ben", "Cy", "Dee")]
    send = await SurveySend.create(
        survey=pulse,
        kind="one_off",
        status="scheduled",
        next_run_at=NOW,
        # A worker wrote the first two and died holding the send.
        cursor=customers[1].id,
        claimed_by="dead-worker",
        claimed_at=NOW - timedelta(hours=1),
    )
    for customer in customers[:2]:
        await SurveyDelivery.create(send=send, customer=customer, occasion="r0", due_at=NOW)
    await work(smtp_settings)
    rows = await SurveyDelivery.all().values_list("customer_id", flat=True)
    assert sorted(rows) == sorted(c.id for c in customers)
    assert await OutboxMessage.filter(kind="survey").count() == 4
