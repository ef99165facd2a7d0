from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hub.business_hours import parse_business_hours
from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.staff.models import StaffUser
from hub.triage.jobs import escalate_overdue_cases
from hub.triage.models import Case, CaseEvent, Priority
from hub.triage.sla import due_times, raised
from tests.conftest import NOW
from tests.triage.conftest import make_case


def test_priorities_rise_one_step_and_urgent_stays_urgent() -> None:
    assert [raised(p) for p in ("low", "normal", "high", "urgent")] == ["normal", "high", "urgent", "urgent"]


def test_targets_come_from_the_settings_over_the_defaults(settings: Settings) -> None:
    custom = settings.with_overrides(sla_hours={**settings.sla_hours, "urgent": (0.5, 2)})
    assert due_times(custom, "urgent", NOW) == (NOW + timedelta(minutes=30), NOW + timedelta(hours=2))
    assert due_times(settings, "low", NOW) == (NOW + timedelta(hours=72), NOW + timedelta(days=7))


def test_the_setting_names_a_target_for_every_priority() -> None:
    assert set(Settings().sla_hours) == {priority.value for priority in Priority}


async def test_an_overdue_case_is_escalated_exactly_once_and_its_assignee_mailed(
    settings: Settings, db: str, bob: StaffUser
) -> None:
    case = await make_case(settings, priority="normal")
    await Case.filter(id=case.id).update(assignee_id=bob.id)
    later = NOW + timedelta(hours=25)
    assert await escalate_overdue_cases(settings, later) == 1
    assert await escalate_overdue_cases(settings, later + timedelta(hours=1)) == 0
    escalated = await Case.get(id=case.id)
    assert escalated.priority == "high" and escalated.escalated_at == later
    mails = await OutboxMessage.filter(kind="case_escalation")
    assert [m.to_address for m in mails] == [bob.email]
    assert case.reference in mails[0].subject
    assert await CaseEvent.filter(case=case, kind="escalated").count() == 1


async def test_an_unassigned_overdue_case_goes_to_the_team_address(settings: Settings, db: str) -> None:
    await make_case(settings, priority="urgent")
    assert await escalate_overdue_cases(settings, NOW + timedelta(hours=2)) == 1
    mail = await OutboxMessage.get(kind="case_escalation")
    assert mail.to_address == settings.support_email


async def test_a_case_within_its_targets_is_left_alone(settings: Settings, db: str) -> None:
    case = await make_case(settings, priority="normal")
    case.first_response_at = NOW
    await case.save(update_fields=["first_response_at"])
    assert await escalate_overdue_cases(settings, NOW + timedelta(hours=30)) == 0


async def test_saving_an_old_copy_of_a_case_keeps_the_deadline_a_reply_moved(
    settings: Settings, db: str
) -> None:
    case = await make_case(settings, priority="normal")
    stale = await Case.get(id=case.id)
    await Case.filter(id=case.id).update(first_response_at=NOW, breach_at=case.resolution_due_at)
    stale.priority = "high"  # another agent, working from a copy loaded before the reply
    await stale.save(update_fields=["priority", "updated_at"])
    stored = await Case.get(id=case.id)
    assert (stored.priority, stored.breach_at) == ("high", case.resolution_due_at)


BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY_4PM = datetime(2026, 6, 12, 16, 0, tzinfo=BERLIN)


def _desk(settings: Settings, hours: str = "mon-fri 08:00-17:00") -> Settings:
    return settings.with_overrides(business_hours=parse_business_hours(hours), time_zone="Europe/Berlin")


def test_an_eight_hour_target_set_on_friday_at_four_falls_due_on_monday_at_three(settings: Settings) -> None:
    desk = _desk(settings.with_overrides(sla_hours={**settings.sla_hours, "urgent": (1, 8)}))
    first, resolve = due_times(desk, "urgent", FRIDAY_4PM)
    assert first == datetime(2026, 6, 12, 17, 0, tzinfo=BERLIN)
    assert resolve == datetime(2026, 6, 15, 15, 0, tzinfo=BERLIN)


def test_without_business_hours_the_clock_runs_around_the_clock(settings: Settings) -> None:
    assert due_times(settings, "urgent", FRIDAY_4PM) == (
        FRIDAY_4PM + timedelta(hours=1),
        FRIDAY_4PM + timedelta(hours=8),
    )


async def test_a_case_opened_on_friday_afternoon_is_not_escalated_over_the_weekend(
    settings: Settings, db: str
) -> None:
    desk = _desk(settings, "mon-fri 09:00-17:00")
    case = await make_case(desk, priority="high", now=FRIDAY_4PM)  # 4 h to the first response
    assert case.first_response_due_at == datetime(2026, 6, 15, 12, 0, tzinfo=BERLIN)
    sunday_night = datetime(2026, 6, 14, 23, 0, tzinfo=BERLIN)
    assert await escalate_overdue_cases(desk, sunday_night) == 0
    assert await escalate_overdue_cases(desk, datetime(2026, 6, 15, 12, 1, tzinfo=BERLIN)) == 1
