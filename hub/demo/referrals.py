"""A few regulars share referral codes, and a few first orders arrive with one."""

from __future__ import annotations

from datetime import timedelta

from hub.advocacy.models import Referral, ReferralCode
from hub.demo.context import Demo
from hub.demo.customers import Shopper
from hub.demo.orders import Purchase

REFERRER_COUNT = 12
REFERRED_SHARE = 0.06  # of first orders placed after some code existed


def build_referrals(demo: Demo, purchases: list[Purchase]) -> None:
    codes = _codes(demo, purchases)
    first_orders = [p for p in purchases if p.order.placed_at == p.shopper.dates[0]]
    for purchase in first_orders:
        usable = [(code, owner) for code, owner in codes if code.created_at < purchase.order.placed_at]
        if usable and demo.chance(REFERRED_SHARE):
            _refer(demo, *demo.rng.choice(usable), purchase)


def _codes(demo: Demo, purchases: list[Purchase]) -> list[tuple[ReferralCode, Shopper]]:
    regulars = {p.shopper.customer.pk: p.shopper for p in purchases if p.shopper.segment == "regular"}
    chosen = demo.rng.sample(sorted(regulars), k=min(REFERRER_COUNT, len(regulars)))
    return [(_code(demo, regulars[pk]), regulars[pk]) for pk in chosen]


def _code(demo: Demo, shopper: Shopper) -> ReferralCode:
    first = shopper.customer.first_name.upper()
    suffix = "".join(demo.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(4))
    return demo.add(
        ReferralCode,
        customer_id=shopper.customer.pk,
        code=f"{first}-{suffix}",
        created_at=shopper.dates[min(1, len(shopper.dates) - 1)] + timedelta(days=1),
    )


def _refer(demo: Demo, code: ReferralCode, owner: Shopper, purchase: Purchase) -> None:
    code.visits += demo.rng.randrange(3, 9)
    purchase.order.referral_code = code.code
    purchase.order.discount_codes = [code.code]
    demo.add(
        Referral,
        code_id=code.pk,
        referrer_id=owner.customer.pk,
        referred_id=purchase.shopper.customer.pk,
        order_id=purchase.order.pk,
        outcome="counted",
        created_at=purchase.order.placed_at,
    )
