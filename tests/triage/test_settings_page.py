from __future__ import annotations

import httpx

from hub.staff.models import AuditEntry, StaffUser
from hub.triage.models import CannedResponse
from tests.conftest import csrf_from, log_in


async def test_an_agent_cannot_open_the_settings(client: httpx.AsyncClient, bob: StaffUser) -> None:
    await log_in(client, bob)
    assert (await client.get("/admin/settings")).status_code == 403


async def test_an_admin_adds_edits_and_deletes_canned_responses(
    client: httpx.AsyncClient, alice: StaffUser
) -> None:
    await log_in(client, alice)
    token = await csrf_from(client, "/admin/settings")
    created = await client.post(
        "/admin/settings/canned", data={"csrf_token": token, "title": "Sorry", "body": "Hi {first_name}"}
    )
    assert created.status_code == 303
    canned = await CannedResponse.get(title="Sorry")
    await client.post(
        f"/admin/settings/canned/{canned.id}", data={"csrf_token": token, "title": "Apology", "body": "Hello"}
    )
    assert (await CannedResponse.get(id=canned.id)).title == "Apology"
    page = await client.get("/admin/settings")
    assert "Apology" in page.text and "8.0 h" in page.text
    await client.post(f"/admin/settings/canned/{canned.id}/delete", data={"csrf_token": token})
    assert not await CannedResponse.exists()
    assert await AuditEntry.filter(action__startswith="canned.").count() == 3


async def test_a_canned_response_needs_a_title(client: httpx.AsyncClient, alice: StaffUser) -> None:
    await log_in(client, alice)
    token = await csrf_from(client, "/admin/settings")
    form = {"csrf_token": token, "title": "", "body": "x"}
    response = await client.post("/admin/settings/canned", data=form)
    assert response.status_code == 422 and "Title:" in response.text
