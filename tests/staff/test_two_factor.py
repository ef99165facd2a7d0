"""Two-factor sign-in: enrolment, sign-in with a code or a recovery code, the admin's rule."""

from __future__ import annotations

import httpx

from hub.staff.lockout import PAIR_LIMIT
from hub.staff.models import AuditEntry, RecoveryCode, StaffUser
from tests.conftest import csrf_from, log_in
from tests.staff.conftest import ClientFrom, code_for, enrol, fresh, submit_code


async def _sign_out(client: httpx.AsyncClient) -> None:
    await client.post("/logout", data={"csrf_token": await csrf_from(client, "/admin")})


async def test_enrolment_shows_a_qr_code_and_turns_two_factor_on_with_ten_recovery_codes(
    client: httpx.AsyncClient, alice: StaffUser
) -> None:
    await log_in(client, alice)
    page = await client.get("/account/two-factor")
    assert page.status_code == 200 and "<svg" in page.text and "no-store" in page.headers["cache-control"]
    secret, codes = await enrol(client)
    assert len(codes) == len(set(codes)) == 10
    user = await fresh(alice)
    assert user.has_two_factor and secret not in user.totp_secret
    stored = await RecoveryCode.filter(user_id=alice.id).values_list("code_hash", flat=True)
    assert not set(codes) & set(stored)
    assert await AuditEntry.filter(action="staff.two_factor_enabled", actor=alice).exists()
    again = await client.get("/account/two-factor")
    assert codes[0] not in again.text and secret not in again.text


async def test_a_wrong_first_code_leaves_two_factor_off(client: httpx.AsyncClient, alice: StaffUser) -> None:
    await log_in(client, alice)
    token = await csrf_from(client, "/account/two-factor")
    response = await client.post("/account/two-factor", data={"code": "000000", "csrf_token": token})
    assert response.status_code == 422 and "not right" in response.text
    assert not (await fresh(alice)).has_two_factor


async def test_sign_in_asks_for_the_code_after_the_password_and_opens_nothing_before(
    client: httpx.AsyncClient, alice: StaffUser
) -> None:
    await log_in(client, alice)
    secret, _codes = await enrol(client)
    await _sign_out(client)
    response = await log_in(client, alice)
    assert response.headers["location"] == "/login/two-factor"
    assert (await client.get("/admin")).status_code == 303
    assert (await submit_code(client, "123456")).status_code == 400
    signed_in = await submit_code(client, code_for(secret, 1))
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/admin"
    assert (await client.get("/admin")).status_code == 200
    entry = await AuditEntry.filter(action="staff.login", actor=alice).order_by("-id").first()
    assert entry is not None and entry.detail == {"method": "totp"}


async def test_a_code_cannot_be_used_twice(client: httpx.AsyncClient, alice: StaffUser) -> None:
    await log_in(client, alice)
    secret, _codes = await enrol(client)
    await _sign_out(client)
    await log_in(client, alice)
    code = code_for(secret, 1)  # one code: a second computed later may fall in the next step
    assert (await submit_code(client, code)).status_code == 303
    await _sign_out(client)
    await log_in(client, alice)
    assert (await submit_code(client, code)).status_code == 400


async def test_a_recovery_code_signs_in_once(client: httpx.AsyncClient, alice: StaffUser) -> None:
    await log_in(client, alice)
    _secret, codes = await enrol(client)
    await _sign_out(client)
    await log_in(client, alice)
    assert (await submit_code(client, codes[3].upper())).status_code == 303
    assert await AuditEntry.filter(action="staff.recovery_code_used", actor=alice).exists()
    await _sign_out(client)
    await log_in(client, alice)
    assert (await submit_code(client, codes[3])).status_code == 400


async def test_wrong_codes_lock_that_address_like_wrong_passwords(
    client_from: ClientFrom, client: httpx.AsyncClient, alice: StaffUser
) -> None:
    await log_in(client, alice)
    secret, _codes = await enrol(client)
    guesser = await client_from("203.0.113.30")
    await log_in(guesser, alice)
    statuses = [(await submit_code(guesser, f"{n:06d}")).status_code for n in range(PAIR_LIMIT)]
    assert statuses[-1] == 429
    assert (await submit_code(guesser, code_for(secret, 1))).status_code == 429


async def test_the_second_step_expires_with_the_pending_marker_only(
    client: httpx.AsyncClient, alice: StaffUser
) -> None:
    response = await client.get("/login/two-factor")
    assert response.status_code == 303 and response.headers["location"].endswith("/login")


async def _require_two_factor(admin: httpx.AsyncClient, on: bool = True) -> None:
    token = await csrf_from(admin, "/admin/staff")
    data = {"csrf_token": token, **({"require_two_factor": "on"} if on else {})}
    assert (await admin.post("/admin/staff/policy", data=data)).status_code == 303


async def test_when_the_admin_requires_two_factor_staff_without_it_are_sent_to_enrol(
    client_from: ClientFrom, client: httpx.AsyncClient, alice: StaffUser, bob: StaffUser
) -> None:
    bob_client = await client_from("198.51.100.20")
    await log_in(bob_client, bob)
    assert (await bob_client.get("/admin/cases")).status_code == 200
    await log_in(client, alice)
    await _require_two_factor(client)
    assert await AuditEntry.filter(action="staff.policy_changed", actor=alice).exists()
    sent = await bob_client.get("/admin/cases")
    assert sent.status_code == 303 and sent.headers["location"] == "/account/two-factor"
    await enrol(bob_client)
    assert (await bob_client.get("/admin/cases")).status_code == 200


async def test_a_new_sign_in_without_two_factor_lands_on_enrolment_when_required(
    client_from: ClientFrom, client: httpx.AsyncClient, alice: StaffUser, bob: StaffUser
) -> None:
    await log_in(client, alice)
    await _require_two_factor(client)
    bob_client = await client_from("198.51.100.21")
    response = await log_in(bob_client, bob)
    assert response.headers["location"] == "/account/two-factor"
    blocked = await bob_client.get("/admin", headers={"HX-Request": "true"})
    assert blocked.headers.get("HX-Redirect") == "/account/two-factor"


async def test_two_factor_cannot_be_turned_off_by_its_owner_while_required(
    client: httpx.AsyncClient, alice: StaffUser
) -> None:
    await log_in(client, alice)
    secret, _codes = await enrol(client)
    await _require_two_factor(client)
    token = await csrf_from(client, "/account/two-factor")
    response = await client.post(
        "/account/two-factor/off", data={"code": code_for(secret, 1), "csrf_token": token}
    )
    assert response.status_code == 422 and "requires two-factor" in response.text
    assert (await fresh(alice)).has_two_factor


async def test_its_owner_turns_two_factor_off_with_a_current_code(
    client: httpx.AsyncClient, alice: StaffUser
) -> None:
    await log_in(client, alice)
    secret, _codes = await enrol(client)
    token = await csrf_from(client, "/account/two-factor")
    response = await client.post(
        "/account/two-factor/off", data={"code": code_for(secret, 1), "csrf_token": token}
    )
    assert response.status_code == 303
    assert not (await fresh(alice)).has_two_factor
    assert not await RecoveryCode.filter(user_id=alice.id).exists()
