"""Where a referral's and a win-back's discount codes come from: the one place that asks.

The shop's code pool (issue 19, ``hub.advocacy.codes.issue_code``) was not on this branch
when it was written; until it is merged, each pool hands out the one code its setting names.
Swap the body of ``issue_code`` for the pool's and every caller follows.
"""

from __future__ import annotations

from hub.config import Settings


class Pool:
    REFERRAL_WELCOME = "referral_welcome"
    REFERRAL_REWARD = "referral_reward"
    WIN_BACK = "win_back"


_SETTING = {
    Pool.REFERRAL_WELCOME: "referral_welcome_code",
    Pool.REFERRAL_REWARD: "referral_reward_code",
    Pool.WIN_BACK: "win_back_offer",
}


async def issue_code(settings: Settings, pool: str, reason: str) -> str:
    """A code of ``pool`` given for ``reason``; empty when the shop set none."""
    return str(getattr(settings, _SETTING[pool])).strip()
