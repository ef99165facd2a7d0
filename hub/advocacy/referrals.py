"""Referral codes, visits, attributing orders to advocates, and the flywheel figures."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError

from hub.advocacy import referral_rules as rules
from hub.advocacy.facts import as_decimal
from hub.advocacy.models import Referral, ReferralCode
from hub.advocacy.sql import fetch, month_of
from hub.catalog.models import Customer, Order, kept_revenue_sql, purchase_sql
from hub.config import Settings
from hub.web.columns import fits

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class Outcome:
    COUNTED = "counted"
    # The fraud rules doubt it: an admin approves (counted) or rejects it.
    HELD = "held"
    REJECTED = "rejected"
    SELF_REFERRAL = "self_referral"
    EXISTING_CUSTOMER = "existing_customer"
    # Counted once, then the referred order was cancelled or refunded in full.
    WITHDRAWN = "withdrawn"


__all__ = ["attribute_referral", "code_for", "flywheel", "record_visit"]


def new_code(customer: Customer) -> str:
    prefix = "".join(ch for ch in customer.first_name.upper() if ch.isalnum())[:10] or "FRIEND"
    return f"{prefix}-{''.join(secrets.choice(CODE_ALPHABET) for _ in range(6))}"


async def code_for(customer: Customer) -> ReferralCode:
    """The customer's referral code, made on first use."""
    existing = await ReferralCode.filter(customer=customer).order_by("id").first()
    if existing:
        return existing
    for _ in range(5):
        try:
            return await ReferralCode.create(customer=customer, code=new_code(customer))
        except IntegrityError:
            continue
    raise RuntimeError("could not make a unique referral code")


async def record_visit(code: str) -> bool:
    """Count a visit of ``/ref/<code>``; False when there is no such code."""
    from tortoise.expressions import F

    if not fits(ReferralCode, "code", code):
        return False
    return await ReferralCode.filter(code=code).update(visits=F("visits") + 1) > 0


async def _judge(settings: Settings, order: Order, code: ReferralCode) -> tuple[str, list[str]]:
    """The outcome of a new referral and the fraud rules' reasons for it."""
    referrer = await Customer.get(id=code.customer_id)
    friend = await Customer.get(id=order.customer_id)
    earlier = Order.filter(customer_id=order.customer_id, placed_at__lt=order.placed_at).exclude(id=order.id)
    certain = rules.certain_outcome(referrer, friend, await earlier.exists())
    if certain:
        return certain, [certain]
    doubts = await rules.doubts(settings, referrer, friend, order)
    return (Outcome.HELD if doubts else Outcome.COUNTED), doubts


async def attribute_referral(settings: Settings, order: Order) -> Referral | None:
    """Attribute an order that arrived with a referral code; idempotent per order.

    Self-referrals and customers who had ordered before are recorded and do not count; a
    referral the fraud rules doubt waits for an admin (``held``). The referrer's reward comes
    with ``reward_matured_referrals`` once the order is past its return window.
    """
    if not order.referral_code:
        return None
    existing = await Referral.get_or_none(order_id=order.id)
    wanted = order.referral_code.strip().upper()  # a store's discount code may be no referral code
    code = await ReferralCode.get_or_none(code=wanted) if fits(ReferralCode, "code", wanted) else None
    if existing or code is None:
        return existing
    outcome, reasons = await _judge(settings, order, code)
    return await Referral.create(
        code=code,
        referrer_id=code.customer_id,
        referred_id=order.customer_id,
        order=order,
        outcome=outcome,
        reasons=reasons,
    )


async def withdraw_referral(order: Order) -> bool:
    """A referral whose order is refunded or cancelled stops counting: in full, it is withdrawn
    (its points go with ``settle_points``); in part before the reward, it waits for an admin.
    Whether it changed now."""
    live = Referral.filter(order_id=order.id, outcome__in=(Outcome.COUNTED, Outcome.HELD))
    if not order.is_purchase:
        return await live.update(outcome=Outcome.WITHDRAWN) > 0
    referral = await live.filter(rewarded_at__isnull=True).first()
    if referral is None or order.refunded_total <= 0 or rules.Reason.REFUNDED in referral.reasons:
        return False
    referral.outcome, referral.reasons = Outcome.HELD, [*referral.reasons, rules.Reason.REFUNDED]
    await referral.save(update_fields=["outcome", "reasons"])
    return True


@dataclass(frozen=True)
class Flywheel:
    per_advocate: list[dict[str, Any]]
    per_month: list[dict[str, Any]]

    @property
    def total_customers(self) -> int:
        return sum(row["customers"] for row in self.per_month)

    @property
    def total_revenue(self) -> Decimal:
        return sum((row["revenue"] for row in self.per_month), Decimal("0"))


# Revenue is what the shop kept of the referred customers' purchases (Order.kept_revenue).
_PER_ADVOCATE = f"""SELECT r.referrer_id AS customer_id, c.name AS name,
  COUNT(DISTINCT r.referred_id) AS customers, COALESCE(SUM({kept_revenue_sql("o")}), 0) AS revenue
  FROM referral r JOIN customer c ON c.id = r.referrer_id
  LEFT JOIN orders o ON o.customer_id = r.referred_id AND {purchase_sql("o")}
  AND o.placed_at >= r.created_at
  WHERE r.outcome = 'counted' GROUP BY r.referrer_id, c.name ORDER BY revenue DESC"""  # noqa: S608


def _per_month_sql() -> str:
    return f"""SELECT {month_of("r.created_at")} AS month, COUNT(DISTINCT r.referred_id) AS customers,
      COALESCE(SUM({kept_revenue_sql("o")}), 0) AS revenue FROM referral r
      LEFT JOIN orders o ON o.id = r.order_id AND {purchase_sql("o")}
      WHERE r.outcome = 'counted' GROUP BY 1 ORDER BY 1"""  # noqa: S608


def _money(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "revenue": as_decimal(row["revenue"]).quantize(Decimal("0.01"))} for row in rows]


async def flywheel(limit: int = 20) -> Flywheel:
    """Referred customers and their revenue: per advocate (all their orders since the
    referral) and per month of referral (the referred first order)."""
    per_advocate = _money(await fetch(_PER_ADVOCATE))[:limit]
    return Flywheel(per_advocate, _money(await fetch(_per_month_sql())))
