"""The brand's mail cannot be borrowed: held questions, confirmed askers, limits, plain text in mail.

Everything goes through the running app over HTTP, the worker jobs and a real SMTP server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from html.parser import HTMLParser

import httpx
import pytest

from hub.catalog.models import Customer, Order, Product
from hub.community.jobs import ask_buyers, notify_askers
from hub.community.models import Question
from hub.config import Settings
from hub.links.models import LinkPurpose, LinkToken
from hub.mail.sender import send_due
from hub.staff.models import StaffUser
from tests.community.conftest import STORE, BuyerMaker, link_in, mail_part, mails_to
from tests.conftest import csrf_from
from tests.mail.conftest import MailCollector

Login = Callable[[StaffUser], Awaitable[httpx.Response]]
ASK = "/api/v1/products/tent-2p/questions"
FORM = "/widget/products/tent-2p/questions"
SAME_SITE = {"Origin": "http://testserver"}


async def _run_worker(settings: Settings) -> None:
    now = datetime.now(UTC)
    await ask_buyers(settings, now)
    await notify_askers(settings, now)
    await send_due(settings, now + timedelta(seconds=1))


async def _ask(
    client: httpx.AsyncClient, email: str, body: str, name: str = "", path: str = ASK
) -> httpx.Response:
    return await client.post(
        path, headers={"Origin": STORE}, json={"email": email, "body": body, "name": name}
    )


async def _confirm(client: httpx.AsyncClient, path: str) -> httpx.Response:
    return await client.post(path, data={"csrf_token": await csrf_from(client, path)})


async def _approve(client: httpx.AsyncClient, question: Question) -> None:
    token = await csrf_from(client, "/admin/questions")
    approved = await client.post(f"/admin/questions/{question.id}/approve", data={"csrf_token": token})
    assert approved.status_code == 303


@pytest.fixture
async def buyers(make_buyer: BuyerMaker) -> list[str]:
    """Three past buyers of the tent, who would be asked to answer."""
    return [
        (await make_buyer(f"buyer{n}@example.net", f"Buyer Number{n}", days_ago=n)).email for n in range(3)
    ]


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("", "Is it the same as the one on www.other-shop.com?"),
        ("", "Is it like https://evil.example/tent or not?"),
        ("", "Write to me at fay.b@example.org about the size?"),
        ("", "Ring me on 020 7946 0958 about the size?"),
        ("deals.example.com", "Is it warm enough for spring nights?"),
    ],
    ids=["www", "url", "email", "phone", "link-in-name"],
)
async def test_a_question_with_a_link_an_address_or_a_phone_is_held_even_from_a_customer(
    client: httpx.AsyncClient,
    smtp_settings: Settings,
    mailbox: MailCollector,
    make_buyer: BuyerMaker,
    buyers: list[str],
    login: Login,
    carol: StaffUser,
    name: str,
    body: str,
) -> None:
    await make_buyer("fay@example.net", "Fay Buyer")
    asked = await _ask(client, "fay@example.net", body, name)
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    assert (await Question.get()).status_reason == "contact_details"
    assert "Is it" not in (await client.get(FORM)).text, "a held question is not on the page"

    await _run_worker(smtp_settings)
    assert [str(m["To"]) for m in mailbox.received] == ["fay@example.net"], "no buyer is mailed"

    await login(carol)
    queue = await client.get("/admin/questions")
    assert "Held because it holds a link, an e-mail address or a phone number." in queue.text


async def test_a_strangers_question_waits_for_a_moderator_with_the_reason_shown(
    client: httpx.AsyncClient,
    smtp_settings: Settings,
    mailbox: MailCollector,
    buyers: list[str],
    login: Login,
    carol: StaffUser,
) -> None:
    asked = await _ask(client, "erin@example.org", "Is it warm enough for spring nights?")
    assert asked.json() == {"id": asked.json()["id"], "status": "pending", "published": False}
    await _run_worker(smtp_settings)
    assert [str(m["To"]) for m in mailbox.received] == ["erin@example.org"]

    await login(carol)
    queue = await client.get("/admin/questions")
    assert "Held because the asker is not a known customer." in queue.text
    await _approve(client, await Question.get())
    await _run_worker(smtp_settings)
    assert sorted(str(m["To"]) for m in mailbox.received[1:]) == sorted(buyers)


async def test_a_customers_clean_question_is_published_and_mailed_to_buyers_once_confirmed(
    client: httpx.AsyncClient,
    smtp_settings: Settings,
    mailbox: MailCollector,
    make_buyer: BuyerMaker,
    buyers: list[str],
) -> None:
    await make_buyer("fay@example.net", "Fay Buyer")
    asked = await _ask(client, "fay@example.net", "Is it warm enough for spring nights?")
    assert asked.json()["published"] is True
    assert "Is it warm enough" in (await client.get(FORM)).text

    await _run_worker(smtp_settings)
    assert [str(m["To"]) for m in mailbox.received] == ["fay@example.net"], "buyers wait for the asker"
    assert (await _confirm(client, link_in(mailbox.received[0], "/q/"))).status_code == 200
    await _run_worker(smtp_settings)
    assert sorted(str(m["To"]) for m in mailbox.received[1:]) == sorted(buyers)


async def test_the_confirmation_mail_quotes_nothing_the_asker_wrote(
    client: httpx.AsyncClient, smtp_settings: Settings, mailbox: MailCollector, tent: Product
) -> None:
    await _ask(client, "victim@example.org", "Claim your prize at the front desk today", name="Prize Team")
    await _run_worker(smtp_settings)
    (mail,) = mailbox.received
    for part in ("plain", "html"):
        assert "prize" not in mail_part(mail, part).lower()
    assert "Two-person tent" in str(mail["Subject"])


async def test_the_confirmation_link_confirms_once_and_only_on_the_button(
    client: httpx.AsyncClient, smtp_settings: Settings, mailbox: MailCollector, tent: Product
) -> None:
    await _ask(client, "erin@example.org", "Is it warm enough for spring nights?")
    await _run_worker(smtp_settings)
    path = link_in(mailbox.received[0], "/q/")

    for _ in range(2):  # a mail scanner opening the link confirms nothing
        opened = await client.get(path)
        assert opened.status_code == 200 and "Yes, it was me" in opened.text
        assert opened.headers["cache-control"] == "no-store"
    assert (await Question.get()).asker_confirmed_at is None

    refused = await client.post(path, data={})
    assert refused.status_code == 403, "the button carries the CSRF token"
    assert (await _confirm(client, path)).status_code == 200
    assert (await Question.get()).asker_confirmed_at is not None
    again = await client.post(path, data={"csrf_token": await csrf_from(client, "/login")})
    assert again.status_code == 404 and (await client.get(path)).status_code == 404


async def test_an_expired_confirmation_link_opens_nothing(
    client: httpx.AsyncClient, smtp_settings: Settings, mailbox: MailCollector, tent: Product
) -> None:
    await _ask(client, "erin@example.org", "Is it warm enough for spring nights?")
    await _run_worker(smtp_settings)
    path = link_in(mailbox.received[0], "/q/")
    await LinkToken.filter(purpose=LinkPurpose.CONFIRM_ASKER.value).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)
    )
    assert (await client.get(path)).status_code == 404
    assert (
        await client.post(path, data={"csrf_token": await csrf_from(client, "/login")})
    ).status_code == 404
    assert (await Question.get()).asker_confirmed_at is None


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_rate_limits(question_address=(2, 3600), question_product=(3, 3600))


async def test_asking_is_limited_per_address_on_the_api_and_the_page(
    client: httpx.AsyncClient, tent: Product
) -> None:
    await Product.create(external_id="stove", name="Camping stove")
    assert (await _ask(client, "erin@example.org", "Is it warm at night?")).status_code == 201
    assert (
        await _ask(client, "erin@example.org", "Does it boil fast?", path="/api/v1/products/stove/questions")
    ).status_code == 201

    refused = await _ask(client, "erin@example.org", "Is it heavy to carry?")
    assert refused.status_code == 429
    assert refused.json()["errors"] == [
        {"path": "rate", "reason": "too many questions from this e-mail address; try again later"}
    ]
    page = await client.post(
        FORM, headers=SAME_SITE, data={"email": "Erin@example.org", "body": "Is it heavy?"}
    )
    assert page.status_code == 429
    assert "Too many questions from this e-mail address; try again later." in page.text
    assert (await _ask(client, "fay@example.net", "Is it heavy to carry?")).status_code == 201
    assert await Question.filter(asker_email="erin@example.org").count() == 2


async def test_asking_is_limited_per_product(client: httpx.AsyncClient, tent: Product) -> None:
    await Product.create(external_id="stove", name="Camping stove")
    for n in range(3):
        assert (await _ask(client, f"shopper{n}@example.org", "Is it warm at night?")).status_code == 201
    refused = await _ask(client, "shopper9@example.org", "Is it warm at night?")
    assert refused.status_code == 429 and "this product" in refused.json()["errors"][0]["reason"]
    other = await _ask(
        client, "shopper9@example.org", "Does it boil fast?", path="/api/v1/products/stove/questions"
    )
    assert other.status_code == 201


class _Parts(HTMLParser):
    """The links of an HTML part, with their text, and every text node outside them."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.texts: list[str] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self.links.append((self._href, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)
        self.texts.append(data)


HOSTILE_NAME = "Eve &lt;b&gt;www.eve-deals.example&lt;/b&gt;"
HOSTILE_BODY = (
    'Is it &lt;a href="https://evil.example/win"&gt;waterproof&lt;/a&gt;? '
    "See https://evil.example/win, compare www.evil.example, or mail eve@evil.example"
)


def _assert_plain(mail: EmailMessage) -> None:
    html, text = mail_part(mail, "html"), mail_part(mail, "plain")
    parts = _Parts()
    parts.feed(html)
    hub_links = ("http://testserver/", "https://shop.example/tent")  # the hub's own, and the product's
    assert parts.links and all(href.startswith(hub_links) for href, _ in parts.links)
    assert not any("evil" in label or "eve-deals" in label for _, label in parts.links)
    assert "<b>" not in html and '<a href="https://evil' not in html and 'href="https://evil' not in html
    joined = "".join(parts.texts)
    assert "evil[.]example" in joined and "[:]//" in joined, "the reader sees the text, defanged"
    for node in parts.texts:
        assert not any(mark in node for mark in ("://", "www.", "evil.", "@")), node
    assert "evil[.]example" in text and "http://evil" not in text and "www.evil." not in text


async def test_question_mails_quote_stranger_text_as_plain_text_that_is_no_link(
    client: httpx.AsyncClient,
    smtp_settings: Settings,
    mailbox: MailCollector,
    buyers: list[str],
    login: Login,
    carol: StaffUser,
) -> None:
    asked = await _ask(client, "erin@example.org", HOSTILE_BODY, name=HOSTILE_NAME)
    assert asked.status_code == 201
    await _run_worker(smtp_settings)
    confirm_path = link_in(mailbox.received[0], "/q/")
    await login(carol)
    await _approve(client, await Question.get())
    await _run_worker(smtp_settings)

    request = mails_to(mailbox, buyers[0])[0]
    _assert_plain(request)
    answer_path = link_in(request, "/a/")
    token = await csrf_from(client, answer_path)
    body = {"body": "Yes, it kept us dry all week.", "csrf_token": token}
    answered = await client.post(answer_path, data=body)
    assert answered.status_code == 200
    await _confirm(client, confirm_path)
    await _run_worker(smtp_settings)

    told = mails_to(mailbox, "erin@example.org")[-1]
    assert "has an answer" in str(told["Subject"])
    _assert_plain(told)
    assert "eve-deals[.]example" in mail_part(told, "plain")


async def test_an_address_with_no_order_that_stands_is_a_strangers(
    client: httpx.AsyncClient, tent: Product, make_buyer: BuyerMaker
) -> None:
    await Customer.create(email="newsletter@example.org", name="Only Subscribed")
    cancelled = await make_buyer("cancelled@example.org", "Changed Mind")
    await Order.filter(customer_id=cancelled.id).update(cancelled_at=datetime.now(UTC))
    for email in ("newsletter@example.org", "cancelled@example.org"):
        asked = await _ask(client, email, "Is it warm enough for spring nights?")
        assert asked.json()["status"] == "pending"
    assert set(await Question.all().values_list("status_reason", flat=True)) == {"unknown_asker"}
