"""Two-sided referrals: the fraud rules hold doubtful referrals for Carol with their reasons,
the referrer is rewarded only past the return window (and loses it to a refund), and the
friend's welcome code is mailed once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from hub.advocacy.codes import CodeTerms, Kind, upload_codes
from hub.advocacy.models import PointsEntry, Referral, ReferralWelcome
from hub.advocacy.referral_rewards import reward_matured_referrals
from hub.advocacy.referrals import code_for
from hub.catalog.models import Customer
from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.mail.sender import send_due
from hub.staff.apikeys import create_api_key
from hub.staff.models import AuditEntry, StaffUser
from tests.conftest import csrf_from
from tests.mail.conftest import MailCollector, mailbox, smtp_server  # noqa: F401  (aiosmtpd)

NOW = datetime.now(UTC).replace(microsecond=0)
STORE = "https://shop.example"


@pytest.fixture
def settings(settings: Settings, smtp_server: tuple[MailCollector, int]) -> Settings:  # noqa: F811
    """Three referrals a month before the rest wait; friends get a code of the welcome pool."""
    return settings.with_overrides(
        smtp_host="127.0.0.1",
        smtp_port=smtp_server[1],
        store_url=STORE,
        referral_limit=3,
        referral_welcome_pool="welcome",
    )


@pytest.fixture
async def auth(db: str) -> dict[str, str]:
    _key, raw = await create_api_key("Store bridge", ["orders:write"])
    return {"Authorization": f"Bearer {raw}"}


async def send(
    client: httpx.AsyncClient, auth: dict[str, str], number: str, email: str, **extra: Any
) -> None:
    days_ago = extra.pop("days_ago", 5)
    payload = {
        "id": number,
        "customer": {"email": email, "name": email.split("@")[0].title()},
        "placed_at": (NOW - timedelta(days=days_ago)).isoformat(),
        "lines": [{"product": {"id": "SKU-1", "name": "Trail Tent"}, "quantity": 1, "price": "100.00"}],
        **extra,
    }
    response = await client.post("/api/v1/orders", json=payload, headers=auth)
    assert response.status_code in (200, 201), response.text


async def referrer(
    client: httpx.AsyncClient, auth: dict[str, str], number: str, email: str, **extra: Any
) -> str:
    """A customer who bought 100 days ago, and their referral code."""
    await send(client, auth, number, email, days_ago=100, **extra)
    return (await code_for(await Customer.get(email=email))).code


async def outcome_of(friend: str) -> Referral:
    return await Referral.get(referred__email=friend)


def row_of(page: str, referral: Referral) -> str:
    start = page.index(f'id="referral-{referral.id}"')
    return page[start : page.index("</tr>", start)]


async def test_each_fraud_rule_holds_or_settles_a_referral_with_its_reason_for_carol(
    client: httpx.AsyncClient, auth: dict[str, str], login, carol: StaffUser
) -> None:  # type: ignore[no-untyped-def]
    ada = await referrer(client, auth, "A1", "ada.lovelace@gmail.com")
    ben = await referrer(client, auth, "B1", "ben@example.net", shipping_address="22 Oak Road, Leeds LS1")
    pia = await referrer(client, auth, "P1", "pia@example.net", phone="+44 7700 900123")
    tess = await referrer(client, auth, "T1", "tess@example.net")
    await send(client, auth, "O1", "old@example.net", days_ago=200)

    await send(client, auth, "F1", "adalovelace+deals@gmail.com", referral_code=ada)
    await send(client, auth, "F2", "old@example.net", referral_code=ada)
    await send(
        client, auth, "F3", "ship@example.net", referral_code=ben, shipping_address="22 oak road  LEEDS ls1"
    )
    await send(client, auth, "F4", "ben@example.net", referral_code=ben)
    await send(client, auth, "F5", "clean@example.net", referral_code=ben)
    await send(client, auth, "F6", "phone@example.net", referral_code=pia, phone="07700 900123")
    for n in range(4):
        await send(client, auth, f"T{n + 2}", f"friend{n}@example.net", referral_code=tess)
    refund = {"id": "r1", "amount": "10.00"}  # in part, inside the window
    assert (await client.post("/api/v1/orders/F5/refunds", json=refund, headers=auth)).status_code == 200

    expected = {
        "adalovelace+deals@gmail.com": ("held", ["same_email"]),
        "old@example.net": ("existing_customer", ["existing_customer"]),
        "ship@example.net": ("held", ["same_shipping"]),
        "ben@example.net": ("self_referral", ["self_referral"]),
        "clean@example.net": ("held", ["refunded"]),
        "phone@example.net": ("held", ["same_phone"]),
        "friend2@example.net": ("counted", []),
        "friend3@example.net": ("held", ["too_many"]),
    }
    for friend, (outcome, reasons) in expected.items():
        referral = await outcome_of(friend)
        assert (referral.outcome, referral.reasons) == (outcome, reasons), friend

    await login(carol)
    page = (await client.get("/admin/referrals")).text
    shown = {
        "adalovelace+deals@gmail.com": "address is the referrer&#39;s (dots or a +tag aside)",
        "ship@example.net": "shipped to the referrer&#39;s address",
        "phone@example.net": "the referrer&#39;s phone number",
        "friend3@example.net": "more referrals from this referrer than the shop allows in the period",
        "clean@example.net": "the friend&#39;s order was refunded",
    }
    for friend, label in shown.items():
        assert label in row_of(page, await outcome_of(friend)), friend
    assert "Approve" in row_of(page, await outcome_of("ship@example.net"))
    fraud = page[page.index('id="fraud-self_referral"') :]
    assert 'the referrer used their own code</td><td class="num">1</td><td class="num">1' in fraud
    assert 'id="fraud-existing_customer"' in page
    assert "friend2@example.net" not in page.split('id="decided-heading"')[0].split("</table>")[0]


async def test_an_approved_referral_is_rewarded_after_the_window_and_a_refund_takes_it_back(
    client: httpx.AsyncClient, auth: dict[str, str], settings: Settings, login, carol: StaffUser
) -> None:  # type: ignore[no-untyped-def]
    ada = await referrer(client, auth, "A1", "ada.lovelace@gmail.com")
    await send(client, auth, "F1", "ada.lovelace+gifts@googlemail.com", referral_code=ada)
    held = await outcome_of("ada.lovelace+gifts@googlemail.com")
    assert held.outcome == "held"
    await login(carol)
    token = await csrf_from(client, "/admin/referrals")
    answer = await client.post(
        f"/admin/referrals/{held.id}/decide", data={"decision": "approve", "csrf_token": token}
    )
    assert answer.status_code == 200 and f"Referral {held.id} counted." in answer.text
    again = await client.post(
        f"/admin/referrals/{held.id}/decide", data={"decision": "reject", "csrf_token": token}
    )
    assert again.status_code == 409  # decided once
    entry = await AuditEntry.get(action="referral.approve")
    assert (entry.actor_id, entry.target_id, entry.detail) == (
        carol.id,
        str(held.id),
        {"reasons": ["same_email"]},
    )

    ada_customer = await Customer.get(email="ada.lovelace@gmail.com")
    placed = NOW - timedelta(days=5)
    assert await reward_matured_referrals(settings, placed + timedelta(days=29)) == 0  # window open
    assert await reward_matured_referrals(settings, placed + timedelta(days=30, seconds=1)) == 1
    assert await reward_matured_referrals(settings, placed + timedelta(days=40)) == 0  # once
    assert await PointsEntry.filter(customer=ada_customer).values_list("points", flat=True) == [50]

    refund = {"id": "r1", "amount": "100.00"}  # the friend sends it all back, late
    assert (await client.post("/api/v1/orders/F1/refunds", json=refund, headers=auth)).status_code == 200
    assert (await outcome_of("ada.lovelace+gifts@googlemail.com")).outcome == "withdrawn"
    points = sorted(await PointsEntry.filter(customer=ada_customer).values_list("points", flat=True))
    assert points == [-50, 50]


async def test_a_friend_claims_the_welcome_code_once_and_it_is_mailed(
    client: httpx.AsyncClient,
    auth: dict[str, str],
    settings: Settings,
    mailbox: MailCollector,  # noqa: F811
) -> None:
    ada = await referrer(client, auth, "A1", "ada.lovelace@gmail.com")
    await upload_codes("welcome", CodeTerms(Kind.PERCENT, Decimal("15")), "WELCOME-1\nWELCOME-2\n")
    page = await client.get(f"/ref/{ada}")
    assert page.status_code == 200 and "Send my welcome code" in page.text
    assert f'href="{STORE}?ref={ada}"' in page.text

    token = await csrf_from(client, f"/ref/{ada}")
    own = await client.post(f"/ref/{ada}", data={"email": "Ada.Lovelace@gmail.com", "csrf_token": token})
    assert own.status_code == 422 and "is the address of the friend who shared this link" in own.text
    first = await client.post(f"/ref/{ada}", data={"email": "Fred.Friend@gmail.com", "csrf_token": token})
    assert "Your welcome code is on its way" in first.text
    twice = await client.post(f"/ref/{ada}", data={"email": "fredfriend+x@gmail.com", "csrf_token": token})
    assert "We have already sent your welcome code" in twice.text

    assert await send_due(settings, datetime.now(UTC) + timedelta(seconds=1)) == 1
    [mail] = mailbox.received
    assert mail["To"] == "fred.friend@gmail.com"
    assert "WELCOME-1" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert await ReferralWelcome.filter(email="fredfriend@gmail.com").count() == 1
    assert await OutboxMessage.filter(kind="referral_welcome").count() == 1
