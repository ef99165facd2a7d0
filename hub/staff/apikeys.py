"""API keys: shown once, stored as a SHA-256 hash, each with its scopes; the /api/v1 authentication."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hub.staff.accounts import AccountError, audit
from hub.staff.models import ApiKey, StaffUser

SCOPES = {
    "orders:write": "send orders (API, imports)",
    "reviews:read": "list and export reviews",
    "reviews:write": "submit reviews from the store's own form",
    "metrics:read": "read movement and retention figures",
    "surveys:read": "read survey results and export survey answers",
    "settings:write": "read and change the shop policy",
    "webhooks:write": "list, add and delete webhook endpoints",
}
KEY_PREFIX = "fh"
# last_used_at is written at most this often, so that a busy key does not write on every call.
USE_RECORDED_EVERY = timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


async def create_api_key(
    name: str, scopes: list[str], created_by: StaffUser | None = None
) -> tuple[ApiKey, str]:
    """Make a key; the raw key is returned once and never stored. Audited."""
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise AccountError("scope", f"use one or more of {', '.join(SCOPES)}")
    if not name.strip():
        raise AccountError("name", "give the key a name")
    if len(name.strip()) > 120:
        raise AccountError("name", "use at most 120 characters")
    prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = await ApiKey.create(
        name=name.strip(),
        prefix=prefix,
        key_hash=_digest(raw),
        scopes=sorted(set(scopes)),
        created_by=created_by,
    )
    await audit(
        created_by, "apikey.created", "apikey", key.id, name=key.name, prefix=prefix, scopes=key.scopes
    )
    return key, raw


async def find_api_key(raw: str) -> ApiKey | None:
    """The live key matching ``raw``, or None."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = await ApiKey.get_or_none(prefix=parts[1], revoked_at=None)
    if key is None or not hmac.compare_digest(key.key_hash, _digest(raw)):
        return None
    await _note_use(key, datetime.now(UTC))
    return key


async def _note_use(key: ApiKey, now: datetime) -> None:
    if key.last_used_at and now - key.last_used_at < USE_RECORDED_EVERY:
        return
    key.last_used_at = now
    await ApiKey.filter(id=key.id).update(last_used_at=now)


async def list_api_keys(include_revoked: bool = True) -> list[ApiKey]:
    query = ApiKey.all() if include_revoked else ApiKey.filter(revoked_at=None)
    return await query.order_by("revoked_at", "-created_at").select_related("created_by")


async def api_key_by_id(key_id: int) -> ApiKey | None:
    return await ApiKey.get_or_none(id=key_id).select_related("created_by")


async def api_key_by_prefix(prefix: str) -> ApiKey:
    key = await ApiKey.get_or_none(prefix=prefix.strip().removeprefix(f"{KEY_PREFIX}_")[:16])
    if key is None:
        raise AccountError("key", "no API key has this prefix")
    return key


async def revoke_api_key(actor: StaffUser | None, key: ApiKey) -> bool:
    """Stop ``key`` working at once; False when it was already revoked. Audited."""
    now = datetime.now(UTC)
    if not await ApiKey.filter(id=key.id, revoked_at=None).update(revoked_at=now):
        return False
    key.revoked_at = now
    await audit(actor, "apikey.revoked", "apikey", key.id, name=key.name, prefix=key.prefix)
    return True


Endpoint = Callable[[Request], Awaitable[Response]]
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="feedback-hub"'}


async def authenticate(request: Request, scope: str) -> ApiKey:
    """The API key of the request: 401 when missing or wrong, 403 without ``scope``."""
    kind, _, raw = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "bearer" or not raw.strip():
        raise HTTPException(401, "Send an API key: Authorization: Bearer <key>.", CHALLENGE)
    key = await find_api_key(raw.strip())
    if key is None:
        raise HTTPException(401, "The API key is wrong or revoked.", CHALLENGE)
    if scope not in (key.scopes or []):
        raise HTTPException(403, f"The API key lacks the scope {scope}.")
    return key


def require_scope(scope: str) -> Callable[[Endpoint], Endpoint]:
    """Let a request through only with an API key holding ``scope``; the key is in state."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def wrapper(request: Request) -> Response:
            request.state.api_key = await authenticate(request, scope)
            return await endpoint(request)

        return wrapper

    return decorate
