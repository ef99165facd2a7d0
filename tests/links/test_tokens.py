"""The one link-token mechanism: lifetimes from one table, single use, revocation, one purpose per token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from itsdangerous import URLSafeSerializer

from hub.catalog.models import Customer, Order, OrderLine, Product
from hub.community.profiles import customer_for_profile_token
from hub.config import Settings
from hub.links.legacy import LEGACY_CUTOFF, legacy_signed_customer_id
from hub.links.models import LinkPurpose, LinkToken
from hub.links.tokens import (
    POLICIES,
    LinkExpired,
    LinkUnknown,
    issue_token,
    lifetime,
    resolve_token,
    revoke_links,
    revoke_token,
    token_hash,
    use_token,
)
from hub.mail.preferences import customer_for_token

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
async def dana(db: str) -> Customer:
    """Dana bought a tent."""
    return await Customer.create(email="dana@example.net", name="Dana Buyer")


@pytest.fixture
async def erin(db: str) -> Customer:
    """Erin is another customer, whose links Dana's revocations must not touch."""
    return await Customer.create(email="erin@example.net", name="Erin Other")


@pytest.fixture
async def order(dana: Customer) -> Order:
    tent = await Product.create(external_id="tent-2p", name="Trail Tent")
    order = await Order.create(source="api", external_id="1001", customer=dana, placed_at=NOW)
    await OrderLine.create(order=order, product=tent)
    return order


def test_every_purpose_has_a_lifetime_and_unsubscribe_links_last_a_year() -> None:
    assert set(POLICIES) == set(LinkPurpose)
    assert lifetime(LinkPurpose.UNSUBSCRIBE) >= timedelta(days=365)
    assert all(lifetime(purpose) < timedelta(days=3650) for purpose in LinkPurpose)  # none lives forever


@pytest.mark.parametrize("purpose", list(LinkPurpose))
async def test_a_link_lives_as_long_as_the_table_says_and_no_longer(
    dana: Customer, purpose: LinkPurpose
) -> None:
    raw = await issue_token(purpose, customer=dana, now=NOW)
    end = NOW + lifetime(purpose)
    assert (await resolve_token(raw, purpose, now=end - timedelta(seconds=1))).customer_id == dana.id
    with pytest.raises(LinkExpired):
        await resolve_token(raw, purpose, now=end)


async def test_only_the_hash_is_stored(dana: Customer) -> None:
    raw = await issue_token(LinkPurpose.PROFILE, customer=dana)
    token = await LinkToken.get()
    assert len(raw) >= 43 and token.token_hash == token_hash(raw) and raw not in token.token_hash


@pytest.mark.parametrize("wrong", [p for p in LinkPurpose if p != LinkPurpose.REVIEW])
async def test_a_token_opens_nothing_of_another_purpose(
    dana: Customer, order: Order, wrong: LinkPurpose
) -> None:
    raw = await issue_token(LinkPurpose.REVIEW, customer=dana, order=order)
    with pytest.raises(LinkUnknown):
        await resolve_token(raw, wrong)


@pytest.mark.parametrize("purpose", [p for p in LinkPurpose if POLICIES[p].single_use])
async def test_a_single_use_link_opens_once(dana: Customer, purpose: LinkPurpose) -> None:
    raw = await issue_token(purpose, customer=dana, subject_type="staff", subject_id=1)
    await resolve_token(raw, purpose)  # looking at it does not use it
    assert (await use_token(raw, purpose)).used_at is not None
    for again in (resolve_token, use_token):
        with pytest.raises(LinkUnknown):
            await again(raw, purpose)


async def test_a_reusable_link_opens_again_and_cannot_be_used_up(dana: Customer, order: Order) -> None:
    raw = await issue_token(LinkPurpose.REVIEW, customer=dana, order=order)
    for _ in range(3):
        assert (await resolve_token(raw, LinkPurpose.REVIEW)).order_id == order.id
    with pytest.raises(ValueError, match="not single use"):
        await use_token(raw, LinkPurpose.REVIEW)


async def test_a_revoked_link_opens_nothing(dana: Customer, order: Order) -> None:
    raw = await issue_token(LinkPurpose.REVIEW, customer=dana, order=order)
    assert await revoke_token(raw) is True
    assert await revoke_token(raw) is False
    with pytest.raises(LinkUnknown):
        await resolve_token(raw, LinkPurpose.REVIEW)


async def test_revoking_a_subjects_links_leaves_other_purposes_and_customers_alone(
    dana: Customer, erin: Customer, order: Order
) -> None:
    profiles = [await issue_token(LinkPurpose.PROFILE, customer=dana) for _ in range(2)]
    review = await issue_token(LinkPurpose.REVIEW, customer=dana, order=order)
    erins = await issue_token(LinkPurpose.PROFILE, customer=erin)
    assert await revoke_links(LinkPurpose.PROFILE, customer_id=dana.id) == 2
    for raw in profiles:
        with pytest.raises(LinkUnknown):
            await resolve_token(raw, LinkPurpose.PROFILE)
    assert (await resolve_token(review, LinkPurpose.REVIEW)).customer_id == dana.id
    assert (await resolve_token(erins, LinkPurpose.PROFILE)).customer_id == erin.id
    with pytest.raises(ValueError, match="needs a subject"):
        await revoke_links(LinkPurpose.PROFILE)


async def test_revoking_by_subject_type_and_id(dana: Customer) -> None:
    one = await issue_token(LinkPurpose.ANSWER, customer=dana, subject_type="question", subject_id=7)
    other = await issue_token(LinkPurpose.ANSWER, customer=dana, subject_type="question", subject_id=8)
    assert await revoke_links(LinkPurpose.ANSWER, subject_type="question", subject_id=7) == 1
    with pytest.raises(LinkUnknown):
        await resolve_token(one, LinkPurpose.ANSWER)
    assert (await resolve_token(other, LinkPurpose.ANSWER)).subject_id == 8


async def test_a_revoked_review_link_is_a_404_page(
    client: httpx.AsyncClient, dana: Customer, order: Order
) -> None:
    raw = await issue_token(LinkPurpose.REVIEW, customer=dana, order=order)
    assert (await client.get(f"/r/{raw}")).status_code == 200
    await revoke_links(LinkPurpose.REVIEW, order_id=order.id)
    assert (await client.get(f"/r/{raw}")).status_code == 404


async def test_an_expired_profile_link_no_longer_opens_the_profile_page(
    client: httpx.AsyncClient, settings: Settings, dana: Customer
) -> None:
    old = datetime.now(UTC) - lifetime(LinkPurpose.PROFILE) - timedelta(days=1)
    raw = await issue_token(LinkPurpose.PROFILE, customer=dana, now=old)
    assert await customer_for_profile_token(settings, raw) is None
    assert (await client.get(f"/profile/{raw}")).status_code == 404


# Links mailed before migration 0011: profile and unsubscribe links were signatures.


def _old_signed_link(settings: Settings, salt: str, customer_id: int) -> str:
    return str(URLSafeSerializer(settings.secret_key, salt=salt).dumps(customer_id))


@pytest.mark.parametrize(("salt", "prefix"), [("unsubscribe", "/u/"), ("profile", "/profile/")])
async def test_an_old_signed_link_still_opens_its_page(
    client: httpx.AsyncClient, settings: Settings, dana: Customer, salt: str, prefix: str
) -> None:
    page = await client.get(prefix + _old_signed_link(settings, salt, dana.id))
    assert page.status_code == 200


async def test_old_signed_links_open_only_their_own_page_and_only_until_the_cutoff(
    settings: Settings, dana: Customer
) -> None:
    unsubscribe = _old_signed_link(settings, "unsubscribe", dana.id)
    assert (await customer_for_token(settings, unsubscribe)) == dana
    assert await customer_for_profile_token(settings, unsubscribe) is None
    before = LEGACY_CUTOFF - timedelta(seconds=1)
    assert legacy_signed_customer_id(settings, unsubscribe, "unsubscribe", now=before) == dana.id
    assert legacy_signed_customer_id(settings, unsubscribe, "unsubscribe", now=LEGACY_CUTOFF) is None
    forged = URLSafeSerializer("another-key", salt="unsubscribe").dumps(dana.id)
    assert legacy_signed_customer_id(settings, str(forged), "unsubscribe", now=before) is None
