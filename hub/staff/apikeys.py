"""API keys: shown once, stored as a SHA-256 hash, each with its scopes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from hub.staff.accounts import AccountError
from hub.staff.models import ApiKey, StaffUser

SCOPES = {
    "orders:write": "send orders (API, imports)",
    "reviews:read": "list and export reviews",
    "reviews:write": "submit reviews from the store's own form",
    "metrics:read": "read movement and retention figures",
}
KEY_PREFIX = "fh"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


async def create_api_key(name: str, scopes: list[str], created_by: StaffUser | None = None
                         ) -> tuple[ApiKey, str]:
    """Make a key; the raw key is returned once and never stored."""
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise AccountError("scope", f"use one or more of {', '.join(SCOPES)}")
    if not name.strip():
        raise AccountError("name", "give the key a name")
    prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = await ApiKey.create(name=name.strip(), prefix=prefix, key_hash=_digest(raw),
                              scopes=sorted(set(scopes)), created_by=created_by)
    return key, raw


async def find_api_key(raw: str) -> ApiKey | None:
    """The live key matching ``raw``, or None."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = await ApiKey.get_or_none(prefix=parts[1], revoked_at=None)
    if key is None or not hmac.compare_digest(key.key_hash, _digest(raw)):
        return None
    key.last_used_at = datetime.now(UTC)
    await key.save(update_fields=["last_used_at"])
    return key
