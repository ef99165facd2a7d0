"""Outgoing webhooks on case created and resolved: queued rows, signed JSON, retried like mail."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

import httpx

from hub.config import Settings
from hub.mail.outbox import MAX_ATTEMPTS, retry_delay
from hub.triage.models import Case, WebhookEvent

SIGNATURE_HEADER = "X-Hub-Signature-256"
TIMEOUT_SECONDS = 10.0
STALE_CLAIM = timedelta(minutes=15)
BATCH = 50


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


async def _claim(now: datetime) -> list[WebhookEvent]:
    ids = (
        await WebhookEvent.filter(status="queued", next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .limit(BATCH)
        .values_list("id", flat=True)
    )
    claimed = []
    for event_id in ids:
        if await WebhookEvent.filter(id=event_id, status="queued").update(
            status="sending", next_attempt_at=now
        ):
            claimed.append(await WebhookEvent.get(id=event_id))
    return claimed


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
    attempts = event.attempts + 1
    if not error:
        await WebhookEvent.filter(id=event.id).update(
            status="delivered", attempts=attempts, delivered_at=now, last_error=""
        )
    elif attempts >= MAX_ATTEMPTS:
        await WebhookEvent.filter(id=event.id).update(
            status="failed", attempts=attempts, last_error=error[:2000]
        )
    else:
        await WebhookEvent.filter(id=event.id).update(
            status="queued",
            attempts=attempts,
            last_error=error[:2000],
            next_attempt_at=now + retry_delay(attempts),
        )


async def deliver_due(settings: Settings, now: datetime) -> int:
    """POST every due webhook once; failures wait 1, 2, 4 … minutes, then fail for good."""
    await WebhookEvent.filter(status="sending", next_attempt_at__lt=now - STALE_CLAIM).update(status="queued")
    events = await _claim(now)
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
        for event in events:
            await _settle(event, await _post(client, settings, event), now)
    return len(events)
