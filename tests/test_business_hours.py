"""Business hours: the text a shop writes, and the SLA clock that runs only inside them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hub.business_hours import BusinessHours, BusinessHoursError, parse_business_hours
from hub.config import SettingsError, env_setting

BERLIN = ZoneInfo("Europe/Berlin")
DESK = parse_business_hours("mon-fri 09:00-17:00")


def berlin(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)  # type: ignore[misc]


def test_the_text_reads_back_as_one_window_a_day() -> None:
    hours = parse_business_hours("Mon-Thu 09:00-17:00, fri 09:00-15:00")
    assert str(hours) == (
        "mon 09:00-17:00, tue 09:00-17:00, wed 09:00-17:00, thu 09:00-17:00, fri 09:00-15:00"
    )
    assert parse_business_hours(str(hours)) == hours


def test_a_day_range_may_wrap_the_weekend() -> None:
    assert [w.weekday for w in parse_business_hours("fri-mon 10:00-14:00").windows] == [0, 4, 5, 6]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("mon-fun 09:00-17:00", "'fun' is not a day"),
        ("mon 17:00-09:00", "the end must come after the start"),
        ("mon 09:00-24:30", "is not a time of day"),
        ("mon 09:60-12:00", "is not a time of day"),
        ("weekdays", "is not of the form 'mon-fri 09:00-17:00'"),
        ("mon 09:00-13:00, mon 12:00-17:00", "overlap"),
    ],
)
def test_a_bad_text_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(BusinessHoursError, match=says):
        parse_business_hours(text)


def test_a_case_opened_friday_afternoon_is_due_on_monday() -> None:
    desk = parse_business_hours("mon-fri 08:00-17:00")
    friday = berlin(2026, 6, 12, 16, 0)
    assert desk.add(friday, timedelta(hours=8), BERLIN) == berlin(2026, 6, 15, 15, 0)
    assert DESK.add(friday, timedelta(hours=8), BERLIN) == berlin(2026, 6, 15, 16, 0)


def test_the_clock_starts_at_the_next_opening_outside_hours() -> None:
    saturday = berlin(2026, 6, 13, 11, 0)
    assert DESK.add(saturday, timedelta(hours=1), BERLIN) == berlin(2026, 6, 15, 10, 0)
    late_evening = berlin(2026, 6, 15, 22, 0)
    assert DESK.add(late_evening, timedelta(hours=8), BERLIN) == berlin(2026, 6, 16, 17, 0)


def test_a_long_target_runs_over_several_weeks() -> None:
    monday = berlin(2026, 6, 15, 9, 0)
    assert DESK.add(monday, timedelta(hours=168), BERLIN) == berlin(2026, 7, 13, 17, 0)


def test_the_desk_opens_at_nine_on_the_monday_after_the_clocks_go_forward() -> None:
    friday = berlin(2026, 3, 27, 16, 0)  # CET; clocks go forward on Sunday the 29th
    due = DESK.add(friday, timedelta(hours=8), BERLIN)
    assert due == berlin(2026, 3, 30, 16, 0)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 14, 0, tzinfo=UTC)


def test_around_the_clock_hours_count_the_real_hours_of_a_day_that_has_25() -> None:
    every_hour = parse_business_hours("mon-sun 00:00-24:00")
    saturday = berlin(2026, 10, 24, 12, 0)  # CEST; clocks go back on Sunday the 25th
    due = every_hour.add(saturday, timedelta(hours=24), BERLIN)
    assert due == saturday.astimezone(UTC) + timedelta(hours=24)
    assert due.astimezone(BERLIN).hour == 11


def test_no_hours_means_around_the_clock() -> None:
    start = datetime(2026, 6, 13, 23, 30, tzinfo=UTC)
    assert BusinessHours().add(start, timedelta(hours=8), BERLIN) == start + timedelta(hours=8)


def test_the_settings_read_the_hours_and_the_zone() -> None:
    env = {"HUB_BUSINESS_HOURS": "mon-fri 09:00-17:00", "HUB_TIME_ZONE": "Europe/Berlin"}
    assert env_setting("business_hours", env) == DESK
    assert env_setting("time_zone", env) == "Europe/Berlin"
    assert env_setting("business_hours", {}).around_the_clock
    assert env_setting("time_zone", {}) == "UTC"


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("HUB_TIME_ZONE", "Mars/Olympus", "HUB_TIME_ZONE='Mars/Olympus' is not a time zone"),
        ("HUB_TIME_ZONE", "../etc/passwd", "is not a time zone"),
        ("HUB_BUSINESS_HOURS", "mon-fri 9-5", "HUB_BUSINESS_HOURS: 'mon-fri 9-5' is not of the form"),
    ],
)
def test_a_bad_zone_or_hours_stop_the_start(variable: str, value: str, says: str) -> None:
    with pytest.raises(SettingsError, match=says):
        env_setting(variable.removeprefix("HUB_").lower(), {variable: value})


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (berlin(2025, 3, 14, 16, 0), berlin(2025, 3, 17, 10, 0), 2),  # Friday 16:00 to Monday 10:00
        (berlin(2025, 3, 15, 8, 0), berlin(2025, 3, 16, 20, 0), 0),  # a weekend
        (berlin(2025, 3, 10, 12, 0), berlin(2025, 3, 10, 13, 30), 1.5),  # inside one day
        (berlin(2025, 3, 10, 18, 0), berlin(2025, 3, 11, 8, 0), 0),  # overnight
        (berlin(2025, 3, 10, 12, 0), berlin(2025, 4, 2, 12, 0), 17 * 8),  # whole weeks between
        (berlin(2025, 3, 10, 12, 0), berlin(2025, 3, 10, 11, 0), 0),  # the end first
    ],
)
def test_the_business_time_between_two_moments_counts_only_open_hours(
    start: datetime, end: datetime, hours: float
) -> None:
    assert DESK.between(start, end, BERLIN) == timedelta(hours=hours)


def test_without_business_hours_the_time_between_is_the_calendar_time() -> None:
    start = datetime(2025, 3, 14, 16, 0, tzinfo=UTC)
    assert BusinessHours().between(start, start + timedelta(hours=50), BERLIN) == timedelta(hours=50)


def test_the_time_between_is_what_add_took() -> None:
    start = berlin(2025, 3, 13, 15, 20)
    for hours in (1, 7, 8, 30, 200):
        assert DESK.between(start, DESK.add(start, timedelta(hours=hours), BERLIN), BERLIN) == timedelta(
            hours=hours
        )
