"""Hand-made resolved cases for the support report: two agents (Alice, Bob), two ISO weeks.

Every case is normal priority (24 h to answer, 72 h to resolve) and its customer's own
order is moved before it, so that only the orders placed here count as ordering again.
The figures each test expects are worked out by hand in `EXPECTED`'s comments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hub.catalog.models import Order
from hub.config import Settings
from hub.staff.models import StaffUser
from hub.triage.models import Case
from tests.conftest import make_order
from tests.triage.conftest import make_case

H = timedelta(hours=1)
DAY = timedelta(days=1)
MON_13 = datetime(2025, 1, 13, 9, 0, tzinfo=UTC)  # ISO week 2025-W03
MON_20 = datetime(2025, 1, 20, 9, 0, tzinfo=UTC)  # ISO week 2025-W04
PERIOD = {"from": "2025-01-13", "to": "2025-01-26"}


@dataclass(frozen=True)
class Made:
    opened: datetime  # created, or reopened when ``reopened``
    answered: timedelta | None
    resolved: timedelta
    agent: str  # "alice", "bob" or ""
    csat: int | None = None
    follow_up: bool = True
    reopened: bool = False
    order_after: timedelta | None = None  # a later order, this long after the resolution
    order_state: str = "real"  # real, cancelled or refunded


CASES = {
    "b1": Made(MON_13, 1 * H, 10 * H, "bob", csat=5, order_after=30 * DAY),
    "b2": Made(MON_13, 3 * H, 20 * H, "bob", csat=2, order_after=-2 * DAY),  # ordered before: no
    "b3": Made(MON_13 + DAY, 30 * H, 40 * H, "bob", csat=4, order_after=100 * DAY),  # late answer; too late
    "a1": Made(MON_13, 2 * H, 50 * H, "alice"),  # asked, never answered
    "a2": Made(MON_13 + 2 * DAY, 4 * H, 80 * H, "alice", csat=1, order_after=5 * DAY, order_state="refunded"),
    "b4": Made(
        MON_20, 5 * H, 6 * H, "bob", csat=5, reopened=True, order_after=10 * DAY, order_state="cancelled"
    ),
    "a3": Made(MON_20 + DAY, None, 12 * H, "alice", csat=4, order_after=60 * DAY),  # resolved unanswered
    "u1": Made(MON_20 + 2 * DAY, 8 * H, 16 * H, "", follow_up=False),
}


async def _later_order(case: Case, made: Made, resolved_at: datetime) -> None:
    if made.order_after is None:
        return
    placed = resolved_at + made.order_after
    customer = await case.customer
    assert customer is not None
    states = {
        "real": {},
        "cancelled": {"cancelled_at": placed + DAY},
        "refunded": {"refunded_at": placed + DAY, "refunded_total": Decimal("100.00")},
    }
    await make_order(customer, placed_at=placed, **states[made.order_state])


async def make_handled_case(settings: Settings, made: Made, agent: StaffUser | None) -> Case:
    created = made.opened - 3 * DAY if made.reopened else made.opened
    case = await make_case(settings, now=created)
    resolved_at = made.opened + made.resolved
    await Order.filter(id=case.order_id).update(placed_at=created - 5 * DAY)
    await Case.filter(id=case.id).update(
        status="resolved",
        assignee_id=agent.id if agent else None,
        first_response_at=made.opened + made.answered if made.answered else None,
        first_response_due_at=made.opened + 24 * H,
        resolution_due_at=made.opened + 72 * H,
        resolved_at=resolved_at,
        follow_up_sent_at=resolved_at + 2 * DAY if made.follow_up else None,
        recovery_csat=made.csat,
        reopen_count=1 if made.reopened else 0,
        reopened_at=made.opened if made.reopened else None,
    )
    await _later_order(case, made, resolved_at)
    return case


async def make_report_cases(settings: Settings, alice: StaffUser, bob: StaffUser) -> None:
    agents = {"alice": alice, "bob": bob, "": None}
    for made in CASES.values():
        await make_handled_case(settings, made, agents[made.agent])
    # Neither counts: one still open, one resolved before the period.
    await make_case(settings, now=MON_20)
    await make_handled_case(settings, Made(MON_13 - 30 * DAY, H, 2 * H, "bob", csat=5), bob)


EXPECTED = {
    # first responses (h): 1 3 30 2 4 5 8 → median 4; p90 at rank 5.4: 8 + 0.4 × 22 = 16.8
    # resolutions (h, b4 from its reopening): 10 20 40 50 80 6 12 16 → median 18; p90 at 6.3: 50 + 0.3 × 30
    # SLA missed by b3 (answered late) and a2 (resolved late); a3's resolution is its answer.
    # Recovered (4+) of the 6 answers: b1 b3 b4 a3. Ordered again: recovered b1 a3 of 4 (b3 too
    # late, b4's order cancelled); not recovered none of 2 (b2 ordered before, a2's order refunded).
    "Team": {
        "handled": 8,
        "first_response": (4 * H, 16.8 * H),
        "resolution": (18 * H, 59 * H),
        "sla": 6 / 8,
        "reopen": 1 / 8,
        "sent": 7,
        "answers": 6,
        "recovery": 4 / 6,
        "reorder": ((4, 0.5), (2, 0.0)),
    },
    # Bob: answers 1 3 30 5 → 4, p90 5 + 0.7 × 25; resolutions 10 20 40 6 → 15, p90 20 + 0.7 × 20
    "Bob Agent": {
        "handled": 4,
        "first_response": (4 * H, 22.5 * H),
        "resolution": (15 * H, 34 * H),
        "sla": 3 / 4,
        "reopen": 1 / 4,
        "sent": 4,
        "answers": 4,
        "recovery": 3 / 4,
        "reorder": ((3, 1 / 3), (1, 0.0)),
    },
    # Alice: answers 2 4 → 3, p90 2 + 0.9 × 2; resolutions 50 80 12 → 50, p90 50 + 0.8 × 30
    "Alice Admin": {
        "handled": 3,
        "first_response": (3 * H, 3.8 * H),
        "resolution": (50 * H, 74 * H),
        "sla": 2 / 3,
        "reopen": 0.0,
        "sent": 3,
        "answers": 2,
        "recovery": 1 / 2,
        "reorder": ((1, 1.0), (1, 0.0)),
    },
}
