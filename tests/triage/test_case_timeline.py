"""The case page's live parts: the timeline poll, the reply preview, the customer side panel."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import httpx

from hub.config import Settings
from hub.mail.sender import send_due
from hub.staff.models import StaffUser
from hub.triage.models import Case, CaseEvent
from hub.triage.recovery import record_recovery
from tests.conftest import csrf_from, log_in, make_customer, make_order, make_product
from tests.mail.conftest import MailCollector, smtp_server, smtp_settings  # noqa: F401  (aiosmtpd)
from tests.triage.conftest import make_case, post_action

POLL = re.compile(r'hx-get="(/admin/cases/\d+/timeline\?after=\d+)"')


def _poll_path(html: str) -> str:
    found = POLL.search(html)
    assert found is not None, "the timeline carries its poll"
    return found.group(1)


async def test_the_poll_returns_only_the_entries_added_since_the_last_one_shown(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    case = await make_case(settings)
    await log_in(client, bob)
    poll = _poll_path((await client.get(f"/admin/cases/{case.id}")).text)
    nothing = await client.get(poll, headers={"HX-Request": "true"})
    assert nothing.status_code == 204 and nothing.text == ""

    await post_action(client, case, "note", body="Called the courier.")
    fresh = await client.get(poll, headers={"HX-Request": "true"})
    assert fresh.status_code == 200 and "<html" not in fresh.text
    assert re.findall(r'<li class="event event-([a-z_]+)"', fresh.text) == ["note"]
    assert "Called the courier." in fresh.text and "event-created" not in fresh.text
    note = await CaseEvent.get(case=case, kind="note")
    assert _poll_path(fresh.text).endswith(f"after={note.id}")  # the next poll starts after it
    assert (await client.get(_poll_path(fresh.text))).status_code == 204


async def test_the_poll_brings_the_state_card_when_the_state_changed(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    case = await make_case(settings)
    await log_in(client, bob)
    poll = _poll_path((await client.get(f"/admin/cases/{case.id}")).text)
    await post_action(client, case, "assign", assignee=str(bob.id))
    fresh = await client.get(poll, headers={"HX-Request": "true"})
    card = fresh.text[fresh.text.index('id="case-state"') :]
    assert 'hx-swap-oob="true"' in card[: card.index(">")]
    assert re.search(r'id="case-assignee">Bob Agent<', card)


async def test_the_poll_is_for_staff_only(client: httpx.AsyncClient, settings: Settings) -> None:
    case = await make_case(settings)
    answer = await client.get(f"/admin/cases/{case.id}/timeline?after=0")
    assert answer.status_code == 303 and "created" not in answer.text


async def test_a_bad_poll_position_is_refused_naming_the_field(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    case = await make_case(settings)
    await log_in(client, bob)
    answer = await client.get(f"/admin/cases/{case.id}/timeline?after=soon")
    assert answer.status_code == 422 and "after" in answer.text


async def test_the_preview_shows_the_subject_and_quoted_text_of_the_mail_actually_sent(
    client: httpx.AsyncClient,
    smtp_settings: Settings,  # noqa: F811
    smtp_server: tuple[MailCollector, int],  # noqa: F811
    bob: StaffUser,
) -> None:
    customer = await make_customer("Dana Buyer", email="dana@example.net", locale="de")
    case = await make_case(smtp_settings, customer=customer, body="The zip broke.\nAnd the strap too.")
    await log_in(client, bob)
    page = (await client.get(f"/admin/cases/{case.id}")).text
    assert '<dd id="reply-recipient">Dana Buyer &lt;dana@example.net&gt;</dd>' in page
    assert '<dd id="reply-locale">de</dd>' in page

    token = await csrf_from(client, f"/admin/cases/{case.id}")
    body = "Sorry, Dana. A new bag is on its way."
    preview = await client.post(
        f"/admin/cases/{case.id}/reply-preview",
        data={"csrf_token": token, "body": body},
        headers={"HX-Request": "true"},
    )
    assert preview.status_code == 200 and "<html" not in preview.text
    subject = re.search(r'<dd id="reply-subject">(.*?)</dd>', preview.text)
    text = re.search(r'<pre id="reply-text" class="mail-preview">(.*?)</pre>', preview.text, re.S)
    assert subject is not None and text is not None

    await post_action(client, case, "reply", body=body)
    assert await send_due(smtp_settings, datetime.now(UTC)) == 1
    [sent] = smtp_server[0].received
    sent_text = sent.get_body(preferencelist=("plain",))
    assert sent_text is not None
    assert subject.group(1) == str(sent["Subject"])
    assert subject.group(1) == f"[{case.reference}] Re: your feedback to Acme Outdoors"
    shown = text.group(1).replace("&gt;", ">")
    assert "Dana Buyer wrote:\n> The zip broke.\n> And the strap too." in shown
    assert shown.strip() in str(sent_text.get_content()).replace("\r\n", "\n")
    html = sent.get_body(preferencelist=("html",))
    assert html is not None and '<html lang="de">' in str(html.get_content())


async def test_the_side_panel_shows_stage_kept_value_orders_and_earlier_outcomes(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    customer = await make_customer("Dana Buyer", stage="loyal")
    stove = await make_product("Camp Stove")
    refunded = await make_order(customer, stove, total="30.00", external_id="SHOP-R")
    await refunded.__class__.filter(id=refunded.id).update(refunded_total=Decimal("10.00"))
    await make_order(customer, stove, total="50.00", currency="EUR", external_id="SHOP-EU")
    earlier = await make_case(settings, customer=customer)
    await Case.filter(id=earlier.id).update(status="closed", resolution_code="replacement")
    await record_recovery(earlier.id, 4, "Fine now.")
    case = await make_case(settings, customer=customer)  # its own order: 120.00 USD
    await log_in(client, bob)

    page = (await client.get(f"/admin/cases/{case.id}")).text
    assert '<dd id="customer-stage">loyal</dd>' in page
    # make_case's orders are 120.00 USD each, the refund took 10.00 off SHOP-R.
    assert '<dd id="lifetime-value">50.00 EUR · 260.00 USD</dd>' in page
    assert '<dd id="order-count">4</dd>' in page
    assert "SHOP-R" in page and "10.00 USD refunded" in page
    assert re.search(
        rf'{earlier.reference}</a> · <time[^>]*>[^<]*</time> · <span class="outcome">'
        r"replacement, follow-up answer 4/5</span>: “Fine now.”",
        page,
    )
