"""The worker's ``webhooks`` job: post due deliveries, signed, retried, and pause what keeps failing.

Each due delivery is claimed through `hub.queue` (a lease: the post leaves the database)
and posted once:

- to the endpoint's address checked again as public (`hub.web.safe_fetch`, connected to
  the checked address, no redirect followed);
- a standard endpoint gets the JSON envelope and the Standard Webhooks headers
  (`signing`); a Slack endpoint gets ``{"text": …}``;
- a 2xx answer delivers it; anything else (another status, a timeout, a refused
  connection) is tried again after the queue's back-off (1, 2, 4 … minutes, eight tries,
  about two hours), then given up; an address that is not public is given up at once.

Each try records the answer's status and how long it took. When ``PAUSE_AFTER``
deliveries of an endpoint are given up one after another (no success between them), the
endpoint is paused, its waiting deliveries are held, and every admin gets a mail.
A delivered or failed delivery stays in the log for ``KEEP_LOG``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from tortoise.expressions import F, Q

from hub.config import Settings
from hub.mail.outbox import enqueue
from hub.queue import WORKER_ID, Queue
from hub.staff.models import Role, StaffUser
from hub.urls import external_url
from hub.web import safe_fetch
from hub.web.safe_fetch import FetchFailed, FetchRefused, checked_url, pinned
from hub.webhooks.endpoints import pause_endpoint, sync_configured_endpoint, unseal
from hub.webhooks.models import DeliveryStatus, EndpointKind, WebhookDelivery, WebhookEndpoint
from hub.webhooks.signing import headers as signed_headers

BATCH = 50
TIMEOUT_SECONDS = 10.0
PAUSE_AFTER = 5
# The log keeps a settled delivery (its body may hold a published review's text) this long.
KEEP_LOG = timedelta(days=30)

DELIVERIES: Queue[WebhookDelivery] = Queue(
    name="webhooks",
    model=WebhookDelivery,
    due=lambda now: Q(status=DeliveryStatus.QUEUED.value, next_attempt_at__lte=now),
    order_by=("next_attempt_at", "id"),
    lease=timedelta(minutes=5),
    claimed={"status": DeliveryStatus.SENDING.value},
    released={"status": DeliveryStatus.QUEUED.value},
    given_up={"status": DeliveryStatus.FAILED.value},
)


def body_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_text(settings: Settings, event: str, data: dict[str, Any]) -> str:
    """One line for a Slack channel: what happened and a link to it in the admin; no customer text."""
    if event == "review.flagged":
        review = data["review"]
        reasons = ", ".join(review.get("flag_reasons") or []) or "flagged"
        link = external_url(settings, "review_page", review_id=review["id"])
        return (
            f"Review #{review['id']} flagged ({review['rating']}★): {_slack_escape(reasons)}."
            f" <{link}|Open the review>"
        )
    if event == "case.opened":
        case = data["case"]
        reasons = ", ".join(case.get("reasons") or []) or "flagged feedback"
        link = external_url(settings, "case_detail", case_id=case["id"])
        return (
            f"Case {case['reference']} opened ({case['priority']} priority): {_slack_escape(reasons)}."
            f" <{link}|Open the case>"
        )
    return f"{event}"


def request_for(
    settings: Settings, endpoint: WebhookEndpoint, delivery: WebhookDelivery, now: datetime
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one try; `FetchRefused` when the secret cannot be read."""
    headers = {"Content-Type": "application/json", "User-Agent": "feedback-hub-webhooks/1"}
    if endpoint.kind == EndpointKind.SLACK:
        text = slack_text(settings, delivery.event, delivery.payload.get("data", {}))
        return body_bytes({"text": text}), headers
    secret = unseal(settings, endpoint.secret)
    if secret is None:
        raise FetchRefused(
            "the signing secret cannot be read (HUB_SECRET_KEY changed): add the endpoint again"
        )
    body = body_bytes(delivery.payload)
    return body, {**headers, **signed_headers(secret, delivery.message_id, int(now.timestamp()), body)}


@dataclass(frozen=True)
class Outcome:
    status: int | None = None
    ms: int | None = None
    error: str = ""
    final: bool = False  # not worth trying again


async def post(
    client: httpx.AsyncClient,
    settings: Settings,
    endpoint: WebhookEndpoint,
    delivery: WebhookDelivery,
    now: datetime,
) -> Outcome:
    try:
        body, headers = request_for(settings, endpoint, delivery, now)
        pin = await pinned(checked_url(endpoint.url), settings.webhook_allow)
    except FetchRefused as error:
        return Outcome(error=str(error), final=True)
    except FetchFailed as error:
        return Outcome(error=str(error))
    started = time.perf_counter()
    try:
        response = await client.post(
            pin.target, content=body, headers={**headers, **pin.headers}, extensions=pin.extensions
        )
    except httpx.TimeoutException:
        return Outcome(ms=_ms(started), error="the endpoint did not answer in time")
    except httpx.HTTPError as error:
        return Outcome(ms=_ms(started), error=f"the connection failed ({type(error).__name__})")
    ms = _ms(started)
    if response.is_success:
        return Outcome(response.status_code, ms)
    return Outcome(response.status_code, ms, f"the endpoint answered HTTP {response.status_code}")


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


async def _settle(
    settings: Settings,
    endpoint: WebhookEndpoint,
    delivery: WebhookDelivery,
    outcome: Outcome,
    now: datetime,
    worker_id: str,
) -> None:
    answer = {"response_status": outcome.status, "response_ms": outcome.ms}
    if not outcome.error:
        await DELIVERIES.finish(
            delivery,
            worker_id,
            status=DeliveryStatus.DELIVERED.value,
            attempts=delivery.attempts + 1,
            delivered_at=now,
            last_error="",
            **answer,
        )
        await WebhookEndpoint.filter(id=endpoint.id, failures_in_row__gt=0).update(failures_in_row=0)
        return
    await WebhookDelivery.filter(id=delivery.id, claimed_by=worker_id).update(**answer)
    if outcome.final:
        await DELIVERIES.give_up(delivery, outcome.error, worker_id)
    elif await DELIVERIES.retry_later(delivery, now, outcome.error, worker_id):
        return
    await _count_given_up(settings, endpoint, now)


async def _count_given_up(settings: Settings, endpoint: WebhookEndpoint, now: datetime) -> None:
    await WebhookEndpoint.filter(id=endpoint.id).update(failures_in_row=F("failures_in_row") + 1)
    current = await WebhookEndpoint.get_or_none(id=endpoint.id)
    failures = current.failures_in_row if current is not None else 0
    if failures < PAUSE_AFTER:
        return
    reason = f"{failures} deliveries in a row failed after every retry"
    if await pause_endpoint(None, endpoint, reason, now):
        await mail_admins_paused(settings, endpoint, reason)


async def mail_admins_paused(settings: Settings, endpoint: WebhookEndpoint, reason: str) -> int:
    """Tell every active admin that ``endpoint`` was paused; its address stays out of the mail."""
    admins = [user for user in await StaffUser.filter(is_active=True, roles__contains=Role.ADMIN.value)]
    admins = [user for user in admins if Role.ADMIN in user.role_set]
    page = external_url(settings, "webhook_detail", endpoint_id=endpoint.id)
    stamp = endpoint.paused_at.isoformat() if endpoint.paused_at else ""
    for admin in admins:
        await enqueue(
            settings,
            kind="webhook_paused",
            template="webhook_paused",
            to=admin.email,
            context={"endpoint_name": endpoint.name, "reason": reason, "endpoint_url": page},
            dedupe_key=f"webhook-paused:{endpoint.id}:{admin.id}:{stamp}",
        )
    return len(admins)


async def deliver_webhooks(settings: Settings, now: datetime, worker_id: str = WORKER_ID) -> int:
    """Post every due delivery once; how many were tried. Settled ones older than KEEP_LOG go."""
    await sync_configured_endpoint(settings)
    await WebhookDelivery.filter(
        status__in=[DeliveryStatus.DELIVERED.value, DeliveryStatus.FAILED.value],
        created_at__lt=now - KEEP_LOG,
    ).delete()
    await DELIVERIES.recover(now)
    deliveries = await DELIVERIES.claim(worker_id, now, BATCH)
    if not deliveries:
        return 0
    ids = {d.endpoint_id for d in deliveries}
    endpoints = {e.id: e for e in await WebhookEndpoint.filter(id__in=ids)}
    async with safe_fetch.client(TIMEOUT_SECONDS) as client:
        for delivery in deliveries:
            endpoint = endpoints.get(delivery.endpoint_id)
            if endpoint is None:
                continue  # deleted meanwhile: its deliveries went with it
            if endpoint.is_paused:
                await DELIVERIES.finish(delivery, worker_id, status=DeliveryStatus.HELD.value)
                continue
            outcome = await post(client, settings, endpoint, delivery, now)
            await _settle(settings, endpoint, delivery, outcome, now, worker_id)
            if outcome.error:  # it may have been paused by this failure
                fresh = await WebhookEndpoint.get_or_none(id=endpoint.id)
                if fresh is None:
                    endpoints.pop(endpoint.id, None)
                else:
                    endpoints[endpoint.id] = fresh
    return len(deliveries)
