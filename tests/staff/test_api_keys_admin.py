"""The admin's API key page: create with scopes (shown once), list with last use, revoke."""

from __future__ import annotations

import re

import httpx

from hub.staff.models import ApiKey, AuditEntry, StaffUser
from tests.conftest import csrf_from, log_in


async def _create(
    client: httpx.AsyncClient, name: str = "Shop bridge", scopes: tuple[str, ...] = ("reviews:read",)
) -> httpx.Response:
    token = await csrf_from(client, "/admin/api-keys")
    return await client.post(
        "/admin/api-keys", data={"name": name, "scope": list(scopes), "csrf_token": token}
    )


def _raw_key(page: str) -> str:
    match = re.search(r'<code id="new-api-key">([^<]+)</code>', page)
    assert match, page
    return match.group(1)


async def test_a_key_made_in_the_admin_is_shown_once_and_works_with_its_scopes(
    client: httpx.AsyncClient, alice: StaffUser
) -> None:
    await log_in(client, alice)
    created = await _create(client, scopes=("reviews:read", "metrics:read"))
    assert created.status_code == 200 and "no-store" in created.headers["cache-control"]
    raw = _raw_key(created.text)
    listing = await client.get("/admin/api-keys")
    assert raw not in listing.text and "metrics:read, reviews:read" in listing.text
    used = await client.get("/api/v1/metrics/movement", headers={"Authorization": f"Bearer {raw}"})
    assert used.status_code == 200
    key = await ApiKey.get(name="Shop bridge")
    assert key.last_used_at is not None and key.created_by_id == alice.id  # type: ignore[attr-defined]
    shown = await client.get("/admin/api-keys")
    assert key.last_used_at.strftime("%Y-%m-%d %H:%M") in shown.text
    entry = await AuditEntry.get(action="apikey.created", actor=alice)
    assert raw not in str(entry.detail) and entry.detail["scopes"] == ["metrics:read", "reviews:read"]


async def test_last_use_is_written_at_most_once_a_minute(client: httpx.AsyncClient, alice: StaffUser) -> None:
    await log_in(client, alice)
    raw = _raw_key((await _create(client, scopes=("metrics:read",))).text)
    headers = {"Authorization": f"Bearer {raw}"}
    await client.get("/api/v1/metrics/movement", headers=headers)
    first = (await ApiKey.get(name="Shop bridge")).last_used_at
    await client.get("/api/v1/metrics/movement", headers=headers)
    assert (await ApiKey.get(name="Shop bridge")).last_used_at == first


async def test_a_revoked_key_stops_working_at_once(client: httpx.AsyncClient, alice: StaffUser) -> None:
    await log_in(client, alice)
    raw = _raw_key((await _create(client, scopes=("metrics:read",))).text)
    key = await ApiKey.get(name="Shop bridge")
    token = await csrf_from(client, "/admin/api-keys")
    revoked = await client.post(
        f"/admin/api-keys/{key.id}/revoke", headers={"HX-Request": "true", "X-CSRF-Token": token}
    )
    assert revoked.status_code == 200 and "revoked" in revoked.text
    refused = await client.get("/api/v1/metrics/movement", headers={"Authorization": f"Bearer {raw}"})
    assert refused.status_code == 401
    assert await AuditEntry.filter(action="apikey.revoked", actor=alice, target_id=str(key.id)).exists()


async def test_a_key_without_a_scope_or_a_name_is_refused_next_to_the_form(
    client: httpx.AsyncClient, alice: StaffUser
) -> None:
    await log_in(client, alice)
    no_scope = await _create(client, scopes=())
    assert no_scope.status_code == 422 and "use one or more of" in no_scope.text
    no_name = await _create(client, name="  ")
    assert no_name.status_code == 422 and "give the key a name" in no_name.text
    assert not await ApiKey.exists()


async def test_revoking_needs_the_csrf_token(client: httpx.AsyncClient, alice: StaffUser) -> None:
    await log_in(client, alice)
    await _create(client, scopes=("metrics:read",))
    key = await ApiKey.get(name="Shop bridge")
    assert (await client.post(f"/admin/api-keys/{key.id}/revoke")).status_code == 403
    assert (await ApiKey.get(id=key.id)).revoked_at is None
