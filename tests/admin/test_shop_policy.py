"""Shop policy on /admin/settings and /api/v1/settings: edited, validated next to the field,
audited, and in effect in the web process at once and in a separately started worker."""

from __future__ import annotations

import asyncio
import email
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.admin.settings import change
from hub.advocacy.models import StageSnapshot
from hub.app import create_app
from hub.catalog.models import Customer
from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.mail.outbox import enqueue
from hub.policy.models import PolicyValue
from hub.policy.store import POLICY, LivePolicy, text_of
from hub.reviews.models import Review, ReviewRescan
from hub.reviews.rescans import run_rescans
from hub.staff.apikeys import create_api_key
from hub.staff.models import AuditEntry, StaffUser
from hub.triage.models import Case
from tests.conftest import csrf_from, make_customer, make_order, make_product

SHIPPED = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)


async def save(client: httpx.AsyncClient, section: str, **values: str) -> httpx.Response:
    token = await csrf_from(client, "/admin/settings")
    form = {"csrf_token": token, "section": section, **values}
    return await client.post("/admin/settings/policy", data=form)


async def test_the_page_offers_every_policy_setting_with_its_variable(
    client: httpx.AsyncClient, login, alice: StaffUser
) -> None:  # type: ignore[no-untyped-def]
    await login(alice)
    page = await client.get("/admin/settings")
    assert page.status_code == 200
    for key, policy in POLICY.items():
        assert f'name="{key}"' in page.text, key
        assert policy.setting.var in page.text
    assert "Set by the operator" not in page.text
    assert 'value="7"' in page.text  # the invitation delay the hub started with


async def test_a_change_takes_effect_in_the_web_process_and_is_audited(
    client: httpx.AsyncClient, login, alice: StaffUser, app: Any
) -> None:  # type: ignore[no-untyped-def]
    await login(alice)
    response = await save(client, "Review requests", invite_delay_days="10", invite_trigger="fulfilled")
    assert response.status_code == 303
    assert app.state.settings.invite_delay == timedelta(days=10)
    # An order in now plans its review request ten days after shipping.
    _key, raw = await create_api_key("Store", ["orders:write"])
    order = {
        "id": "1",
        "customer": {"email": "dana@example.net"},
        "placed_at": (SHIPPED - timedelta(days=1)).isoformat(),
        "fulfilled_at": SHIPPED.isoformat(),
        "lines": [{"product": {"id": "SKU", "name": "Tent"}, "price": "10.00"}],
    }
    sent = await client.post("/api/v1/orders", json=order, headers={"Authorization": f"Bearer {raw}"})
    assert sent.json()["invitation_send_at"] == (SHIPPED + timedelta(days=10)).isoformat()
    entry = await AuditEntry.get(action="settings.changed")
    assert (entry.actor_label, entry.target_id) == ("alice@example.com", "invite_delay_days")
    assert entry.detail == {"before": "7", "after": "10", "via": "admin"}
    assert await AuditEntry.filter(action="settings.changed").count() == 1  # the trigger did not change
    page = await client.get(response.headers["location"])
    assert "changed by alice@example.com" in page.text and page.text.count("Saved.") == 1


async def test_a_bad_value_is_named_next_to_its_field_and_nothing_is_stored(
    client: httpx.AsyncClient, login, alice: StaffUser, app: Any
) -> None:  # type: ignore[no-untyped-def]
    await login(alice)
    response = await save(client, "Customer stages", stage_new_days="0", stage_at_risk_factor="lots")
    assert response.status_code == 422
    assert (
        '<p class="error" id="err-stage_new_days" role="alert">is out of range: use 1–3650</p>'
        in response.text
    )
    assert 'id="err-stage_at_risk_factor"' in response.text and 'value="lots"' in response.text
    assert not await PolicyValue.exists()
    assert app.state.settings.stage_new_days == 90


@pytest.fixture(params=["agent", "moderator"])
async def not_admin(request: pytest.FixtureRequest, db: str, password_hash: str) -> StaffUser:
    role = request.param
    return await StaffUser.create(email=f"{role}@example.com", roles=role, password_hash=password_hash)


async def test_only_admins_change_policy(client: httpx.AsyncClient, login, not_admin: StaffUser) -> None:  # type: ignore[no-untyped-def]
    await login(not_admin)
    assert (await client.get("/admin/settings")).status_code == 403
    form = {"csrf_token": await csrf_from(client, "/admin"), "invite_delay_days": "1"}
    assert (await client.post("/admin/settings/policy", data=form)).status_code == 403
    assert not await PolicyValue.exists()


async def test_an_unticked_box_turns_its_setting_off(
    client: httpx.AsyncClient, login, alice: StaffUser, app: Any
) -> None:  # type: ignore[no-untyped-def]
    await login(alice)
    assert app.state.settings.auto_publish is True
    await save(client, "Moderation", auto_approve_photos="true", profanity_action="hold")
    assert (app.state.settings.auto_publish, app.state.settings.auto_approve_photos) == (False, True)


async def test_the_environment_gives_the_starting_value(
    settings: Settings, db: str, password_hash: str
) -> None:
    started = settings.with_overrides(invite_delay=timedelta(days=3), brand_name="Env Brand")
    app = create_app(started)
    admin = await StaffUser.create(email="ann@example.com", roles="admin", password_hash=password_hash)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            from tests.conftest import log_in

            await log_in(client, admin)
            page = (await client.get("/admin/settings")).text
            assert 'name="invite_delay_days" value="3"' in page and 'value="Env Brand"' in page


async def test_a_second_web_process_takes_the_change_up(settings: Settings, db: str) -> None:
    """Two apps on one database stand for two web processes: the other reads the change."""
    other = LivePolicy(settings)
    assert not await other.refresh(force=True)
    admin = await StaffUser.create(email="ann@example.com", roles="admin", password_hash="x")
    await change(LivePolicy(settings), {"brand_name": "Renamed Shop"}, admin, via="admin")
    assert await other.refresh(force=True)
    assert other.settings.brand_name == "Renamed Shop"
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            page = await client.get("/login")
    assert "Renamed Shop" in page.text


def _worker_env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "HUB_DATA_DIR": str(settings.data_dir),
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_SECRET_KEY": settings.secret_key,
        "HUB_ENV": "test",
        "HUB_BRAND_NAME": settings.brand_name,
        "HUB_BASE_URL": settings.base_url,
    }


async def _sent_from(settings: Settings, to: str, worker: asyncio.subprocess.Process) -> str:
    """The From header of the mail to ``to`` once the worker wrote it (mail goes to files)."""
    for _ in range(300):
        assert worker.returncode is None, "the worker stopped"
        message = await OutboxMessage.get_or_none(to_address=to, status="sent")
        if message is not None:
            for path in (settings.data_dir / "mail").glob("*.eml"):
                parsed = email.message_from_bytes(path.read_bytes())
                if parsed["To"] == to:
                    return str(parsed["From"])
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail to {to} within 30 s")


async def test_a_running_worker_uses_a_change_without_a_restart(
    settings: Settings, db: str, tmp_path: Path
) -> None:
    log = (tmp_path / "worker.log").open("wb")
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hub", "worker", env=_worker_env(settings), stdout=log, stderr=log
    )
    try:
        context = {"name": "Dana"}
        await enqueue(settings, kind="test", template="test_message", context=context, to="one@example.net")
        assert "Acme Outdoors" in await _sent_from(settings, "one@example.net", worker)
        admin = await StaffUser.create(email="ann@example.com", roles="admin", password_hash="x")
        await change(LivePolicy(settings), {"mail_from_name": "Acme Support Team"}, admin, via="admin")
        await enqueue(settings, kind="test", template="test_message", context=context, to="two@example.net")
        assert "Acme Support Team" in await _sent_from(settings, "two@example.net", worker)
    finally:
        worker.terminate()
        await asyncio.wait_for(worker.wait(), timeout=20)
        log.close()


@pytest.fixture
async def settings_key(db: str, alice: StaffUser) -> dict[str, str]:
    _key, raw = await create_api_key("Installer", ["settings:write"], created_by=alice)
    return {"Authorization": f"Bearer {raw}"}


async def test_the_settings_api_reads_and_changes_policy(
    client: httpx.AsyncClient, settings_key: dict[str, str], app: Any
) -> None:
    listed = await client.get("/api/v1/settings", headers=settings_key)
    assert listed.status_code == 200
    assert set(listed.json()["settings"]) == set(POLICY)
    assert listed.json()["settings"]["agent_case_cap"]["value"] == "25"
    patched = await client.patch(
        "/api/v1/settings", json={"agent_case_cap": 5, "auto_assign": True}, headers=settings_key
    )
    assert patched.status_code == 200
    body = patched.json()["settings"]
    assert (body["agent_case_cap"]["value"], body["auto_assign"]["value"]) == ("5", "true")
    assert body["agent_case_cap"]["changed_by"] == "alice@example.com"
    assert (app.state.settings.agent_case_cap, app.state.settings.auto_assign) == (5, True)
    entry = await AuditEntry.filter(target_id="agent_case_cap").first()
    assert entry is not None and entry.detail["via"].startswith("API key Installer")


async def test_the_settings_api_refuses_bad_values_and_other_scopes(
    client: httpx.AsyncClient, settings_key: dict[str, str]
) -> None:
    bad = await client.patch(
        "/api/v1/settings",
        json={"agent_case_cap": 0, "database_url": "x", "mail_accent_colour": "red"},
        headers=settings_key,
    )
    assert bad.status_code == 422
    reasons = {e["path"]: e["reason"] for e in bad.json()["errors"]}
    assert reasons == {
        "agent_case_cap": "is out of range: use 1–10000",
        "database_url": "is not a shop-policy setting",
        "mail_accent_colour": "must be a colour written #rrggbb, e.g. #2c5fd8",
    }
    assert not await PolicyValue.exists()
    _key, raw = await create_api_key("Reader", ["metrics:read"])
    assert (
        await client.get("/api/v1/settings", headers={"Authorization": f"Bearer {raw}"})
    ).status_code == 403
    assert (await client.patch("/api/v1/settings", json={"agent_case_cap": 3})).status_code == 401
    empty = await client.patch("/api/v1/settings", json=[], headers=settings_key)
    assert empty.status_code == 422


async def test_the_stage_preview_counts_customers_under_the_proposed_thresholds(
    client: httpx.AsyncClient, login, alice: StaffUser
) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    for name in ("Two Orders", "Also Two"):
        buyer = await make_customer(name, created=now - timedelta(days=300))
        await make_order(buyer, placed_at=now - timedelta(days=200))
        await make_order(buyer, placed_at=now - timedelta(days=100))
    await login(alice)
    token = await csrf_from(client, "/admin/settings")
    form = {"csrf_token": token, "section": "Customer stages", "stage_loyal_orders": "2"}
    page = await client.post("/admin/settings/preview", data=form)
    assert page.status_code == 200
    row = page.text.split('<th scope="row">loyal</th>')[1].split("</tr>")[0]
    assert row == '<td class="num">0</td><td class="num">2</td>'
    assert 'name="stage_loyal_orders" value="2"' in page.text and "Nothing is saved yet." in page.text
    assert not await PolicyValue.exists()
    assert not await StageSnapshot.exists()


async def test_the_sla_preview_counts_cases_that_would_be_overdue(
    client: httpx.AsyncClient, login, alice: StaffUser
) -> None:  # type: ignore[no-untyped-def]
    customer = await make_customer()
    opened = datetime.now(UTC) - timedelta(hours=10)
    case = await Case.create(
        reference="C-1",
        customer=customer,
        subject="Late parcel",
        priority="normal",
        first_response_due_at=opened + timedelta(hours=24),
        resolution_due_at=opened + timedelta(hours=72),
    )
    await Case.filter(id=case.id).update(created_at=opened)
    await login(alice)
    token = await csrf_from(client, "/admin/settings")
    form = {"csrf_token": token, "section": "Support", "sla_hours": "normal=8/72"}
    page = await client.post("/admin/settings/preview", data=form)
    row = page.text.split("overdue for a first response</th>")[1].split("</tr>")[0]
    assert row == '<td class="num">0</td><td class="num">1</td>'


async def test_a_new_word_list_holds_stored_reviews_that_use_it(
    client: httpx.AsyncClient, login, alice: StaffUser, settings: Settings, app: Any
) -> None:  # type: ignore[no-untyped-def]
    product = await make_product()
    customer = await make_customer()
    now = datetime.now(UTC)
    review = await Review.create(
        product=product,
        customer=customer,
        rating=1,
        body="What a grotbag of a tent.",
        status="published",
        submitted_at=now,
        published_at=now,
    )
    assert await run_rescans(app.state.settings, now) == 0  # the list the reviews came under
    await login(alice)
    response = await save(
        client, "Moderation", auto_publish="true", profanity_words="grotbag, dreck", profanity_action="hold"
    )
    assert response.status_code == 303
    assert await run_rescans(app.state.settings, datetime.now(UTC)) == 1
    held = await Review.get(id=review.id)
    assert (held.status, held.status_reason) == ("pending", "profanity")
    rescan = await ReviewRescan.filter(reason="the word list changed").first()
    assert rescan is not None and (rescan.checked, rescan.total, rescan.held) == (1, 1, 1)
    page = await client.get("/admin/settings")
    assert "1 checked, 1 held, 0 masked, 0 released" in page.text
    assert "dreck, grotbag" in page.text
    assert await run_rescans(app.state.settings, datetime.now(UTC)) == 0


async def test_the_mails_carry_the_brand(settings: Settings, db: str) -> None:
    admin = await StaffUser.create(email="ann@example.com", roles="admin", password_hash="x")
    live = LivePolicy(settings)
    branding = {"mail_logo_url": "https://shop.example/logo.png", "mail_accent_colour": "#AA3300"}
    await change(live, branding, admin, via="admin")
    customer = await Customer.create(email="dana@example.net", name="Dana")
    message = await enqueue(
        live.settings, kind="test", template="test_message", context={"name": "Dana"}, to=customer.email
    )
    assert message is not None
    assert '<img src="https://shop.example/logo.png" alt="Acme Outdoors"' in message.html_body
    assert "border-top:4px solid #aa3300" in message.html_body


async def test_the_score_weights_and_referral_points_are_the_shops(
    client: httpx.AsyncClient, settings_key: dict[str, str], app: Any
) -> None:
    from hub.advocacy.models import PointsEntry
    from hub.advocacy.referral_rewards import reward_matured_referrals
    from hub.advocacy.referrals import code_for
    from hub.advocacy.snapshots import restage_customers

    now = datetime.now(UTC)
    ada = await make_customer("Ada Advocate", created=now - timedelta(days=400))
    await make_order(ada, placed_at=now - timedelta(days=1), total="2000.00")
    await restage_customers(app.state.settings, [ada.id], now)
    before = (await Customer.get(id=ada.id)).advocate_score
    zero = ("reviews", "review_length", "photos", "helpful_votes", "promoter", "referrals", "answers")
    weights = "recency=50,frequency=10,value=40," + ",".join(f"{part}=0" for part in zero)
    changed = {"score_weights": weights, "referral_points": "80"}
    assert (await client.patch("/api/v1/settings", json=changed, headers=settings_key)).status_code == 200
    await restage_customers(app.state.settings, [ada.id], now)
    after = (await Customer.get(id=ada.id)).advocate_score
    assert (before, after) == (round(15 + 10 / 6 + 10), round(50 + 10 / 6 + 40))
    _key, raw = await create_api_key("Store", ["orders:write"])
    order = {
        "id": "R-1",
        "customer": {"email": "friend@example.net"},
        "placed_at": now.isoformat(),
        "referral_code": (await code_for(ada)).code,
        "lines": [{"product": {"id": "SKU", "name": "Tent"}, "price": "10.00"}],
    }
    await client.post("/api/v1/orders", json=order, headers={"Authorization": f"Bearer {raw}"})
    await reward_matured_referrals(app.state.settings, now + timedelta(days=31))  # past the window
    assert await PointsEntry.filter(customer=ada).values_list("points", flat=True) == [80]


# A value other than the default for each shop-policy setting, as an admin would type it.
NEW_VALUES = {
    "brand_name": "Trail & Co",
    "support_email": "help@trail.example",
    "invite_trigger": "delivered",
    "invite_delay_days": "12",
    "reminder_delay_days": "9",
    "invite_expiry_days": "60",
    "auto_publish": "false",
    "auto_approve_photos": "true",
    "profanity_action": "mask",
    "profanity_words": "dreck, grotbag",
    "sla_hours": "urgent=2/6,high=4/24,normal=12/48,low=72/168",
    "auto_assign": "true",
    "agent_case_cap": "12",
    "assignment_mode": "least_loaded",
    "business_hours": "mon-fri 08:00-17:00, sat 10:00-14:00",
    "time_zone": "Europe/Berlin",
    "follow_up_days": "4",
    "stage_new_days": "60",
    "stage_active_days": "100",
    "stage_dormant_days": "200",
    "stage_loyal_window_days": "300",
    "stage_loyal_orders": "4",
    "stage_loyal_orders_with_promoter": "3",
    "stage_at_risk_factor": "2",
    "stage_promoter_nps": "10",
    "stage_positive_rating": "5",
    "lifespan_years": "3.5",
    "score_weights": "recency=20,frequency=10,value=10,reviews=10,review_length=5,photos=10,"
    "helpful_votes=10,promoter=10,referrals=10,answers=5",
    "advocate_score_bar": "70",
    "referral_points": "75",
    "win_back_quiet_days": "90",
    "mail_cap": "2",
    "mail_cap_days": "14",
    "mail_from_name": "Trail Team",
    "mail_logo_url": "https://trail.example/logo.png",
    "mail_accent_colour": "#117733",
    "win_back_offer": "COMEBACK15",
    "points_per_currency_unit": "2",
    "points_return_window_days": "14",
    "points_for_review": "25",
    "points_for_photo_review": "40",
    "review_reward_pool": "thanks",
    "photo_review_reward_pool": "thanks-photo",
    "points_for_birthday": "100",
    "points_for_public_profile": "20",
    "points_for_answer": "15",
    "points_expiry_days": "365",
    "points_expiry_reminder_days": "30",
    "point_value": "0.02",
    "points_rewards": "5-off=500,10-off=900",
    "code_pool_low": "25",
    "tiers": "Silver: spend 200; Gold: spend 500, x1.5, birthday 300, early access",
    "tier_window_days": "180",
    "tier_warning_days": "14",
    "badge_rules": "first_review, top_contributor",
    "referral_reward": "code",
    "referral_return_days": "14",
    "referral_limit": "5",
    "referral_limit_days": "60",
    "referral_welcome_pool": "welcome",
    "referral_reward_pool": "thanks",
    "win_back_pool": "win-back",
    "win_back_holdout_percent": "20",
}


def test_every_policy_setting_has_a_new_value_to_try() -> None:
    assert set(NEW_VALUES) == set(POLICY)


@pytest.mark.parametrize("key", sorted(NEW_VALUES))
async def test_each_setting_changed_on_the_page_is_in_effect_at_once(
    client: httpx.AsyncClient, login, alice: StaffUser, app: Any, key: str
) -> None:  # type: ignore[no-untyped-def]
    """The form as a browser sends it: the section's values as shown, one of them changed."""
    await login(alice)
    section = POLICY[key].section
    shown_now = {k: text_of(app.state.settings, k) for k, p in POLICY.items() if p.section == section}
    form = {k: v for k, v in {**shown_now, key: NEW_VALUES[key]}.items() if v != "false"}
    response = await save(client, section, **form)
    assert response.status_code == 303, response.text
    assert getattr(app.state.settings, POLICY[key].name) == POLICY[key].parse(NEW_VALUES[key])
    changed = await AuditEntry.filter(action="settings.changed").values_list("target_id", flat=True)
    assert changed == [key]
