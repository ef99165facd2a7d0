"""The support report's figures and its page: hand-computed cases of two agents over two weeks."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from hub.business_hours import parse_business_hours
from hub.config import Settings
from hub.staff.models import StaffUser
from hub.triage.actions import ActionContext, reopen, resolve
from hub.triage.models import Case
from hub.triage.report import Figures
from hub.triage.report_query import Period, Report, support_report
from tests.conftest import log_in
from tests.triage.conftest import make_case
from tests.triage.report_cases import (
    DAY,
    EXPECTED,
    MON_13,
    MON_20,
    PERIOD,
    H,
    Made,
    make_handled_case,
    make_report_cases,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)  # every 90-day window of the cases is over
JANUARY = Period(date(2025, 1, 13), date(2025, 1, 26))


def _by_name(report: Report) -> dict[str, Figures]:
    return {series.name: series.total for series in [report.team, *report.agents]}


async def test_the_figures_match_the_hand_computed_ones(
    settings: Settings, alice: StaffUser, bob: StaffUser
) -> None:
    await make_report_cases(settings, alice, bob)
    found = _by_name(await support_report(settings, JANUARY, NOW))
    assert set(found) == set(EXPECTED)
    for name, want in EXPECTED.items():
        f = found[name]
        assert f.handled == want["handled"], name
        assert (f.first_response.median, f.first_response.p90) == want["first_response"], name
        assert (f.resolution.median, f.resolution.p90) == want["resolution"], name
        assert f.sla_attainment == pytest.approx(want["sla"]), name
        assert f.reopen_rate == want["reopen"], name
        assert (f.follow_ups_sent, f.follow_up_answers) == (want["sent"], want["answers"]), name
        assert f.recovery_rate == pytest.approx(want["recovery"]), name
        groups = (f.reorder.recovered, f.reorder.unrecovered)
        assert tuple((g.cases, g.rate) for g in groups) == want["reorder"], name
        assert f.reorder.comparable is False  # each group is under 20 cases


async def test_the_weeks_are_iso_weeks_of_the_resolution(
    settings: Settings, alice: StaffUser, bob: StaffUser
) -> None:
    await make_report_cases(settings, alice, bob)
    report = await support_report(settings, JANUARY, NOW)
    assert report.week_labels == ["2025-W03", "2025-W04"]
    first, second = report.team.weekly
    assert (first.handled, second.handled) == (5, 3)
    assert first.first_response.median == 3 * H  # 1 2 3 4 30
    bob = next(series for series in report.agents if series.name == "Bob Agent")
    assert [week.reopened for week in bob.weekly] == [0, 1]


async def test_a_week_is_counted_in_the_shops_time_zone(settings: Settings, bob: StaffUser) -> None:
    sunday_late = datetime(2025, 1, 19, 23, 30, tzinfo=UTC)  # Monday 00:30 in Berlin
    await make_handled_case(settings, Made(sunday_late - 2 * H, H, 2 * H, "bob"), bob)
    in_utc = await support_report(settings, JANUARY, NOW)
    berlin = await support_report(settings.with_overrides(time_zone="Europe/Berlin"), JANUARY, NOW)
    assert [week.handled for week in in_utc.team.weekly] == [1, 0]
    assert [week.handled for week in berlin.team.weekly] == [0, 1]


async def test_business_hours_count_only_the_open_hours(settings: Settings, bob: StaffUser) -> None:
    friday_four_pm = datetime(2025, 1, 17, 16, 0, tzinfo=UTC)
    # Answered Monday 10:00 and resolved Monday 12:00: 66 and 68 hours, or 2 and 4 business hours.
    await make_handled_case(settings, Made(friday_four_pm, 66 * H, 68 * H, "bob"), bob)
    desk = settings.with_overrides(business_hours=parse_business_hours("mon-fri 09:00-17:00"))
    calendar = (await support_report(settings, JANUARY, NOW)).team.total
    business = (await support_report(desk, JANUARY, NOW)).team.total
    assert (calendar.first_response.median, calendar.resolution.median) == (66 * H, 68 * H)
    assert (business.first_response.median, business.resolution.median) == (2 * H, 4 * H)


async def test_a_case_reopened_and_resolved_again_counts_once_in_the_reopen_rate(
    settings: Settings, bob: StaffUser
) -> None:
    case = await make_case(settings, now=MON_13)
    for step in range(3):  # resolved, reopened, resolved, reopened, resolved
        at = MON_13 + step * DAY
        if step:
            await reopen(ActionContext(settings, case, bob, {}, at))
        await resolve(ActionContext(settings, case, bob, {"resolution": "apology"}, at + H))
    await make_handled_case(settings, Made(MON_20, H, 2 * H, "bob"), bob)
    team = (await support_report(settings, JANUARY, NOW)).team.total
    assert (await Case.get(id=case.id)).reopen_count == 2
    assert (team.handled, team.reopened, team.reopen_rate) == (2, 1, 0.5)
    assert team.resolution.median == 1.5 * H  # an hour after its last reopening, and 2 hours


async def test_a_customer_still_within_90_days_waits_outside_the_comparison(
    settings: Settings, bob: StaffUser
) -> None:
    await make_handled_case(settings, Made(MON_20, H, 2 * H, "bob", csat=5), bob)
    soon = MON_20 + 30 * DAY
    reorder = (await support_report(settings, JANUARY, soon)).team.total.reorder
    assert (reorder.recovered.cases, reorder.waiting) == (0, 1)


def _row(html: str, table: str, label: str) -> list[str]:
    body = html[html.index(f'id="{table}"') :]
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', body, re.S)
    assert row is not None, label
    return [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


async def _page(client: httpx.AsyncClient, **params: Any) -> httpx.Response:
    return await client.get("/admin/cases/report", params={**PERIOD, **params})


async def test_the_page_shows_the_team_and_each_agent(
    client: httpx.AsyncClient, settings: Settings, alice: StaffUser, bob: StaffUser
) -> None:
    await make_report_cases(settings, alice, bob)
    await log_in(client, bob)
    page = await _page(client)
    assert page.status_code == 200
    assert _row(page.text, "support-figures", "Team") == [
        "8", "4.0 h", "16.8 h", "18.0 h", "2.5 days", "75%", "12%", "7", "6", "67%",
    ]  # fmt: skip
    assert _row(page.text, "support-figures", "Bob Agent")[:3] == ["4", "4.0 h", "22.5 h"]
    assert _row(page.text, "reorder", "Team") == ["4", "50%", "2", "0%", "0"]
    assert "Too few answers to compare yet" in page.text
    assert "calendar time" in page.text and "assigned to" in page.text


async def test_the_page_draws_a_chart_for_each_figure(
    client: httpx.AsyncClient, settings: Settings, alice: StaffUser, bob: StaffUser
) -> None:
    await make_report_cases(settings, alice, bob)
    await log_in(client, bob)
    page = await _page(client)
    charts = re.findall(r'<svg [^>]*role="img"[^>]*>\s*<title id="[^"]+">([^<]+)</title>', page.text)
    assert charts == [
        "Cases handled",
        "Median first response (hours)",
        "90th percentile first response (hours)",
        "Median resolution (hours)",
        "90th percentile resolution (hours)",
        "SLA attainment",
        "Reopen rate",
        "Follow-up answers",
        "Recovery rate",
        "Ordered again within 90 days: recovered against not recovered customers",
    ]
    assert page.text.count("<polyline") >= len(charts)


async def test_the_page_narrowed_to_one_agent_lists_only_them(
    client: httpx.AsyncClient, settings: Settings, alice: StaffUser, bob: StaffUser
) -> None:
    await make_report_cases(settings, alice, bob)
    await log_in(client, bob)
    page = await _page(client, agent=str(alice.id))
    assert _row(page.text, "support-figures", "Alice Admin")[0] == "3"
    assert '<th scope="row">Bob Agent</th>' not in page.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-13-01"}, "from"),
        ({"to": "soon"}, "to"),
        ({"from": "2025-02-01", "to": "2025-01-01"}, "from"),
        ({"from": "2020-01-01", "to": "2025-01-01"}, "from"),
        ({"agent": "bob"}, "agent"),
        ({"agent": "999999"}, "agent"),
    ],
)
async def test_a_bad_query_is_refused_naming_the_field(
    client: httpx.AsyncClient, bob: StaffUser, params: dict[str, str], field: str
) -> None:
    await log_in(client, bob)
    page = await client.get("/admin/cases/report", params=params)
    assert page.status_code == 422 and field in page.text


async def test_the_page_defaults_to_the_last_twelve_weeks(client: httpx.AsyncClient, bob: StaffUser) -> None:
    await log_in(client, bob)
    page = await client.get("/admin/cases/report")
    assert page.status_code == 200
    today = datetime.now(UTC).date()
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=11)
    assert f'name="from" value="{start.isoformat()}"' in page.text
