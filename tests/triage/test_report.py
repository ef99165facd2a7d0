from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from hub.config import Settings
from hub.staff.models import StaffUser
from hub.triage.models import Case
from hub.triage.report import case_report
from tests.conftest import log_in
from tests.triage.conftest import make_case

JAN = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
FEB = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


async def _four_cases(settings: Settings, bob: StaffUser) -> None:
    """Hand-made: normal priority, so targets are 24 h to answer and 72 h to resolve."""
    rows = [  # created, first response after, resolved after, csat, agent
        (JAN, 2 * H, 10 * H, 5, bob),
        (JAN, 30 * H, 40 * H, 3, bob),  # answered late: misses the SLA
        (FEB, 4 * H, 100 * H, 4, None),  # resolved late
        (FEB, 6 * H, None, None, None),  # still open
    ]
    for created, answered, resolved, csat, agent in rows:
        case = await make_case(settings, now=created)
        await Case.filter(id=case.id).update(
            first_response_at=created + answered,
            resolved_at=created + resolved if resolved else None,
            recovery_csat=csat,
            assignee_id=agent.id if agent else None,
        )


async def test_the_report_matches_hand_computed_figures(settings: Settings, bob: StaffUser) -> None:
    await _four_cases(settings, bob)
    report = await case_report(JAN - timedelta(days=1))
    overall = report.overall
    assert (overall.cases, overall.resolved) == (4, 3)
    assert overall.median_first_response == 5 * H  # 2, 4, 6, 30 → (4 + 6) / 2
    assert overall.median_resolution == 40 * H  # 10, 40, 100
    assert overall.sla_attainment == 1 / 3
    assert overall.recovery_rate == 2 / 3
    agents = {f.label: f for f in report.by_agent}
    assert agents["Bob Agent"].median_first_response == 16 * H
    assert agents["Bob Agent"].recovery_rate == 1 / 2
    assert agents["unassigned"].sla_attainment == 0
    months = {f.label: f for f in report.by_month}
    assert months["2025-01"].median_resolution == 25 * H
    assert months["2025-02"].resolved == 1


async def test_the_report_page_shows_the_figures(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    await make_case(settings, now=datetime.now(UTC))
    await log_in(client, bob)
    page = await client.get("/admin/cases/report")
    assert page.status_code == 200 and "By agent" in page.text and "Recovery rate" in page.text
