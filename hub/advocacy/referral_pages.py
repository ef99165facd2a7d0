"""What the admin's referrals page and the friend's referral page show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.advocacy import referral_rules as rules
from hub.advocacy.models import Referral
from hub.advocacy.referrals import Outcome

RECENT = 50


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    reasons: list[str]

    @property
    def waiting(self) -> bool:
        return self.referral.outcome == Outcome.HELD


@dataclass(frozen=True)
class FraudCount:
    reason: str
    label: str
    flagged: int
    # Flagged referrals that earn nothing: rejected, withdrawn or settled as not counting.
    stopped: int


@dataclass(frozen=True)
class ReferralsPage:
    waiting: list[ReferralRow]
    decided: list[ReferralRow]
    fraud: list[FraudCount]


def _row(referral: Referral) -> ReferralRow:
    return ReferralRow(referral, rules.labels(referral.reasons or []))


async def fraud_caught() -> list[FraudCount]:
    """Referrals flagged by each fraud rule, and how many of those earn nothing."""
    counts: dict[str, list[int]] = {}
    rows: list[Any] = await Referral.all().values_list("reasons", "outcome")
    for reasons, outcome in rows:
        for reason in reasons or []:
            tally = counts.setdefault(reason, [0, 0])
            tally[0] += 1
            tally[1] += outcome not in (Outcome.COUNTED, Outcome.HELD)
    return [
        FraudCount(reason, rules.LABELS.get(reason, reason), *counts[reason])
        for reason in rules.LABELS
        if reason in counts
    ]


async def referrals_page() -> ReferralsPage:
    related = ("referrer", "referred", "order", "decided_by")
    waiting = await Referral.filter(outcome=Outcome.HELD).order_by("created_at").prefetch_related(*related)
    decided = (
        await Referral.filter(decided_at__isnull=False)
        .order_by("-decided_at")
        .limit(RECENT)
        .prefetch_related(*related)
    )
    return ReferralsPage([_row(r) for r in waiting], [_row(r) for r in decided], await fraud_caught())
