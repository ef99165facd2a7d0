"""Win-back with an offer: products picked from what buyers of the same went on to buy (never
one the customer has), and the mailed group's figures against the hold-out's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from hub.advocacy.copurchase import picks_for, rebuild_co_purchases
from hub.advocacy.models import WinBack
from hub.advocacy.winback import attribute_win_backs, held_out, send_win_backs
from hub.catalog.models import Customer, Product
from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.mail.sender import send_due
from hub.staff.models import StaffUser
from tests.advocacy.conftest import NOW, ago
from tests.conftest import make_customer, make_order, make_product
from tests.mail.conftest import MailCollector, smtp_server  # noqa: F401  (aiosmtpd)


async def lapsed(name: str) -> Customer:
    return await make_customer(name, stage="dormant", stage_since=NOW - timedelta(days=2))


async def shop() -> dict[str, Product]:
    """Five products and the orders below (all purchases unless said).

    Ann: Tent (day -100), then Stove (-50)           -> Tent→Stove
    Bea: Tent (-100), then Stove (-60), then Mat (-40) -> Tent→Stove, Tent→Mat, Stove→Mat
    Cal: Tent (-90), then Lamp (-30)                  -> Tent→Lamp
    Dan: Stove (-80), then Mat (-20)                  -> Stove→Mat
    Eve: Tent (-90), then Pack (-10, cancelled)       -> nothing: a cancelled order is no purchase
    Lee: Tent and Stove in one order (-200)           -> nothing: bought together, not "went on"

    Counts (customers): Tent→Stove 2, Tent→Mat 1, Tent→Lamp 1, Stove→Mat 2: four rows.
    Lee owns Tent and Stove: Mat scores 1 + 2 = 3, Lamp 1; Stove (2) is his already.
    """
    names = ("Tent", "Stove", "Mat", "Lamp", "Pack")
    products = {name: await make_product(name, external_id=name.lower()) for name in names}
    plan = {
        "Ann": [("Tent", 100), ("Stove", 50)],
        "Bea": [("Tent", 100), ("Stove", 60), ("Mat", 40)],
        "Cal": [("Tent", 90), ("Lamp", 30)],
        "Dan": [("Stove", 80), ("Mat", 20)],
        "Eve": [("Tent", 90)],
    }
    for name, orders in plan.items():
        customer = await make_customer(name)
        for product, days in orders:
            await make_order(customer, products[product], placed_at=ago(days))
    eve = await Customer.get(name="Eve")
    await make_order(eve, products["Pack"], placed_at=ago(10), cancelled_at=ago(9))
    return products


async def test_the_win_back_mail_recommends_what_buyers_of_the_same_bought_next(
    db: str,
    settings: Settings,
    smtp_server: tuple[MailCollector, int],  # noqa: F811
) -> None:
    mailbox, port = smtp_server
    settings = settings.with_overrides(
        smtp_host="127.0.0.1", smtp_port=port, win_back_offer="COMEBACK10", win_back_holdout_percent=0
    )
    products = await shop()
    lee = await lapsed("Lee Lapsed")
    await make_order(lee, products["Tent"], products["Stove"], placed_at=ago(200))

    assert await rebuild_co_purchases(settings, NOW) == 4
    assert await rebuild_co_purchases(settings, NOW + timedelta(hours=1)) == 0  # once a day
    assert [p.name for p in await picks_for(lee.id)] == ["Mat", "Lamp"]

    assert await send_win_backs(settings, NOW) == 1
    assert await send_due(settings, datetime.now(UTC) + timedelta(seconds=1)) == 1
    [mail] = mailbox.received
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "COMEBACK10" in text and "- Mat" in text and "- Lamp" in text
    assert "Stove" not in text and "Tent" not in text and "Pack" not in text
    win_back = await WinBack.get(customer=lee)
    assert win_back.products == [products["Mat"].id, products["Lamp"].id]

    # An order with the code counts even after the 30 days; one without it would not.
    coded = await make_order(lee, placed_at=NOW + timedelta(days=45), discount_codes=["comeback10"])
    assert await attribute_win_backs(settings, NOW + timedelta(days=50)) == 1
    assert (await WinBack.get(id=win_back.id)).won_order_id == coded.id


async def test_the_retention_page_shows_the_mailed_against_the_hold_out(
    client: httpx.AsyncClient, settings: Settings, login, carol: StaffUser
) -> None:  # type: ignore[no-untyped-def]
    """Mailed: Ann (50 + 50 in the window), Ben (30), Cy and Di (nothing): 4 customers, 3 orders,
    130.00: 0.750 orders and 32.50 a customer. Held out: Eve (20.00), Fay (an order on day 31,
    outside the window): 2 customers, 1 order, 20.00: 0.500 and 10.00 a customer.
    Difference: 0.250 orders and 22.50 a customer; the mail caused 22.50 × 4 = 90.00."""
    mailed = [await lapsed(name) for name in ("Ann", "Ben", "Cy", "Di")]
    assert await send_win_backs(settings.with_overrides(win_back_holdout_percent=0), NOW) == 4
    held = [await lapsed(name) for name in ("Eve", "Fay")]
    assert await send_win_backs(settings.with_overrides(win_back_holdout_percent=100), NOW) == 0
    assert await WinBack.filter(holdout=True).count() == 2
    assert await OutboxMessage.filter(to_address__in=[c.email for c in held]).count() == 0
    ann, ben = mailed[0], mailed[1]
    await make_order(ann, placed_at=NOW + timedelta(days=3), total="50.00")
    await make_order(ann, placed_at=NOW + timedelta(days=20), total="50.00")
    await make_order(ben, placed_at=NOW + timedelta(days=29), total="30.00")
    cancelled = NOW + timedelta(days=6)
    await make_order(ben, placed_at=NOW + timedelta(days=5), total="80.00", cancelled_at=cancelled)
    await make_order(held[0], placed_at=NOW + timedelta(days=10), total="20.00")
    await make_order(held[1], placed_at=NOW + timedelta(days=31), total="70.00")

    await login(carol)
    page = (await client.get(f"/admin/retention?from={NOW.date()}&to={NOW.date()}")).text
    table = page[page.index('id="win-back-holdout"') :]
    assert cells(table, "Mailed") == ["4", "3", "130.00", "0.750", "32.50"]
    assert cells(table, "Held out (no mail)") == ["2", "1", "20.00", "0.500", "10.00"]
    assert 'id="win-back-lift">22.50<' in table and 'id="win-back-caused">90.00<' in table


def cells(table: str, row: str) -> list[str]:
    start = table.index(f'<th scope="row">{row}</th>')
    line = table[start : table.index("</tr>", start)]
    return [part.split("</td>")[0] for part in line.split('<td class="num">')[1:]]


def test_the_hold_out_is_chosen_the_same_way_every_time(settings: Settings) -> None:
    customers = [Customer(id=n, email=f"c{n}@example.net") for n in range(1, 401)]
    chosen = [c.id for c in customers if held_out(settings, c, NOW)]
    assert chosen == [c.id for c in customers if held_out(settings, c, NOW)]
    assert 20 <= len(chosen) <= 60  # about a tenth of 400
