"""Slowing down password and code guessing, without letting strangers lock staff out.

The policy:

1. Failures are counted per (account, client address) pair and per client address,
   never per account alone: a stranger failing logins for the admin from six
   addresses, or six hundred, locks out only those addresses, and the admin signs in
   from their own as usual.
2. The ``PAIR_LIMIT``-th failure of a pair locks it for ``BASE_LOCK``, and each
   further failure doubles that, up to ``MAX_LOCK``; an address gets the same from
   its ``ADDRESS_LIMIT``-th failure on (it may be an office behind one NAT).
3. A sign-in that succeeds clears its pair, not its address, so that one valid
   account cannot reset an address that sprays others; counts are forgotten
   ``FORGET_AFTER`` the last failure.
4. A wrong second-factor code counts as a failure of the same pair and address.

Counts live in the database (``LoginFailure``), so every web process sees them.
The "login" group of the one rate limiter (hub.web.ratelimit) also caps
requests per address before any of this runs.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from hub.staff.models import LoginFailure

PAIR_LIMIT = 5
ADDRESS_LIMIT = 20
BASE_LOCK = timedelta(seconds=30)
MAX_LOCK = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)


def pair_key(email: str, ip: str) -> str:
    digest = hashlib.sha256(f"{email}\n{ip}".encode()).hexdigest()[:40]
    return f"pair:{digest}"


def address_key(ip: str) -> str:
    return f"ip:{ip[:200]}"


def _limit(key: str) -> int:
    return ADDRESS_LIMIT if key.startswith("ip:") else PAIR_LIMIT


def lock_time(limit: int, count: int) -> timedelta | None:
    if count < limit:
        return None
    return min(BASE_LOCK * 2 ** min(count - limit, 16), MAX_LOCK)


async def locked_for(email: str, ip: str, now: datetime) -> timedelta | None:
    """How long this account may not be tried from this address, or None."""
    keys = [pair_key(email, ip), address_key(ip)]
    failures = await LoginFailure.filter(key__in=keys, locked_until__gt=now)
    return max((f.locked_until - now for f in failures if f.locked_until), default=None)


async def _count(key: str, now: datetime) -> None:
    failure, created = await LoginFailure.get_or_create(key=key, defaults={"last_failed_at": now})
    if not created and now - failure.last_failed_at > FORGET_AFTER:
        failure.count = 0
    failure.count += 1
    failure.last_failed_at = now
    lock = lock_time(_limit(key), failure.count)
    failure.locked_until = now + lock if lock else None
    await failure.save()


async def record_failure(email: str, ip: str, now: datetime) -> timedelta | None:
    """Count one failure; how long the pair or address is now locked, or None."""
    for key in (pair_key(email, ip), address_key(ip)):
        await _count(key, now)
    return await locked_for(email, ip, now)


async def clear(email: str, ip: str) -> None:
    await LoginFailure.filter(key=pair_key(email, ip)).delete()
