"""Recognising advocates from the advocates page, referral links, attribution and refunds."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from hub.advocacy.models import Award, PointsEntry, Referral, ReferralCode
from hub.advocacy.recognition import settle_points
from hub.advocacy.referral_rewards import reward_matured_referrals
from hub.advocacy.referrals import attribute_referral, flywheel
from hub.catalog.models import Customer
from hub.config import Settings
from hub.mail.models import OutboxMessage
from tests.advocacy.conftest import NOW, ago
from tests.conftest import csrf_from, make_customer, make_order


async def promising(name: str = "Ada Advocate", score: int = 80, **fields: object) -> Customer:
    return await make_customer(name, stage="advocate", advocate_score=score, **fields)


async def test_moderators_see_the_candidates_not_yet_recognised(
    client: httpx.AsyncClient, login, carol
) -> None:  # type: ignore[no-untyped-def]
    ada, old = await promising(), await promising("Old Hand")
    await Award.create(customer=old, badge="recognised")
    await login(carol)
    page = await client.get("/admin/advocates")
    assert page.status_code == 200
    assert f"/admin/customers/{ada.id}" in page.text and "Old Hand" not in page.text


@pytest.mark.parametrize(
    ("query", "shown"),
    [("min_score=90", False), ("min_score=50", True), ("stage=loyal", False), ("has_photos=1", False)],
)
async def test_the_filters_narrow_the_candidates(
    client: httpx.AsyncClient,
    login,
    carol,  # type: ignore[no-untyped-def]
    query: str,
    shown: bool,
) -> None:
    await promising()
    await login(carol)
    page = await client.get(f"/admin/advocates?{query}")
    assert ("Ada Advocate" in page.text) is shown


async def test_agents_may_not_open_the_advocates_page(client: httpx.AsyncClient, login, bob) -> None:  # type: ignore[no-untyped-def]
    await login(bob)
    assert (await client.get("/admin/advocates")).status_code == 403


async def test_recognising_gives_badge_points_and_a_thank_you_with_a_referral_link(
    client: httpx.AsyncClient, login, carol
) -> None:  # type: ignore[no-untyped-def]
    ada, ben = await promising(), await promising("Ben Quiet", mail_opt_outs=["thanks"])
    await login(carol)
    token = await csrf_from(client, "/admin/advocates")
    answer = await client.post(
        "/admin/advocates/recognise",
        data={
            "csrf_token": token,
            "customer": [str(ada.id), str(ben.id)],
            "badge": "photo_pro",
            "points": "100",
        },
    )
    assert answer.status_code == 200 and "Recognised 2 customers; 1 thank-you mails queued" in answer.text
    badges = await Award.filter(customer=ada).values_list("badge", flat=True)
    assert set(badges) == {"photo_pro", "recognised"}
    assert await PointsEntry.filter(customer=ben).values_list("points", flat=True) == [100]
    mail = await OutboxMessage.get(kind="advocate_thanks")
    code = await ReferralCode.get(customer=ada)
    assert mail.to_address == ada.email and f"http://testserver/ref/{code.code}" in mail.text_body


async def test_recognising_without_a_pick_says_so(client: httpx.AsyncClient, login, carol) -> None:  # type: ignore[no-untyped-def]
    await promising()
    await login(carol)
    token = await csrf_from(client, "/admin/advocates")
    answer = await client.post(
        "/admin/advocates/recognise", data={"csrf_token": token, "badge": "photo_pro", "points": "10"}
    )
    assert answer.status_code == 422 and 'id="error-customers"' in answer.text


async def test_a_referral_link_counts_the_visit_and_lands_on_the_store(
    client: httpx.AsyncClient, settings
) -> None:  # type: ignore[no-untyped-def]
    code = await ReferralCode.create(customer=await promising(), code="ADA-XYZ123")
    answer = await client.get("/ref/ADA-XYZ123")
    assert answer.status_code == 302
    assert answer.headers["location"] == f"{settings.store_url}?ref=ADA-XYZ123"
    assert (await ReferralCode.get(id=code.id)).visits == 1


# Referral points that mature at once (no return window), as before windows existed.


async def referral_setup() -> tuple[Customer, ReferralCode]:
    ada = await promising()
    return ada, await ReferralCode.create(customer=ada, code="ADA-XYZ123")


async def test_a_first_order_with_the_code_is_counted_and_earns_points(db: str, settings: Settings) -> None:
    ada, _code = await referral_setup()
    newcomer = await make_customer("New Friend")
    order = await make_order(newcomer, placed_at=NOW, referral_code="ada-xyz123")
    referral = await attribute_referral(settings, order)
    assert referral is not None and referral.outcome == "counted"
    assert await attribute_referral(settings, order) is not None
    assert await Referral.all().count() == 1
    await reward_matured_referrals(settings, NOW + timedelta(days=31))
    assert await PointsEntry.filter(customer=ada).values_list("points", flat=True) == [50]
    figures = await flywheel()
    assert figures.total_customers == 1 and str(figures.total_revenue) == "100.00"


@pytest.mark.parametrize("who", ["self", "existing"])
async def test_self_referrals_and_existing_customers_do_not_count(
    db: str, settings: Settings, who: str
) -> None:
    ada, code = await referral_setup()
    buyer = ada if who == "self" else await make_customer("Old Customer")
    if who == "existing":
        await make_order(buyer, placed_at=ago(100))
    referral = await attribute_referral(
        settings, await make_order(buyer, placed_at=NOW, referral_code=code.code)
    )
    assert referral is not None
    assert referral.outcome == ("self_referral" if who == "self" else "existing_customer")
    assert await reward_matured_referrals(settings, NOW + timedelta(days=31)) == 0
    assert await PointsEntry.all().count() == 0


async def test_a_refund_reverses_the_points_once(db: str, settings: Settings) -> None:
    ada, code = await referral_setup()
    order = await make_order(await make_customer("New Friend"), placed_at=NOW, referral_code=code.code)
    await attribute_referral(settings, order)
    await reward_matured_referrals(settings, NOW + timedelta(days=31))
    order.refunded_at = NOW + timedelta(days=2)
    assert await settle_points(order) == 1
    assert await settle_points(order) == 0
    assert sorted(await PointsEntry.filter(customer=ada).values_list("points", flat=True)) == [-50, 50]


async def test_an_order_ingested_with_the_code_is_attributed_to_the_advocate(
    db: str, settings: Settings
) -> None:
    from decimal import Decimal

    from hub.catalog.schema import CustomerIn, LineIn, OrderIn
    from hub.orders.ingest import ingest_order

    ada, code = await referral_setup()
    order = OrderIn(
        source="api",
        external_id="R-1",
        customer=CustomerIn("friend@example.org", "Fred Friend"),
        placed_at=NOW,
        lines=(LineIn("SKU-R", "Tent", 1, Decimal("120.00")),),
        referral_code=code.code,
    )
    await ingest_order(settings, order)
    await ingest_order(settings, order)
    referral = await Referral.get(referrer=ada)
    assert referral.outcome == "counted"
    assert await Referral.filter(referrer=ada).count() == 1
