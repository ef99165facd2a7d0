"""VIP tiers, birthdays and automatic badges: the nightly passes, their mail, and where staff see them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from hub.advocacy.auto_badges import award_badges
from hub.advocacy.birthdays import send_birthdays
from hub.advocacy.models import Award, BirthdayReward, PointsEntry, TierChange
from hub.advocacy.tiers import assign_tiers
from hub.catalog.models import Customer, Product
from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.mail.outbox import unsubscribe_url
from hub.mail.sender import send_due
from hub.policy.models import PolicyValue
from hub.policy.store import apply
from hub.reviews.models import Review
from tests.advocacy.conftest import NOW, ago
from tests.conftest import csrf_from, make_customer, make_order
from tests.mail.conftest import MailCollector, smtp_server, smtp_settings  # noqa: F401  (aiosmtpd)

TIERS = "Silver: spend 200; Gold: spend 500, x1.5, birthday 300, early access"


def with_tiers(settings: Settings) -> Settings:
    return apply(settings, {"tiers": TIERS, "tier_window_days": "365", "tier_warning_days": "30"})


def subjects(collector: MailCollector) -> list[str]:
    return sorted(str(message["Subject"]) for message in collector.received)


async def test_a_customer_moves_up_is_warned_before_the_window_drops_them_then_moves_down(
    db: str,
    smtp_settings: Settings,  # noqa: F811
    smtp_server: tuple[MailCollector, int],  # noqa: F811
) -> None:
    settings, (collector, _port) = with_tiers(smtp_settings), smtp_server
    gail = await make_customer("Gail Gold")
    await make_order(gail, placed_at=ago(300), total="300.00")
    await make_order(gail, placed_at=ago(20), total="250.00")

    assert await assign_tiers(settings, NOW) == 1  # up: one mail
    assert await assign_tiers(settings, NOW) == 0  # the day's pass is done
    await send_due(settings, NOW)
    assert (await Customer.get(id=gail.id)).tier == "Gold"
    assert subjects(collector) == ["You are now Gold at Acme Outdoors"]
    assert "1.5 times the points" in collector.received[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]

    warned = NOW + timedelta(days=40)  # in 30 days the 300 ordered 300 days ago leaves the window
    assert await assign_tiers(settings, warned) == 1
    assert await assign_tiers(settings, warned + timedelta(days=1)) == 0  # one warning a period
    await send_due(settings, warned)
    by = (warned + timedelta(days=30)).date().isoformat()
    assert subjects(collector)[0] == f"Keep Gold at Acme Outdoors: spend 250.00 more by {by}"

    dropped = NOW + timedelta(days=70)
    assert await assign_tiers(settings, dropped) == 0  # down: no mail
    assert (await Customer.get(id=gail.id)).tier == "Silver"
    changes = (
        await TierChange.filter(customer=gail)
        .order_by("day")
        .values_list("from_tier", "to_tier", "direction")
    )
    assert changes == [("", "Gold", 1), ("Gold", "Silver", -1)]
    await send_due(settings, dropped)
    assert len(collector.received) == 2


async def test_staff_filter_customers_by_tier_see_the_moves_and_export_early_access(
    db: str, settings: Settings, client: httpx.AsyncClient, login, bob
) -> None:  # type: ignore[no-untyped-def]
    await PolicyValue.create(key="tiers", value=TIERS)  # as saved on Admin → Settings
    gail, sam, nora = [await make_customer(name) for name in ("Gail Gold", "Sam Silver", "Nora None")]
    await make_order(gail, placed_at=ago(10), total="600.00")
    await make_order(sam, placed_at=ago(10), total="250.00")
    await make_order(nora, placed_at=ago(10), total="20.00")
    await assign_tiers(with_tiers(settings), NOW - timedelta(days=5))
    await make_order(gail, placed_at=ago(400), total="1.00")  # nothing changes for her
    await Customer.filter(id=sam.id).update(tier="Gold")  # as if Sam had been Gold
    await assign_tiers(with_tiers(settings), NOW)
    await login(bob)

    gold = await client.get("/admin/customers?tier=Gold")
    assert "Gail Gold" in gold.text and "Sam Silver" not in gold.text and "Nora None" not in gold.text
    untiered = await client.get("/admin/customers?tier=none")
    assert "Nora None" in untiered.text and "Gail Gold" not in untiered.text
    refused = await client.get("/admin/customers?tier=Platinum")
    assert refused.status_code == 422 and "<strong>tier</strong>" in refused.text

    period = {"from": (NOW - timedelta(days=30)).date().isoformat(), "to": NOW.date().isoformat()}
    movement = await client.get("/admin/movement", params=period)
    assert "<strong>2</strong> customers moved up a tier, <strong>1</strong> moved down" in movement.text

    export = await client.get("/admin/tiers/early-access.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert export.text.splitlines()[1:] == [
        f"{gail.email},Gail Gold,Gold,{(NOW - timedelta(days=5)).date()},en"
    ]
    page = await client.get(f"/admin/customers/{gail.id}")
    assert "Tier: <strong>Gold</strong>" in page.text


async def test_a_birthday_given_on_the_preferences_page_is_celebrated_once_a_year(
    db: str,
    client: httpx.AsyncClient,
    smtp_settings: Settings,  # noqa: F811
    smtp_server: tuple[MailCollector, int],  # noqa: F811
) -> None:
    settings = with_tiers(smtp_settings).with_overrides(time_zone="Pacific/Auckland", points_for_birthday=100)
    lea = await make_customer("Lea Leap")
    link = (await unsubscribe_url(settings, lea)).removeprefix(settings.base_url)
    token = await csrf_from(client, link)
    form = {"csrf_token": token, "kind": ["thanks", "offers"], "birthday_month": "2"}

    refused = await client.post(f"{link}/preferences", data={**form, "birthday_day": "30"})
    assert refused.status_code == 422
    assert "<strong>birthday_day</strong>: must be a day from 1 to 29 in February" in refused.text
    assert (await Customer.get(id=lea.id)).birthday is None
    saved = await client.post(f"{link}/preferences", data={**form, "birthday_day": "29"})
    assert saved.status_code == 200 and "Your choices are saved" in saved.text
    assert (await Customer.get(id=lea.id)).birthday == "02-29"

    # 27 February, noon in UTC, is 28 February in Auckland: Lea's day in a year without a 29th.
    day = datetime(2027, 2, 27, 12, 0, tzinfo=UTC)
    assert await send_birthdays(settings, day - timedelta(days=1)) == 0
    assert await send_birthdays(settings, day) == 1
    assert await send_birthdays(settings, day + timedelta(hours=6)) == 0
    await send_due(settings, day)
    assert subjects(smtp_server[0]) == ["Happy birthday from Acme Outdoors, Lea"]
    assert "100 points" in smtp_server[0].received[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert await send_birthdays(settings, datetime(2028, 2, 28, 12, 0, tzinfo=UTC)) == 1  # the 29th there
    rewards = await BirthdayReward.filter(customer=lea).order_by("year").values_list("year", flat=True)
    assert rewards == [2027, 2028]
    assert await PointsEntry.filter(customer=lea, reason="birthday").count() == 2


async def _review(customer: Customer, product: Product, **fields: object) -> Review:
    values: dict[str, object] = {"status": "published", "published_at": ago(40), **fields}
    return await Review.create(
        product=product,
        customer=customer,
        rating=5,
        body="Stayed dry all night.",
        submitted_at=ago(41),
        **values,
    )


async def test_each_badge_rule_gives_its_badge_once_and_mails_only_who_accepts_thanks(
    db: str,
    smtp_settings: Settings,  # noqa: F811
    smtp_server: tuple[MailCollector, int],  # noqa: F811
) -> None:
    product = await Product.create(external_id="P-tent", name="Trail Tent")
    rita = await make_customer("Rita Reviewer", profile_opt_in_at=ago(100), profile_name="Rita")
    await make_order(rita, placed_at=ago(400))
    for _ in range(5):
        await _review(rita, product, has_photos=True, helpful_count=2)
    otto = await make_customer("Otto Out", mail_opt_outs=["thanks"])
    await _review(otto, product, published_at=ago(5))
    await _review(await make_customer("Hidden Hal"), product, status="pending", published_at=None)

    assert await award_badges(smtp_settings, NOW, force=True) == 6 + 5  # badges given, thank-yous queued
    assert await award_badges(smtp_settings, NOW, force=True) == 0
    badges = await Award.filter(customer=rita).values_list("badge", flat=True)
    assert sorted(badges) == [
        "first_review",
        "helpful_voice",
        "loyal_year",
        "photo_pro",
        "top_contributor:2025-05",
    ]
    assert await Award.filter(customer=otto).values_list("badge", flat=True) == ["first_review"]
    assert await Award.filter(customer__name="Hidden Hal").count() == 0

    await send_due(smtp_settings, NOW)
    received = smtp_server[0].received
    assert len(received) == 5 and {str(m["To"]) for m in received} == {rita.email}
    assert not await OutboxMessage.filter(to_address=otto.email).exists()
    assert any(
        "Top contributor" in str(m["Subject"]) or "top contributor" in str(m["Subject"]) for m in received
    )
