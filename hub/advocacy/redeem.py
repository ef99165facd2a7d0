"""Turning points into a discount code from the shop's pools, never past the balance.

A redemption is one transaction: the customer's row is locked (PostgreSQL; SQLite writes one
at a time), a code is claimed from the pool, and the spending line is inserted by one
conditional INSERT that only writes while the matured balance covers the price. Two
concurrent redemptions therefore never spend more than the balance, and a repeat of the
same form (a double click: the same ``request_id``) returns the first one's code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from hub.advocacy.codes import CodeTerms, issue_code, pool_figures, terms_of
from hub.advocacy.models import PointsEntry, PoolCode
from hub.advocacy.points import Source
from hub.advocacy.sql import numbered
from hub.catalog.models import Customer
from hub.config import Settings
from hub.web.errors import InvalidInput

REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class NotEnough(Exception):
    """The balance does not cover the price (or the pool ran out) when the spend is written."""


@dataclass(frozen=True)
class Reward:
    pool: str
    points: int
    terms: CodeTerms | None  # None: the pool is empty for now
    left: int


async def rewards_on_offer(settings: Settings) -> list[Reward]:
    """The rewards the shop defines (``points_rewards``), cheapest first, with what they give."""
    figures = {f.pool: f for f in await pool_figures()}
    offered = []
    for pool, points in sorted(settings.points_rewards.items(), key=lambda item: (item[1], item[0])):
        found = figures.get(pool)
        offered.append(Reward(pool, points, found.terms if found else None, found.left if found else 0))
    return offered


@dataclass(frozen=True)
class Redemption:
    entry: PointsEntry
    code: PoolCode
    repeated: bool = False  # the same request again: nothing more was spent

    @property
    def terms(self) -> str:
        return terms_of(self.code).describe()


def _checked(settings: Settings, pool: str, request_id: str) -> int:
    if not REQUEST_ID.fullmatch(request_id):
        raise InvalidInput.one("request_id", "is missing or not valid: reload the page and try again")
    price = settings.points_rewards.get(pool)
    if price is None:
        raise InvalidInput.one("reward", "is not one the shop offers")
    return price


async def redeem(
    settings: Settings, customer: Customer, pool: str, request_id: str, now: datetime
) -> Redemption:
    """Spend the reward's points for one code of ``pool``; ``InvalidInput`` names why not."""
    price = _checked(settings, pool, request_id)
    key = f"redeem:{customer.id}:{request_id}"
    if earlier := await _earlier(key):
        return earlier
    try:
        async with in_transaction() as connection:
            await Customer.filter(id=customer.id).select_for_update().using_db(connection).first()
            code = await issue_code(pool, customer, f"points:{price}", now)
            if code is None:
                raise NotEnough("codes")
            if not await _spend(connection, customer.id, price, key, code, now):
                raise NotEnough("points")
    except NotEnough as short:
        if str(short) == "codes":
            raise InvalidInput.one("reward", "has no codes left just now: try again later") from None
        raise InvalidInput.one("points", f"are not enough: this reward needs {price}") from None
    except IntegrityError:  # the same request, a moment earlier, in another connection
        if earlier := await _earlier(key):
            return earlier
        raise
    entry = await PointsEntry.get(event_key=key)
    return Redemption(entry, code)


async def _earlier(key: str) -> Redemption | None:
    entry = await PointsEntry.get_or_none(event_key=key).prefetch_related("code")
    if entry is None or entry.code is None:
        return None
    return Redemption(entry, entry.code, repeated=True)


# The spending line, written only while the matured balance covers it.
_SPEND = """INSERT INTO points_entry (customer_id, points, reason, source, event_key, code_id, created_at)
SELECT ?, ?, ?, ?, ?, ?, ? WHERE (SELECT COALESCE(SUM(points), 0) FROM points_entry
  WHERE customer_id = ? AND pending_until IS NULL) >= ? RETURNING id"""


async def _spend(
    connection: BaseDBAsyncClient, customer_id: int, price: int, key: str, code: PoolCode, now: datetime
) -> bool:
    created = PointsEntry._meta.fields_map["created_at"].to_db_value(now, PointsEntry)
    params = [customer_id, -price, f"code {code.code}"[:64], Source.REDEEM.value, key, code.id, created]
    sql = _SPEND if connection.capabilities.dialect == "sqlite" else numbered(_SPEND)
    return bool(await connection.execute_query_dict(sql, [*params, customer_id, price]))
