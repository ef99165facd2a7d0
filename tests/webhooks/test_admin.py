"""The admin's webhook pages and the endpoints API: add with events, secret shown once, log, resend, pause."""

from __future__ import annotations

import re

import httpx
from starlette.applications import Starlette

from hub.config import Settings
from hub.staff.apikeys import create_api_key
from hub.staff.models import AuditEntry, StaffUser
from hub.webhooks.delivery import deliver_webhooks
from hub.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import csrf_from, log_in
from tests.triage.conftest import make_case
from tests.webhooks.conftest import Receiver, now


async def _add(client: httpx.AsyncClient, **data: object) -> httpx.Response:
    token = await csrf_from(client, "/admin/webhooks")
    return await client.post("/admin/webhooks", data={"csrf_token": token, **data})  # type: ignore[arg-type]


def _secret(page: str) -> str:
    match = re.search(r'<code id="new-webhook-secret">([^<]+)</code>', page)
    assert match, page
    return match.group(1)


async def test_an_admin_adds_an_endpoint_and_sees_its_secret_once(
    client: httpx.AsyncClient, app: Starlette, allowed: Settings, alice: StaffUser, receiver: Receiver
) -> None:
    app.state.settings = allowed
    await log_in(client, alice)
    added = await _add(
        client, name="Helpdesk", url=receiver.url, kind="standard", event=["case.opened", "review.flagged"]
    )
    assert added.status_code == 200 and "no-store" in added.headers["cache-control"]
    secret = _secret(added.text)
    assert secret.startswith("whsec_")
    listing = await client.get("/admin/webhooks")
    assert secret not in listing.text and "case.opened, review.flagged" in listing.text
    endpoint = await WebhookEndpoint.get(name="Helpdesk")
    assert secret not in endpoint.secret  # encrypted at rest
    entry = await AuditEntry.get(action="webhook.created")
    assert entry.actor_id == alice.id and secret not in str(entry.detail)  # type: ignore[attr-defined]

    receiver.secret = secret
    await make_case(allowed)
    t = now()
    receiver.at(t)
    await deliver_webhooks(allowed, t)
    assert receiver.received[0].verified


async def test_the_form_names_the_field_that_is_wrong(
    client: httpx.AsyncClient, app: Starlette, settings: Settings, alice: StaffUser, receiver: Receiver
) -> None:
    await log_in(client, alice)
    private = await _add(client, name="Inside", url=receiver.url, event="case.opened")
    assert private.status_code == 422
    assert "Url: the address is not public (loopback, private or reserved)." in private.text
    no_event = await _add(client, name="Inside", url="https://93.184.215.14/hook")
    assert no_event.status_code == 422 and "Events: pick at least one event." in no_event.text
    ftp = await _add(client, name="Old", url="ftp://93.184.215.14/", event="case.opened")
    assert "Url: only http and https addresses are fetched." in ftp.text
    slack_wrong = await _add(
        client, name="Chat", url="https://93.184.215.14/s", kind="slack", event="survey.response"
    )
    assert (
        slack_wrong.status_code == 422
        and "Events: survey.response is not one of review.flagged, case.opened" in slack_wrong.text
    )
    assert not await WebhookEndpoint.exists()


async def test_only_admins_reach_the_webhook_pages(client: httpx.AsyncClient, bob: StaffUser) -> None:
    await log_in(client, bob)
    assert (await client.get("/admin/webhooks")).status_code == 403


async def test_the_log_shows_each_delivery_and_an_admin_resends_one(
    client: httpx.AsyncClient, app: Starlette, allowed: Settings, alice: StaffUser, receiver: Receiver
) -> None:
    app.state.settings = allowed
    await log_in(client, alice)
    receiver.secret = _secret(
        (await _add(client, name="Helpdesk", url=receiver.url, event="case.opened")).text
    )
    endpoint = await WebhookEndpoint.get()
    await make_case(allowed)
    receiver.statuses = [500]
    t = now()
    receiver.at(t)
    await deliver_webhooks(allowed, t)
    page = await client.get(f"/admin/webhooks/{endpoint.id}")
    assert "HTTP 500" in page.text and "the endpoint answered HTTP 500" in page.text and " ms<" in page.text
    delivery = await WebhookDelivery.get()
    await WebhookDelivery.filter(id=delivery.id).update(next_attempt_at=t)
    await deliver_webhooks(allowed, t)
    page = await client.get(f"/admin/webhooks/{endpoint.id}")
    assert (
        f'id="delivery-{delivery.id}"' in page.text and "delivered" in page.text and "HTTP 204" in page.text
    )

    token = await csrf_from(client, f"/admin/webhooks/{endpoint.id}")
    refused = await client.post(
        f"/admin/webhooks/deliveries/{delivery.id}/resend", data={"csrf_token": "forged"}
    )
    assert refused.status_code == 403
    resent = await client.post(f"/admin/webhooks/deliveries/{delivery.id}/resend", data={"csrf_token": token})
    assert resent.status_code == 200 and f"Delivery {delivery.id} queued again" in resent.text
    await deliver_webhooks(allowed, now())
    assert [r.answered for r in receiver.received] == [500, 204, 204]
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # the same message, again
    assert await WebhookDelivery.filter(status="delivered").count() == 2


async def test_an_admin_pauses_resumes_and_deletes_an_endpoint(
    client: httpx.AsyncClient, app: Starlette, allowed: Settings, alice: StaffUser, receiver: Receiver
) -> None:
    app.state.settings = allowed
    await log_in(client, alice)
    receiver.secret = _secret(
        (await _add(client, name="Helpdesk", url=receiver.url, event="case.opened")).text
    )
    endpoint = await WebhookEndpoint.get()
    path = f"/admin/webhooks/{endpoint.id}"
    paused = await client.post(f"{path}/pause", data={"csrf_token": await csrf_from(client, path)})
    assert 'id="endpoint-state">paused' in paused.text
    await make_case(allowed)
    await deliver_webhooks(allowed, now())
    assert receiver.received == [] and (await WebhookDelivery.get()).status == "held"
    resumed = await client.post(f"{path}/resume", data={"csrf_token": await csrf_from(client, path)})
    assert "Resumed: 1 held deliveries queued again." in resumed.text
    t = now()
    receiver.at(t)
    await deliver_webhooks(allowed, t)
    assert [r.verified for r in receiver.received] == [True]
    deleted = await client.post(f"{path}/delete", data={"csrf_token": await csrf_from(client, path)})
    assert deleted.status_code == 303 and not await WebhookEndpoint.exists()
    assert not await WebhookDelivery.exists()
    assert (await client.get(path)).status_code == 404


async def test_scripted_installs_manage_endpoints_through_the_api(
    client: httpx.AsyncClient, app: Starlette, allowed: Settings, receiver: Receiver
) -> None:
    app.state.settings = allowed
    _key, raw = await create_api_key("Installer", ["webhooks:write"])
    _other, reader = await create_api_key("Reader", ["reviews:read"])
    auth = {"Authorization": f"Bearer {raw}"}
    body = {"name": "CRM", "url": receiver.url, "events": ["survey.response", "customer.stage_changed"]}
    assert (await client.post("/api/v1/webhook-endpoints", json=body)).status_code == 401
    wrong_scope = await client.post(
        "/api/v1/webhook-endpoints", json=body, headers={"Authorization": f"Bearer {reader}"}
    )
    assert wrong_scope.status_code == 403
    created = await client.post("/api/v1/webhook-endpoints", json=body, headers=auth)
    assert created.status_code == 201, created.text
    answer = created.json()
    assert answer["secret"].startswith("whsec_") and answer["kind"] == "standard"
    assert answer["events"] == ["customer.stage_changed", "survey.response"] and answer["paused"] is False
    listed = (await client.get("/api/v1/webhook-endpoints", headers=auth)).json()["endpoints"]
    assert [e["id"] for e in listed] == [answer["id"]] and "secret" not in listed[0]
    bad = await client.post(
        "/api/v1/webhook-endpoints", json={**body, "events": ["order.paid"]}, headers=auth
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "events" and "order.paid" in bad.json()["errors"][0]["reason"]
    missing = await client.post("/api/v1/webhook-endpoints", json={"url": receiver.url}, headers=auth)
    assert missing.status_code == 422 and missing.json()["errors"][0]["path"] == "name"
    not_json = await client.post("/api/v1/webhook-endpoints", content=b"{", headers=auth)
    assert not_json.status_code == 422
    deleted = await client.delete(f"/api/v1/webhook-endpoints/{answer['id']}", headers=auth)
    assert deleted.status_code == 204
    assert (await client.delete(f"/api/v1/webhook-endpoints/{answer['id']}", headers=auth)).status_code == 404
    assert (await client.get("/api/v1/webhook-endpoints", headers=auth)).json() == {"endpoints": []}
