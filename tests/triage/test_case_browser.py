"""An agent works the newest urgent case in headless Chromium; the customer answers the follow-up.

The hub runs under uvicorn in a thread on a free local port and sends mail through a
real SMTP server in-process (aiosmtpd). The worker's jobs run on the hub's own event
loop (as the embedded worker does), so one Tortoise context serves both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page, expect

from hub.config import Settings
from hub.intake.submit import submit_review
from hub.mail.sender import send_due
from hub.staff.models import StaffUser
from hub.staff.passwords import hash_password
from hub.triage.models import Case, CaseEvent
from hub.worker import run_once
from tests.browser import ServedHub, chromium, on_sqlite_only, served_hub
from tests.conftest import PASSWORD, free_port, make_customer, make_order, make_product, run_sync
from tests.mail.conftest import MailCollector, start_server

pytestmark = pytest.mark.browser

AGENT_EMAIL = "bob@example.com"
CUSTOMER_EMAIL = "dana@example.net"
REPLY = "We are so sorry, Dana. A new stove is on its way, and please do not use the old one."
RESOLUTION_NOTE = "Replacement sent by express; the customer was told not to use the stove."
SURVEY_LINK = re.compile(r"(https?://\S+/s/([A-Za-z0-9_-]+))")


@dataclass(frozen=True)
class Cases:
    """The case under test and the two it must be told apart from."""

    fire: int  # urgent, the newest
    chargeback: int  # urgent, a day older
    zip: int  # normal, two days older


async def _review(
    settings: Settings,
    email: str,
    name: str,
    product_name: str,
    rating: int,
    title: str,
    body: str,
    days_ago: int,
) -> int:
    """A bought product reviewed through the real pipeline; returns the case it opened."""
    submitted = datetime.now(UTC) - timedelta(days=days_ago)
    customer = await make_customer(name, email=email, stage="active")
    product = await make_product(product_name, external_id=f"sku-{product_name.lower().replace(' ', '-')}")
    order = await make_order(
        customer,
        product,
        total="89.00",
        external_id=f"O-{product.id}",
        placed_at=submitted - timedelta(days=10),
        fulfilled_at=submitted - timedelta(days=8),
    )
    result = await submit_review(
        settings,
        product=product,
        rating=rating,
        title=title,
        body=body,
        display_name=name,
        customer=customer,
        order=order,
        submitted_at=submitted,
    )
    assert result.case is not None, "the review should have opened a case"
    return result.case.id


async def _build(settings: Settings) -> Cases:
    await StaffUser.create(
        email=AGENT_EMAIL, roles="agent", name="Bob Agent", password_hash=hash_password(PASSWORD)
    )
    zip_case = await _review(
        settings,
        "erin@example.net",
        "Erin Walker",
        "Day Pack",
        2,
        "Meh",
        "The zip is stiff and the colour is duller than in the photos.",
        2,
    )
    chargeback = await _review(
        settings,
        "finn@example.net",
        "Finn Hale",
        "Camp Lantern",
        1,
        "Where is it",
        "The lantern never arrived and I will file a chargeback.",
        1,
    )
    fire = await _review(
        settings,
        CUSTOMER_EMAIL,
        "Dana Buyer",
        "Camp Stove",
        1,
        "Dangerous",
        "The stove caught fire on the second night and burned the table.",
        0,
    )
    priorities = dict(await Case.all().values_list("id", "priority"))
    assert priorities == {zip_case: "normal", chargeback: "urgent", fire: "urgent"}
    return Cases(fire=fire, chargeback=chargeback, zip=zip_case)


@dataclass(frozen=True)
class Served:
    hub: ServedHub
    mailbox: MailCollector
    cases: Cases


@pytest.fixture
def served(settings: Settings, database_url: str) -> Iterator[Served]:
    on_sqlite_only(database_url)
    mailbox = MailCollector()
    smtp: Controller = start_server(mailbox, free_port())
    port = free_port()
    settings = settings.with_overrides(
        base_url=f"http://127.0.0.1:{port}", smtp_host="127.0.0.1", smtp_port=smtp.port
    )
    cases = run_sync(database_url, lambda: _build(settings))
    try:
        with served_hub(settings) as hub:
            yield Served(hub, mailbox, cases)
    finally:
        smtp.stop()


@pytest.fixture
def browser(served: Served) -> Iterator[Browser]:
    """Chromium, started after the data is written (Playwright's loop then owns this thread)."""
    with chromium() as launched:
        yield launched


def _reference(case_id: int) -> str:
    return f"C-{case_id:06d}"


def _watch(page: Page, problems: list[str]) -> Page:
    """Collects console errors and every 4xx/5xx response ``page`` gets (htmx swaps included)."""
    page.on(
        "console",
        lambda message: problems.append(f"{page.url}: {message.text}") if message.type == "error" else None,
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    return page


def _mail_to(mailbox: MailCollector, subject_part: str) -> list[EmailMessage]:
    return [
        m for m in mailbox.received if str(m["To"]) == CUSTOMER_EMAIL and subject_part in str(m["Subject"])
    ]


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _log_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(AGENT_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".admin-header .who")).to_contain_text("Bob Agent")


def _open_newest_urgent(page: Page, cases: Cases) -> None:
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Cases").click()
    rows = page.locator("table.case-queue tbody tr.case-row")
    expect(rows).to_have_count(3)
    page.locator("[data-facet=priority-urgent]").click()
    expect(page.locator("[data-facet=priority-urgent]")).to_have_attribute("aria-current", "true")
    expect(rows).to_have_count(2)
    # Sorted by resolution due time: the newest urgent case is due last.
    expect(rows.first).to_have_id(f"case-{cases.chargeback}")
    expect(rows.last).to_have_id(f"case-{cases.fire}")
    newest = rows.last
    expect(newest.locator("td").nth(3)).to_have_text("urgent")
    newest.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {_reference(cases.fire)}")
    expect(page.locator("blockquote.review-body")).to_contain_text("caught fire")
    expect(page.locator("#case-priority")).to_have_text("urgent")
    expect(page.locator("#case-status")).to_have_text("open")


def _reply_and_resolve(page: Page) -> None:
    url, work = page.url, page.locator("#case-work")
    page.get_by_label("Message (sent by mail").fill(REPLY)
    page.get_by_role("button", name="Send reply").click()
    reply_event = work.locator(".timeline li.event-reply")
    expect(reply_event).to_have_count(1)
    expect(reply_event).to_contain_text("mail sent to the customer")
    expect(reply_event.locator(".event-body")).to_have_text(REPLY)
    expect(work.locator(".case-state")).to_contain_text(", answered")  # first_response_at is set
    expect(page.get_by_label("Message (sent by mail")).to_have_value("")  # a fresh form was swapped in

    page.get_by_label("Resolution").select_option(label="replacement")
    page.get_by_label("Note", exact=True).fill(RESOLUTION_NOTE)
    page.get_by_role("button", name="Resolve", exact=True).click()
    expect(page.locator("#case-status")).to_have_text("resolved")
    expect(work.locator(".case-state")).to_contain_text(": replacement")
    expect(work.get_by_role("button", name="Reopen")).to_be_visible()
    resolved = work.locator(".timeline li.event-status")
    expect(resolved).to_contain_text("open → resolved (replacement)")
    expect(resolved.locator(".event-body")).to_have_text(RESOLUTION_NOTE)
    assert page.url == url  # htmx swapped the work area; no page load


def _answer_follow_up(page: Page, survey_url: str) -> None:
    page.goto(survey_url)
    expect(page.get_by_role("heading", name="Did we put it right?")).to_be_visible()
    scale = page.get_by_role("group", name="Did we put things right?")
    scale.get_by_role("radio", name=re.compile(r"^5\b")).check()
    page.get_by_label("Is there anything else you would like to tell us?").fill(
        "The new stove came in two days. Thank you for calling me."
    )
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you for your answers")).to_be_visible()


def test_an_agent_resolves_the_newest_urgent_case_and_the_follow_up_records_recovery(
    served: Served, browser: Browser
) -> None:
    hub, mailbox, cases = served.hub, served.mailbox, served.cases
    reference = _reference(cases.fire)
    problems: list[str] = []

    agent = _watch(browser.new_context().new_page(), problems)
    _log_in(agent, hub.base_url)
    _open_newest_urgent(agent, cases)
    case_url = agent.url
    _reply_and_resolve(agent)

    # The worker drains the outbox: the customer gets the reply over SMTP.
    assert hub.call(lambda: send_due(hub.settings, datetime.now(UTC))) == 1
    [reply] = _mail_to(mailbox, reference)
    assert str(reply["Subject"]) == f"[{reference}] Re: your feedback to Acme Outdoors"
    assert str(reply["Reply-To"]) == hub.settings.support_email
    assert REPLY in _text(reply) and "Bob Agent" in _text(reply)

    # Three days later a worker pass sends the follow-up (due two days after resolving).
    counts = hub.call(lambda: run_once(hub.settings, now=datetime.now(UTC) + timedelta(days=3)))
    assert counts["case_follow_ups"] == 1, counts
    follow_ups = _mail_to(mailbox, f"[{reference}] Did we put things right?")
    assert len(follow_ups) == 1, [str(m["Subject"]) for m in mailbox.received]
    assert str(follow_ups[0]["Reply-To"]) == hub.settings.support_email
    found = SURVEY_LINK.search(_text(follow_ups[0]))
    assert found is not None, _text(follow_ups[0])
    survey_url = found.group(1)
    assert survey_url.startswith(hub.base_url + "/s/")

    # The customer answers in a browser of her own (no staff session).
    customer = _watch(browser.new_context().new_page(), problems)
    _answer_follow_up(customer, survey_url)

    async def stored() -> tuple[Case, list[CaseEvent]]:
        case = await Case.get(id=cases.fire)
        return case, list(await CaseEvent.filter(case_id=cases.fire, kind="recovery"))

    case, recovery_events = hub.call(stored)
    assert (case.recovery_csat, case.status, case.resolution_code) == (5, "closed", "replacement")
    assert case.recovery_comment.startswith("The new stove came in two days")
    assert [event.data for event in recovery_events] == [{"csat": 5}]

    # The agent sees the outcome on the case's timeline; three idle days ended her session.
    _log_in(agent, hub.base_url)
    agent.goto(case_url)
    expect(agent.locator("#case-status")).to_have_text("closed")
    expect(agent.locator(".case-state")).to_contain_text("Follow-up answer: 5/5")
    recovery = agent.locator(".timeline li.event-recovery")
    expect(recovery).to_have_count(1)
    expect(recovery).to_contain_text("CSAT 5/5")
    expect(recovery.locator(".event-body")).to_have_text(
        "The new stove came in two days. Thank you for calling me."
    )
    expect(agent.locator(".timeline li.event-follow_up")).to_have_count(1)

    async def others() -> dict[int, Any]:
        return dict(await Case.filter(id__in=[cases.chargeback, cases.zip]).values_list("id", "status"))

    assert hub.call(others) == {cases.chargeback: "open", cases.zip: "open"}
    assert problems == [], problems


def test_choosing_a_product_narrows_the_queue_in_place_and_polling_keeps_the_choice(
    served: Served, browser: Browser
) -> None:
    problems: list[str] = []
    agent = _watch(browser.new_context().new_page(), problems)
    _log_in(agent, served.hub.base_url)
    agent.goto(served.hub.base_url + "/admin/cases")
    rows = agent.locator("table.case-queue tbody tr.case-row")
    expect(rows).to_have_count(3)

    agent.get_by_label("Product").select_option(label="Camp Stove (1)")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_id(f"case-{served.cases.fire}")
    expect(agent).to_have_url(re.compile(r"/admin/cases\?.*product=\d+"))  # pushed, so it can be shared
    # The results swapped in carry their own poll, for the chosen product.
    expect(agent.locator("#case-results")).to_have_attribute("hx-get", re.compile(r"product=\d+"))
    expect(agent.get_by_label("Product")).to_have_value(re.compile(r"\d+"))
    # A search from here keeps the product chosen in place.
    expect(agent.locator("#queue-search-filters input[name=product]")).to_have_count(1)

    agent.get_by_label("Product").select_option(label="all products")
    expect(rows).to_have_count(3)
    assert problems == [], problems


def test_a_reply_from_another_session_appears_without_a_reload_and_the_preview_follows_typing(
    served: Served, browser: Browser
) -> None:
    problems: list[str] = []
    base, fire = served.hub.base_url, served.cases.fire
    watching = _watch(browser.new_context().new_page(), problems)
    _log_in(watching, base)
    watching.goto(f"{base}/admin/cases/{fire}")
    expect(watching.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(watching.locator("#reply-recipient")).to_have_text(f"Dana Buyer <{CUSTOMER_EMAIL}>")

    # The preview is the mail as it will be sent, rendered as the agent types.
    watching.get_by_label("Message (sent by mail").fill("Checking with the warehouse now.")
    expect(watching.locator("#reply-text")).to_contain_text("Checking with the warehouse now.")
    expect(watching.locator("#reply-text")).to_contain_text("> The stove caught fire on the second night")
    expect(watching.locator("#reply-subject")).to_have_text(
        f"[{_reference(fire)}] Re: your feedback to Acme Outdoors"
    )

    answering = _watch(browser.new_context().new_page(), problems)
    _log_in(answering, base)
    answering.goto(f"{base}/admin/cases/{fire}")
    answering.get_by_label("Message (sent by mail").fill(REPLY)
    answering.get_by_role("button", name="Send reply").click()
    expect(answering.locator(".timeline li.event-reply")).to_have_count(1)

    # The first page polls the timeline: the reply appears there, the text being typed stays.
    url = watching.url
    arrived = watching.locator(".timeline li.event-reply")
    expect(arrived).to_have_count(1, timeout=20_000)
    expect(arrived.locator(".event-body")).to_have_text(REPLY)
    expect(watching.get_by_label("Message (sent by mail")).to_have_value("Checking with the warehouse now.")
    assert watching.url == url
    assert problems == [], problems
