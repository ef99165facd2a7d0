"""Lockout per (account, address) and per address: strangers cannot lock the admin out."""

from __future__ import annotations

import httpx

from hub.staff.lockout import ADDRESS_LIMIT, PAIR_LIMIT
from hub.staff.models import StaffUser
from tests.conftest import csrf_from, post_login
from tests.staff.conftest import ClientFrom


async def _fail(client: httpx.AsyncClient, email: str, times: int) -> list[int]:
    token = await csrf_from(client, "/login")
    return [
        (await post_login(client, email, "not the password at all", token)).status_code for _ in range(times)
    ]


async def test_failures_from_many_addresses_do_not_lock_the_admin_out(
    client_from: ClientFrom, alice: StaffUser
) -> None:
    for n in range(6):
        stranger = await client_from(f"203.0.113.{n + 1}")
        statuses = await _fail(stranger, alice.email, PAIR_LIMIT + 1)
        assert statuses[-1] == 429  # that stranger's address is locked for alice
    own = await client_from("198.51.100.7")
    assert (await post_login(own, alice.email)).status_code == 303
    assert (await own.get("/admin")).status_code == 200


async def test_an_address_that_keeps_failing_for_one_account_is_locked_for_it(
    client_from: ClientFrom, alice: StaffUser
) -> None:
    stranger = await client_from("203.0.113.9")
    statuses = await _fail(stranger, alice.email, PAIR_LIMIT)
    assert statuses == [400] * (PAIR_LIMIT - 1) + [429]
    refused = await post_login(stranger, alice.email)
    assert refused.status_code == 429 and "Too many failed attempts" in refused.text
    assert (await stranger.get("/admin")).status_code == 303


async def test_an_address_spraying_many_accounts_is_locked_for_all_of_them(
    client_from: ClientFrom, alice: StaffUser, bob: StaffUser
) -> None:
    sprayer = await client_from("203.0.113.20")
    token = await csrf_from(sprayer, "/login")
    statuses = [
        (await post_login(sprayer, f"guess{n}@example.com", "Summer2026!", token)).status_code
        for n in range(ADDRESS_LIMIT)
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {400}
    assert (await post_login(sprayer, bob.email, token=token)).status_code == 429
    elsewhere = await client_from("198.51.100.8")
    assert (await post_login(elsewhere, bob.email)).status_code == 303


async def test_a_successful_sign_in_clears_the_failures_of_its_own_pair(
    client_from: ClientFrom, alice: StaffUser
) -> None:
    own = await client_from("198.51.100.9")
    assert await _fail(own, alice.email, PAIR_LIMIT - 1) == [400] * (PAIR_LIMIT - 1)
    assert (await post_login(own, alice.email)).status_code == 303
    other = await client_from("198.51.100.9")
    assert await _fail(other, alice.email, PAIR_LIMIT - 1) == [400] * (PAIR_LIMIT - 1)
