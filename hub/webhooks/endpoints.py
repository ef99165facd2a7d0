"""Adding, listing, pausing, resuming and deleting endpoints, and resending a delivery; audited.

The admin pages and the API call these. A new endpoint's address must be http(s) and
public after DNS resolution (`hub.web.safe_fetch`), unless its host is in
``HUB_WEBHOOK_ALLOW``; the worker checks it again before every post. The ``whsec_``
secret is returned once, by `create_endpoint`, and stored encrypted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.fernet import InvalidToken

from hub.config import Settings
from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.staff.twofactor import secret_box
from hub.web.errors import InvalidInput
from hub.web.params import has_control_characters
from hub.web.safe_fetch import FetchFailed, FetchRefused, address_for, checked_url
from hub.webhooks.events import CASE_EVENTS, EVENTS, SLACK_EVENTS
from hub.webhooks.models import DeliveryStatus, EndpointKind, WebhookDelivery, WebhookEndpoint
from hub.webhooks.signing import new_secret

ENV_NAME = "HUB_CASE_WEBHOOK_URL"
MAX_ENDPOINTS = 50


# The secret, sealed with a key derived from HUB_SECRET_KEY (as two-factor secrets are).


def seal(settings: Settings, secret: str) -> str:
    return secret_box(settings.secret_key, "webhook secret").encrypt(secret.encode()).decode()


def unseal(settings: Settings, sealed: str) -> str | None:
    """The endpoint's secret; None when HUB_SECRET_KEY changed since it was stored."""
    try:
        return secret_box(settings.secret_key, "webhook secret").decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None


@dataclass(frozen=True)
class NewEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown once


def _name(raw: str) -> str:
    name = raw.strip()
    if not name:
        raise InvalidInput.one("name", "give the endpoint a name")
    if len(name) > 120:
        raise InvalidInput.one("name", "use at most 120 characters")
    if has_control_characters(name):
        raise InvalidInput.one("name", "must not hold control characters")
    return name


def _kind(raw: str) -> EndpointKind:
    try:
        return EndpointKind(raw or EndpointKind.STANDARD.value)
    except ValueError:
        raise InvalidInput.one("kind", "use standard or slack") from None


def _events(kind: EndpointKind, raw: Sequence[str]) -> list[str]:
    chosen = sorted(set(raw))
    allowed = SLACK_EVENTS if kind is EndpointKind.SLACK else tuple(EVENTS)
    unknown = [event for event in chosen if event not in allowed]
    if unknown:
        raise InvalidInput.one("events", f"{unknown[0]} is not one of {', '.join(allowed)}")
    if not chosen:
        raise InvalidInput.one("events", "pick at least one event")
    return chosen


async def check_address(settings: Settings, raw: str) -> str:
    """``raw`` if the hub may post to it: http(s), resolving to public addresses or allow-listed."""
    url = raw.strip()
    if len(url) > 1000:
        raise InvalidInput.one("url", "use at most 1000 characters")
    try:
        parsed = checked_url(url)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        await address_for(parsed.host, port, settings.webhook_allow)
    except (FetchRefused, FetchFailed) as error:
        raise InvalidInput.one("url", str(error)) from None
    return url


async def create_endpoint(
    settings: Settings,
    actor: StaffUser | None,
    *,
    name: str,
    url: str,
    events: Sequence[str],
    kind: str = "",
    source: str = "admin",
) -> NewEndpoint:
    """A new endpoint and its secret (returned this once). `InvalidInput` names a bad field."""
    endpoint_kind = _kind(kind)
    clean = WebhookEndpoint(
        name=_name(name), kind=endpoint_kind.value, events=_events(endpoint_kind, events), source=source
    )
    clean.url = await check_address(settings, url)
    if await WebhookEndpoint.all().count() >= MAX_ENDPOINTS:
        raise InvalidInput.one("url", f"the hub keeps at most {MAX_ENDPOINTS} endpoints")
    secret = new_secret()
    clean.secret = seal(settings, secret)
    await clean.save()
    await audit(
        actor,
        "webhook.created",
        "webhook_endpoint",
        clean.id,
        name=clean.name,
        kind=clean.kind,
        events=clean.events,
    )
    return NewEndpoint(clean, secret)


async def list_endpoints() -> list[WebhookEndpoint]:
    return await WebhookEndpoint.all().order_by("id")


async def endpoint_by_id(endpoint_id: int) -> WebhookEndpoint | None:
    return await WebhookEndpoint.get_or_none(id=endpoint_id)


async def delete_endpoint(actor: StaffUser | None, endpoint: WebhookEndpoint) -> None:
    """The endpoint and its delivery log are removed."""
    await WebhookEndpoint.filter(id=endpoint.id).delete()
    await audit(actor, "webhook.deleted", "webhook_endpoint", endpoint.id, name=endpoint.name)


async def pause_endpoint(
    actor: StaffUser | None, endpoint: WebhookEndpoint, reason: str, now: datetime | None = None
) -> bool:
    """Stop posting to it: its waiting deliveries are held. False when it was already paused."""
    now = now or datetime.now(UTC)
    if not await WebhookEndpoint.filter(id=endpoint.id, paused_at=None).update(
        paused_at=now, paused_reason=reason[:200]
    ):
        return False
    endpoint.paused_at, endpoint.paused_reason = now, reason[:200]
    await WebhookDelivery.filter(endpoint_id=endpoint.id, status=DeliveryStatus.QUEUED.value).update(
        status=DeliveryStatus.HELD.value
    )
    await audit(actor, "webhook.paused", "webhook_endpoint", endpoint.id, name=endpoint.name, reason=reason)
    return True


async def resume_endpoint(
    actor: StaffUser | None, endpoint: WebhookEndpoint, now: datetime | None = None
) -> int:
    """Post to it again: the held deliveries are queued now, with their tries counted afresh."""
    now = now or datetime.now(UTC)
    await WebhookEndpoint.filter(id=endpoint.id).update(paused_at=None, paused_reason="", failures_in_row=0)
    endpoint.paused_at, endpoint.paused_reason, endpoint.failures_in_row = None, "", 0
    queued = await WebhookDelivery.filter(endpoint_id=endpoint.id, status=DeliveryStatus.HELD.value).update(
        status=DeliveryStatus.QUEUED.value, next_attempt_at=now, attempts=0
    )
    await audit(actor, "webhook.resumed", "webhook_endpoint", endpoint.id, name=endpoint.name, queued=queued)
    return queued


async def resend_delivery(
    actor: StaffUser | None, delivery: WebhookDelivery, now: datetime | None = None
) -> WebhookDelivery:
    """Queue the same message (same webhook-id and body) again, as a new delivery of the log."""
    endpoint = await WebhookEndpoint.get(id=delivery.endpoint_id)
    if endpoint.is_paused:
        raise InvalidInput.one("delivery", "the endpoint is paused: resume it first")
    again = await WebhookDelivery.create(
        endpoint_id=endpoint.id,
        event=delivery.event,
        message_id=delivery.message_id,
        payload=delivery.payload,
        next_attempt_at=now or datetime.now(UTC),
    )
    await audit(
        actor, "webhook.resent", "webhook_delivery", delivery.id, endpoint=endpoint.name, resend=again.id
    )
    return again


async def recent_deliveries(endpoint: WebhookEndpoint, limit: int = 100) -> list[WebhookDelivery]:
    return await WebhookDelivery.filter(endpoint_id=endpoint.id).order_by("-id").limit(limit)


async def sync_configured_endpoint(settings: Settings) -> WebhookEndpoint | None:
    """``HUB_CASE_WEBHOOK_URL`` kept as an endpoint for the case events (created, then updated).

    Its secret is ``HUB_CASE_WEBHOOK_SECRET`` or, when that is empty, a random one. To stop
    it, unset the variable and delete the endpoint on /admin/webhooks.
    """
    url = settings.case_webhook_url
    if not url:
        return None
    endpoint = await WebhookEndpoint.get_or_none(source="env")
    secret = settings.case_webhook_secret
    if endpoint is None:
        return await WebhookEndpoint.create(
            name=ENV_NAME,
            url=url,
            kind=EndpointKind.STANDARD.value,
            events=sorted(CASE_EVENTS),
            source="env",
            secret=seal(settings, secret or new_secret()),
        )
    changes: dict[str, str] = {}
    if endpoint.url != url:
        changes["url"] = url
    if secret and unseal(settings, endpoint.secret) != secret:
        changes["secret"] = seal(settings, secret)
    if changes:
        await WebhookEndpoint.filter(id=endpoint.id).update(**changes)
        endpoint.update_from_dict(changes)
    return endpoint
