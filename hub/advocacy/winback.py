"""Win-back mail: one to a customer who became dormant or at risk, at most once in 180 days,
never to one who turned offers off, with an offer code and products picked for them; an order
with the code, or any within 30 days, is counted as won back. A hold-out share of those due
gets no mail (recorded), so the figures can show what the mail itself caused.

"Became" means entered that stage within ``RECENT_MOVE``: a customer dormant for years when
the hub was installed is not written to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q, Subquery

from hub.advocacy.copurchase import picks_for
from hub.advocacy.facts import as_decimal
from hub.advocacy.models import Stage, WinBack
from hub.advocacy.offers import win_back_code
from hub.advocacy.sql import fetch
from hub.catalog.models import Customer, MailKind, Order, kept_revenue_sql, purchase_sql
from hub.config import Settings
from hub.mail.caps import next_free_slot
from hub.mail.outbox import enqueue
from hub.queue import Queue

WIN_WINDOW = timedelta(days=30)
RECENT_MOVE = timedelta(days=30)
BATCH = 200
PICKS = 3
CENT = Decimal("0.01")
LAPSED = (Stage.DORMANT.value, Stage.AT_RISK.value)


def _due(now: datetime, quiet: timedelta) -> Q:
    recently_sent = Subquery(WinBack.filter(sent_at__gte=now - quiet).values("customer_id"))
    lapsed = Q(
        stage__in=LAPSED,
        stage_since__gte=now - RECENT_MOVE,
        unsubscribed_at__isnull=True,
        erased_at__isnull=True,
    )
    return lapsed & ~Q(id__in=recently_sent)


# No mark column: the customer's row lock is the claim, and the WinBack row ends ``due``.
def win_backs(settings: Settings) -> Queue[Customer]:
    """Lapsed customers due a win-back: none within ``win_back_quiet_days`` of the last one."""
    quiet = timedelta(days=settings.win_back_quiet_days)
    return Queue(name="win_backs", model=Customer, due=lambda now: _due(now, quiet))


def held_out(settings: Settings, customer: Customer, now: datetime) -> bool:
    """Whether this customer, due a win-back today, is in the hold-out: chosen by a digest of
    their id and the day, so the choice can be repeated and another time may go the other way."""
    digest = hashlib.sha256(f"win_back:{customer.id}:{now.date().isoformat()}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < settings.win_back_holdout_percent


async def send_win_back(settings: Settings, customer: Customer, now: datetime) -> bool:
    """Mail the customer an offer and products picked for them, or hold them out (recorded,
    no mail). Whether a mail was queued."""
    if not customer.accepts(MailKind.OFFERS.value):
        return False
    if await next_free_slot(settings, customer.id, now) is not None:
        return False  # the shared mail cap: asked again on a later pass
    record: dict[str, Any] = {
        "customer": customer,
        "stage": customer.stage,
        "sent_at": now,
        "ends_at": now + WIN_WINDOW,
    }
    if held_out(settings, customer, now):
        await WinBack.create(**record, holdout=True)
        return False
    offer = await win_back_code(settings, customer, now)
    products = await picks_for(customer.id, PICKS)
    context = {
        "customer": customer,
        "offer_code": offer,
        "products": products,
        "store_url": settings.store_url,
        "stage": customer.stage,
    }
    queued = await enqueue(
        settings,
        kind="win_back",
        template="win_back",
        context=context,
        to=customer.email,
        customer=customer,
        dedupe_key=f"win_back:{customer.id}:{now.date().isoformat()}",
    )
    if queued is None:
        return False
    await WinBack.create(**record, offer_code=offer, products=[p.id for p in products])
    return True


async def send_win_backs(settings: Settings, now: datetime) -> int:
    """Worker job: queue the win-back mail of every customer due one, and record it with the mail."""

    async def send(customer: Customer) -> int:
        return int(await send_win_back(settings, customer, now))

    return await win_backs(settings).each_in_transaction(now, BATCH, send)


def _uses(order: Order, code: str) -> bool:
    return bool(code) and code.upper() in {c.upper() for c in order.discount_codes or []}


async def _won_by(win_back: WinBack) -> Order | None:
    """The first purchase with the mail's code, else the first within the window."""
    after = Order.purchases().filter(customer_id=win_back.customer_id, placed_at__gt=win_back.sent_at)
    orders = await after.order_by("placed_at").limit(50)
    ends = win_back.ends_at or win_back.sent_at + WIN_WINDOW
    coded = [o for o in orders if _uses(o, win_back.offer_code)]
    within = [o for o in orders if o.placed_at <= ends]
    found = coded or within
    return found[0] if found else None


async def attribute_win_backs(settings: Settings, now: datetime) -> int:
    """Worker job: link each open win-back (and hold-out) to the order it won back."""
    open_ones = await WinBack.filter(won_order_id__isnull=True, sent_at__gte=now - WIN_WINDOW * 2)
    won = 0
    for win_back in open_ones:
        order = await _won_by(win_back)
        if order:
            await WinBack.filter(id=win_back.id).update(won_order_id=order.id)
            won += 1
    return won


@dataclass(frozen=True)
class Group:
    """The customers of one side (mailed or held out) and their purchases in the window."""

    customers: int
    orders: int
    revenue: Decimal

    @property
    def orders_per_customer(self) -> Decimal | None:
        return _per(Decimal(self.orders), self.customers, "0.001")

    @property
    def revenue_per_customer(self) -> Decimal | None:
        return _per(self.revenue, self.customers, "0.01")


def _per(amount: Decimal, customers: int, places: str) -> Decimal | None:
    return (amount / customers).quantize(Decimal(places)) if customers else None


@dataclass(frozen=True)
class WinBackFigures:
    sent: int
    won: int
    mailed: Group = Group(0, 0, Decimal("0"))
    holdout: Group = Group(0, 0, Decimal("0"))

    @property
    def rate(self) -> float | None:
        return self.won / self.sent if self.sent else None

    @property
    def revenue_lift(self) -> Decimal | None:
        """Revenue per mailed customer above the hold-out's: what the mail itself brought."""
        mailed, held = self.mailed.revenue_per_customer, self.holdout.revenue_per_customer
        return None if mailed is None or held is None else mailed - held

    @property
    def orders_lift(self) -> Decimal | None:
        mailed, held = self.mailed.orders_per_customer, self.holdout.orders_per_customer
        return None if mailed is None or held is None else mailed - held

    @property
    def caused_revenue(self) -> Decimal | None:
        """The lift over every mailed customer."""
        return None if self.revenue_lift is None else self.revenue_lift * self.mailed.customers


# Each side's purchases placed after the mail (or the choice) and within its window.
_GROUPS = f"""SELECT w.holdout AS holdout, COUNT(DISTINCT w.id) AS customers, COUNT(o.id) AS orders,
  COALESCE(SUM({kept_revenue_sql("o")}), 0) AS revenue
  FROM win_back w LEFT JOIN orders o ON o.customer_id = w.customer_id AND {purchase_sql("o")}
  AND o.placed_at > w.sent_at AND o.placed_at <= w.ends_at
  WHERE w.sent_at >= ? AND w.sent_at < ? GROUP BY w.holdout"""  # noqa: S608


async def win_back_figures(start: datetime, end: datetime) -> WinBackFigures:
    groups = {bool(row["holdout"]): row for row in await fetch(_GROUPS, [start, end])}

    def group(holdout: bool) -> Group:
        row = groups.get(holdout, {"customers": 0, "orders": 0, "revenue": 0})
        return Group(int(row["customers"]), int(row["orders"]), as_decimal(row["revenue"]).quantize(CENT))

    sent = WinBack.filter(sent_at__gte=start, sent_at__lt=end, holdout=False)
    won = await sent.filter(won_order_id__isnull=False).count()
    return WinBackFigures(await sent.count(), won, group(False), group(True))
