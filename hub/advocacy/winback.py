"""Win-back mail: one to a customer who became dormant or at risk, at most once in 180 days,
never to one who turned offers off; an order within 30 days is counted as won back.

"Became" means entered that stage within ``RECENT_MOVE``: a customer dormant for years when
the hub was installed is not written to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q, Subquery

from hub.advocacy.models import Stage, WinBack
from hub.catalog.models import Customer, MailKind, Order
from hub.config import Settings
from hub.mail.caps import next_free_slot
from hub.mail.outbox import enqueue
from hub.queue import Queue

WIN_WINDOW = timedelta(days=30)
RECENT_MOVE = timedelta(days=30)
BATCH = 200
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


async def send_win_back(settings: Settings, customer: Customer, now: datetime) -> bool:
    if not customer.accepts(MailKind.OFFERS.value):
        return False
    if await next_free_slot(settings, customer.id, now) is not None:
        return False  # the shared mail cap: asked again on a later pass
    offer = settings.win_back_offer
    context = {
        "customer": customer,
        "offer_code": offer,
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
    await WinBack.create(customer=customer, stage=customer.stage, offer_code=offer, sent_at=now)
    return True


async def send_win_backs(settings: Settings, now: datetime) -> int:
    """Worker job: queue the win-back mail of every customer due one, and record it with the mail."""

    async def send(customer: Customer) -> int:
        return int(await send_win_back(settings, customer, now))

    return await win_backs(settings).each_in_transaction(now, BATCH, send)


async def attribute_win_backs(settings: Settings, now: datetime) -> int:
    """Worker job: link each open win-back to the first order placed within 30 days of it."""
    open_ones = await WinBack.filter(won_order_id__isnull=True, sent_at__gte=now - WIN_WINDOW * 2)
    won = 0
    for win_back in open_ones:
        order = (
            await Order.purchases()
            .filter(
                customer_id=win_back.customer_id,
                placed_at__gt=win_back.sent_at,
                placed_at__lte=win_back.sent_at + WIN_WINDOW,
            )
            .order_by("placed_at")
            .first()
        )
        if order:
            await WinBack.filter(id=win_back.id).update(won_order_id=order.id)
            won += 1
    return won


@dataclass(frozen=True)
class WinBackFigures:
    sent: int
    won: int

    @property
    def rate(self) -> float | None:
        return self.won / self.sent if self.sent else None


async def win_back_figures(start: datetime, end: datetime) -> WinBackFigures:
    sent = WinBack.filter(sent_at__gte=start, sent_at__lt=end)
    return WinBackFigures(await sent.count(), await sent.filter(won_order_id__isnull=False).count())
