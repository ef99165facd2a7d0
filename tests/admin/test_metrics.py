from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette

from hub.config import Settings
from hub.invites.models import Invitation
from hub.mail.models import OutboxMessage
from hub.triage.models import Case
from tests.conftest import make_customer, make_order, make_product

TOKEN = "metrics-token-" + "m" * 20


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(metrics_token=TOKEN)


@pytest.fixture
async def remote(app: Starlette, db: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client from another machine than the hub's."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4711))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


async def test_a_remote_client_needs_the_bearer_token(remote: httpx.AsyncClient) -> None:
    assert (await remote.get("/metrics")).status_code == 403
    wrong = await remote.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    right = await remote.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 200
    assert right.headers["content-type"].startswith("text/plain; version=0.0.4")


async def test_a_local_client_reads_metrics_without_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 200


async def test_requests_are_counted_by_route_template_never_by_raw_path(client: httpx.AsyncClient) -> None:
    await client.get("/r/secret-token-one")
    await client.get("/r/secret-token-two")
    await client.get("/no/such/page")
    text = (await client.get("/metrics")).text
    assert 'hub_http_requests_total{route="/r/{token}",method="GET",status="404"} 2' in text
    assert 'route="(unmatched)"' in text
    assert "secret-token" not in text
    assert 'hub_http_request_duration_seconds_bucket{route="/r/{token}",method="GET",le="+Inf"} 2' in text
    assert 'hub_http_request_duration_seconds_count{route="/r/{token}",method="GET"} 2' in text


async def test_queue_figures_are_reported(client: httpx.AsyncClient) -> None:
    now = datetime.now(UTC)
    dana = await make_customer()
    order = await make_order(dana, await make_product())
    queued = await OutboxMessage.create(
        kind="review_request",
        to_address="x@example.com",
        subject="s",
        text_body="",
        html_body="",
        message_id="<1@hub>",
        next_attempt_at=now - timedelta(minutes=10),
    )
    await OutboxMessage.filter(id=queued.id).update(created_at=now - timedelta(minutes=30))
    await Invitation.create(order=order, customer=dana, send_at=now - timedelta(hours=1))
    await Case.create(
        customer=dana,
        first_response_due_at=now - timedelta(hours=2),
        resolution_due_at=now + timedelta(days=1),
    )
    text = (await client.get("/metrics")).text
    values = dict(line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#"))
    assert values["hub_outbox_depth"] == "1"
    assert values["hub_cases_open"] == "1" and values["hub_cases_overdue"] == "1"
    assert 590 <= float(values["hub_worker_outbox_lag_seconds"]) < 700
    assert 3590 <= float(values["hub_worker_invitation_lag_seconds"]) < 3700
    assert 1790 <= float(values["hub_outbox_oldest_queued_seconds"]) < 1900
