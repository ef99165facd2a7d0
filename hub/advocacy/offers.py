"""The discount codes of referrals and win-backs, from the shop's code pools (hub.advocacy.codes).

Which pool each purpose draws from is a shop setting; one place asks, so every caller
issues codes the same way.
"""

from __future__ import annotations

from datetime import datetime

from hub.advocacy.codes import issue_code, pool_left
from hub.catalog.models import Customer
from hub.config import Settings


async def welcome_offered(settings: Settings) -> bool:
    """Whether the referral page has a welcome code to give."""
    pool = settings.referral_welcome_pool
    return bool(pool) and await pool_left(pool) > 0


async def welcome_code(settings: Settings, reason: str, now: datetime) -> str:
    """A friend's welcome code; the friend is no customer yet, so it is issued to no one."""
    code = await issue_code(settings.referral_welcome_pool, None, reason, now)
    return code.code if code else ""


async def reward_code(settings: Settings, referrer: Customer, reason: str, now: datetime) -> str:
    code = await issue_code(settings.referral_reward_pool, referrer, reason, now)
    return code.code if code else ""


async def win_back_code(settings: Settings, customer: Customer, now: datetime) -> str:
    """The customer's own code from the win-back pool, else the shop's one win-back code."""
    if settings.win_back_pool:
        code = await issue_code(settings.win_back_pool, customer, "win-back", now)
        if code:
            return code.code
    return settings.win_back_offer.strip()
