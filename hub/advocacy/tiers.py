"""VIP tiers: the nightly pass that gives each customer the tier they qualify for, and its mail.

The shop defines the tiers in ``HUB_TIERS`` (Admin → Settings → Points and win-back), lowest
first; a customer holds the highest one whose threshold they reach with their kept spend
(``kept_revenue_sql``, purchases only) or their earned points (positive ledger lines less the
refunds taking them back) in the last ``tier_window_days``. The nightly pass is three statements
over every customer at once (no per-customer loop): record today's changes in ``tier_change``,
move ``customer.tier``, and record in ``tier_warning`` who would drop within
``tier_warning_days`` if they bought nothing more (once per customer and tier a warning period).
Each worker pass then mails a batch of those not yet mailed: "You are now Gold" for a move up
(none for a move down), "spend X more by <date> to keep Gold" for a warning. Mail respects the
customer's choices (kind ``offers``) and wait for the shared mail cap (``hub.mail.caps``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from hub.advocacy.models import TierChange, TierPass, TierWarning
from hub.advocacy.sql import execute, fetch
from hub.catalog.models import Customer, MailKind, kept_revenue_sql, purchase_sql
from hub.config import Settings
from hub.mail.caps import next_free_slot
from hub.mail.outbox import enqueue
from hub.setting_values import TierDefinition, Tiers


@dataclass(frozen=True)
class Benefits:
    """What a customer's tier gives: l1's earning multiplies by ``multiplier``."""

    tier: str
    multiplier: float
    birthday_bonus: int
    early_access: bool


def benefits_of(settings: Settings, tier: str) -> Benefits:
    level = settings.tiers.named(tier)
    if level is None:
        return Benefits("", 1.0, settings.points_for_birthday, False)
    bonus = settings.points_for_birthday if level.birthday_bonus is None else level.birthday_bonus
    return Benefits(level.name, level.multiplier, bonus, level.early_access)


def tier_benefits(customer: Customer, settings: Settings) -> Benefits:
    """The benefits of the tier ``customer`` holds (none: multiplier 1, the shop's birthday points)."""
    return benefits_of(settings, customer.tier)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


# Kept spend and earned points per customer between two instants; ``?`` four times.
_STANDING = f"""SELECT c.id AS customer_id, c.tier AS tier,
    COALESCE(s.spend, 0) AS spend, COALESCE(p.points, 0) AS points
  FROM customer c
  LEFT JOIN (SELECT customer_id, SUM({kept_revenue_sql()}) AS spend FROM orders
    WHERE {purchase_sql()} AND placed_at >= ? AND placed_at < ? GROUP BY customer_id) s
    ON s.customer_id = c.id
  LEFT JOIN (SELECT customer_id, SUM(points) AS points FROM points_entry
    WHERE (points > 0 OR reason = 'refund') AND created_at >= ? AND created_at < ?
    GROUP BY customer_id) p ON p.customer_id = c.id
  WHERE c.erased_at IS NULL"""  # noqa: S608  (constants only)


def _literal(name: str) -> str:
    # Tier names are letters, digits, spaces and hyphens (``setting_values.tiers``): no quote.
    return "'" + name.replace("'", "''") + "'"


def _qualifies(level: TierDefinition) -> str:
    return f"{level.basis} >= {int(level.threshold)}"


def tier_case(tiers: Tiers) -> str:
    """SQL naming the highest tier a row of ``_STANDING`` qualifies for ('' for none)."""
    if not tiers.levels:
        return "''"
    whens = " ".join(f"WHEN {_qualifies(t)} THEN {_literal(t.name)}" for t in reversed(tiers.levels))
    return f"CASE {whens} ELSE '' END"


def rank_case(tiers: Tiers, column: str) -> str:
    """SQL giving the rank of the tier named in ``column`` (0 for none or an unknown name)."""
    if not tiers.levels:
        return "0"
    whens = " ".join(f"WHEN {_literal(t.name)} THEN {i}" for i, t in enumerate(tiers.levels, 1))
    return f"CASE {column} {whens} ELSE 0 END"


def _assessed(tiers: Tiers) -> str:
    return f"""SELECT customer_id, tier, spend, points, {tier_case(tiers)} AS new_tier
      FROM ({_STANDING}) standing"""  # noqa: S608  (validated names and whole numbers)


def _window(settings: Settings, day: date, ahead: int = 0) -> list[datetime]:
    """The window as of ``day`` + ``ahead`` days, with nothing counted after ``day``."""
    start = _start_of(day + timedelta(days=ahead + 1 - settings.tier_window_days))
    end = _start_of(day + timedelta(days=1))
    return [start, end, start, end]


async def record_changes(settings: Settings, day: date) -> None:
    """Write today's tier changes and move ``customer.tier``: two statements for every customer."""
    tiers = settings.tiers
    changes = f"""INSERT INTO tier_change (customer_id, day, from_tier, to_tier, direction)
      SELECT customer_id, ?, tier, new_tier,
        CASE WHEN {rank_case(tiers, "new_tier")} > {rank_case(tiers, "tier")} THEN 1 ELSE -1 END
      FROM ({_assessed(tiers)}) assessed WHERE new_tier <> tier
      ON CONFLICT (customer_id, day) DO UPDATE SET to_tier = excluded.to_tier,
        direction = excluded.direction"""  # noqa: S608  (validated names and whole numbers)
    move = """UPDATE customer SET tier = (SELECT t.to_tier FROM tier_change t
        WHERE t.customer_id = customer.id AND t.day = ?), tier_since = ?
      WHERE EXISTS (SELECT 1 FROM tier_change t WHERE t.customer_id = customer.id AND t.day = ?
        AND t.to_tier <> customer.tier)"""
    async with in_transaction():
        await execute(changes, [day, *_window(settings, day)])
        await execute(move, [day, _start_of(day), day])


CENT = Decimal("0.01")
MAIL_BATCH = 500
STALE = timedelta(days=7)  # a move or warning not mailed within a week (the worker was off) is not


async def _mail(
    settings: Settings, customer: Customer, template: str, key: str, context: dict[str, Any], now: datetime
) -> bool:
    if not customer.accepts(MailKind.OFFERS.value):
        return False
    queued = await enqueue(
        settings,
        kind=template,
        template=template,
        context={"customer": customer, "store_url": settings.store_url, **context},
        to=customer.email,
        customer=customer,
        dedupe_key=key,
        send_at=await next_free_slot(settings, customer.id, now) or now,
    )
    return queued is not None


def _short_by(tiers: Tiers) -> str:
    """SQL: what a row of ``_assessed`` lacks to keep the tier it holds."""
    whens = " ".join(f"WHEN {_literal(t.name)} THEN {int(t.threshold)} - {t.basis}" for t in tiers.levels)
    return f"ROUND(CASE tier {whens} ELSE 0 END, 2)"


async def record_warnings(settings: Settings, day: date) -> None:
    """One statement: a warning for each customer who would fall below their tier
    ``tier_warning_days`` from now with nothing more bought or earned, unless warned of that
    tier within the last ``tier_warning_days``."""
    ahead, tiers = settings.tier_warning_days, settings.tiers
    if not ahead or not tiers.levels:
        return
    sql = f"""INSERT INTO tier_warning (customer_id, tier, warned_on, drops_on, short_by)
      SELECT a.customer_id, a.tier, ?, ?, {_short_by(tiers)} FROM ({_assessed(tiers)}) a
      WHERE a.tier <> '' AND {rank_case(tiers, "a.new_tier")} < {rank_case(tiers, "a.tier")}
      AND NOT EXISTS (SELECT 1 FROM tier_warning w WHERE w.customer_id = a.customer_id
        AND w.tier = a.tier AND w.warned_on > ?)
      ON CONFLICT (customer_id, tier, warned_on) DO NOTHING"""  # noqa: S608  (validated names, whole numbers)
    drops_on = day + timedelta(days=ahead)
    await execute(sql, [day, drops_on, *_window(settings, day, ahead), day - timedelta(days=ahead)])


def _amount(basis: str, short_by: Decimal) -> Decimal:
    return short_by.quantize(CENT if basis == "spend" else Decimal(1))


async def mail_moves_up(settings: Settings, now: datetime) -> int:
    """ "You are now Gold" to the customers who moved up (a batch a pass, oldest first)."""
    since = now.astimezone(UTC).date() - STALE
    batch = await TierChange.filter(direction=1, mailed_at__isnull=True, day__gte=since).limit(MAIL_BATCH)
    customers = await Customer.in_bulk([change.customer_id for change in batch], "id")
    sent = 0
    for change in batch:
        customer = customers.get(change.customer_id)
        if customer is not None and customer.tier == change.to_tier:  # still theirs
            context = {"tier": change.to_tier, "benefits": benefits_of(settings, change.to_tier)}
            key = f"tier_up:{customer.id}:{change.to_tier}:{change.day}"
            sent += await _mail(settings, customer, "tier_up", key, context, now)
    await TierChange.filter(id__in=[change.id for change in batch]).update(mailed_at=now)
    return sent


async def mail_warnings(settings: Settings, now: datetime) -> int:
    """ "Spend X more by <date> to keep Gold" for the warnings recorded (a batch a pass)."""
    since = now.astimezone(UTC).date() - STALE
    batch = await TierWarning.filter(mailed_at__isnull=True, warned_on__gte=since).limit(MAIL_BATCH)
    customers = await Customer.in_bulk([warning.customer_id for warning in batch], "id")
    sent = 0
    for warning in batch:
        customer, level = customers.get(warning.customer_id), settings.tiers.named(warning.tier)
        if customer is None or level is None or customer.tier != warning.tier:
            continue
        context = {
            "tier": level.name,
            "basis": level.basis,
            "short_by": _amount(level.basis, Decimal(str(warning.short_by))),
            "by": warning.drops_on,
        }
        key = f"tier_keep:{customer.id}:{level.name}:{warning.warned_on}"
        sent += await _mail(settings, customer, "tier_keep", key, context, now)
    await TierWarning.filter(id__in=[warning.id for warning in batch]).update(mailed_at=now)
    return sent


def _definition(settings: Settings) -> str:
    text = f"{settings.tiers}|{settings.tier_window_days}|{settings.tier_warning_days}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


async def tier_pass(settings: Settings, now: datetime) -> bool:
    """The nightly part: once a day (and again when the tiers are edited), every customer's tier
    and the warnings, in three statements; whether it ran."""
    day, definition = now.astimezone(UTC).date(), _definition(settings)
    if await TierPass.filter(day=day, definition=definition).exists():
        return False
    if not settings.tiers.levels and not await Customer.exclude(tier="").exists():
        return False
    await record_changes(settings, day)
    await record_warnings(settings, day)
    await TierPass.get_or_create(day=day, definition=definition)
    return True


async def assign_tiers(settings: Settings, now: datetime) -> int:
    """Worker job: the nightly tier pass when due, then a batch of its mail; the mails queued."""
    await tier_pass(settings, now)
    return await mail_moves_up(settings, now) + await mail_warnings(settings, now)


async def early_access_customers(settings: Settings) -> list[Customer]:
    """Customers whose tier has early access, by name: the list the brand exports."""
    names = [level.name for level in settings.tiers.levels if level.early_access]
    if not names:
        return []
    return await Customer.filter(tier__in=names, erased_at__isnull=True).order_by("search_name", "id")


@dataclass(frozen=True)
class TierMoves:
    """Customers who moved up, and down, a tier from ``start`` to ``end``, both days included."""

    up: int
    down: int

    def as_dict(self) -> dict[str, int]:
        return {"up": self.up, "down": self.down}


_MOVES = """SELECT direction, COUNT(DISTINCT customer_id) AS n FROM tier_change
  WHERE day >= ? AND day <= ? GROUP BY direction"""


async def tier_moves(start: date, end: date) -> TierMoves:
    counts = {int(row["direction"]): int(row["n"]) for row in await fetch(_MOVES, [start, end])}
    return TierMoves(counts.get(1, 0), counts.get(-1, 0))
