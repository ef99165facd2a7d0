"""Outgoing webhooks on case created and resolved: queued rows, signed JSON, retried like mail."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

import httpx
from tortoise.expressions import Q

from hub.config import Settings
from hub.queue import WORKER_ID, Queue
from hub.triage.models import Case, WebhookEvent

SIGNATURE_HEADER = "X-Hub-Signature-256"
TIMEOUT_SECONDS = 10.0
STALE_CLAIM = timedelta(minutes=15)
BATCH = 50

WEBHOOKS: Queue[WebhookEvent] = Queue(
    name="case_webhooks",
    model=WebhookEvent,
    due=lambda now: Q(status="queued", next_attempt_at__lte=now),
    order_by=("next_attempt_at", "id"),
    lease=STALE_CLAIM,
    claimed={"status": "sending"},
    released={"status": "queued"},
    given_up={"status": "failed"},
)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def case_payload(event: str, case: Case) -> dict[str, Any]:
    """Ids and states only: no customer text or address leaves through a webhook."""
    return {
        "event": event,
        "case": {
            "id": case.id,
            "reference": case.reference,
            "status": case.status,
            "priority": case.priority,
            "reasons": list(case.reasons),
            "customer_id": case.customer_id,
            "order_id": case.order_id,
            "review_id": case.review_id,
            "resolution_code": case.resolution_code,
            "created_at": _iso(case.created_at),
            "resolved_at": _iso(case.resolved_at),
            "resolution_due_at": _iso(case.resolution_due_at),
        },
    }


async def queue_case_webhook(
    settings: Settings, event: str, case: Case, now: datetime
) -> WebhookEvent | None:
    url = settings.case_webhook_url
    if not url:
        return None
    return await WebhookEvent.create(
        event=event, url=url, payload=case_payload(event, case), next_attempt_at=now
    )


def body_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def _post(client: httpx.AsyncClient, settings: Settings, event: WebhookEvent) -> str:
    """'' when delivered, else what went wrong."""
    body = body_bytes(event.payload)
    headers = {
        "Content-Type": "application/json",
        "X-Hub-Event": event.event,
        "X-Hub-Delivery": str(event.id),
    }
    secret = settings.case_webhook_secret
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, body)
    try:
        response = await client.post(event.url, content=body, headers=headers)
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"
    return "" if response.is_success else f"HTTP {response.status_code}"


async def _settle(event: WebhookEvent, error: str, now: datetime) -> None:
    if error:
        await WEBHOOKS.retry_later(event, now, error)
        return
    await WEBHOOKS.finish(
        event, status="delivered", attempts=event.attempts + 1, delivered_at=now, last_error=""
    )


async def deliver_due(settings: Settings, now: datetime, worker_id: str = WORKER_ID) -> int:
    """POST every due webhook once; failures wait 1, 2, 4 … minutes, then fail for good.

    A delivery cut off by a stopped worker is posted again after the lease, with the same
    ``X-Hub-Delivery`` id, so that a receiver can tell a repeat.
    """
    await WEBHOOKS.recover(now)
    events = await WEBHOOKS.claim(worker_id, now, BATCH)
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
        for event in events:
            await _settle(event, await _post(client, settings, event), now)
    return len(events)
