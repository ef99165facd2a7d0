"""The stage rule at each of its boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hub.advocacy.models import Stage
from hub.advocacy.stages import StageFacts, Thresholds, stage_for
from hub.config import Settings

TODAY = date(2025, 6, 30)
LIMITS = Thresholds()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def one_order(days: int) -> StageFacts:
    return StageFacts(
        created_on=ago(days),
        orders=1,
        orders_in_window=int(days < 365),
        first_order_on=ago(days),
        last_order_on=ago(days),
    )


@pytest.mark.parametrize(
    ("days", "stage"),
    [
        (0, Stage.NEW),
        (89, Stage.NEW),
        (90, Stage.ACTIVE),
        (91, Stage.ACTIVE),
        (119, Stage.ACTIVE),
        (120, Stage.AT_RISK),
        (179, Stage.AT_RISK),
        (180, Stage.DORMANT),
        (181, Stage.DORMANT),
    ],
)
def test_a_one_time_buyer_ages_from_new_to_dormant(days: int, stage: Stage) -> None:
    assert stage_for(one_order(days), TODAY, LIMITS) == stage


@pytest.mark.parametrize(("days", "stage"), [(89, Stage.NEW), (90, Stage.DORMANT), (91, Stage.DORMANT)])
def test_a_customer_without_orders_is_new_only_while_recent(days: int, stage: Stage) -> None:
    assert stage_for(StageFacts(created_on=ago(days)), TODAY, LIMITS) == stage


def regular(orders_in_window: int, last: int = 10, **extra: object) -> StageFacts:
    return StageFacts(
        created_on=ago(300),
        orders=orders_in_window,
        orders_in_window=orders_in_window,
        first_order_on=ago(300),
        last_order_on=ago(last),
        **extra,
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(("orders", "stage"), [(2, Stage.ACTIVE), (3, Stage.LOYAL), (4, Stage.LOYAL)])
def test_three_orders_in_twelve_months_make_a_customer_loyal(orders: int, stage: Stage) -> None:
    assert stage_for(regular(orders), TODAY, LIMITS) == stage


def test_two_orders_and_a_promoter_answer_make_a_customer_loyal_and_an_advocate() -> None:
    assert stage_for(regular(2, promoter=True), TODAY, LIMITS) == Stage.ADVOCATE
    assert stage_for(regular(1, promoter=True), TODAY, LIMITS) == Stage.ACTIVE


@pytest.mark.parametrize("sign", [{"praised_reviews": 1}, {"counted_referrals": 1}, {"promoter": True}])
def test_a_loyal_customer_with_a_sign_of_advocacy_is_an_advocate(sign: dict[str, object]) -> None:
    assert stage_for(regular(3, **sign), TODAY, LIMITS) == Stage.ADVOCATE


def test_advocacy_without_loyalty_is_not_enough() -> None:
    assert stage_for(regular(1, praised_reviews=5), TODAY, LIMITS) == Stage.ACTIVE


def every_sixty_days(last: int) -> StageFacts:
    """Two orders 60 days apart: the usual interval is 60 days, at risk after 90."""
    return StageFacts(
        created_on=ago(last + 60),
        orders=2,
        orders_in_window=2,
        first_order_on=ago(last + 60),
        last_order_on=ago(last),
    )


@pytest.mark.parametrize(("days", "stage"), [(89, Stage.ACTIVE), (90, Stage.ACTIVE), (91, Stage.AT_RISK)])
def test_a_customer_past_one_and_a_half_usual_intervals_is_at_risk(days: int, stage: Stage) -> None:
    assert stage_for(every_sixty_days(days), TODAY, LIMITS) == stage


def test_dormancy_wins_over_loyalty() -> None:
    assert stage_for(regular(3, last=180, promoter=True), TODAY, LIMITS) == Stage.DORMANT


def test_loyalty_wins_over_being_at_risk() -> None:
    facts = StageFacts(
        created_on=ago(100), orders=3, orders_in_window=3, first_order_on=ago(100), last_order_on=ago(90)
    )
    assert stage_for(facts, TODAY, LIMITS) == Stage.LOYAL


def test_thresholds_come_from_the_settings() -> None:
    limits = Thresholds.from_settings(Settings(stage_dormant_days=100))
    assert limits.dormant_days == 100
    assert stage_for(one_order(100), TODAY, limits) == Stage.DORMANT


def test_the_default_thresholds_are_the_settings_defaults() -> None:
    assert Thresholds.from_settings(Settings()) == Thresholds()
