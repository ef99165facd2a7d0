"""Reopening a case: both ways (an agent, a customer's reply) count it and restart its SLA."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from hub.business_hours import parse_business_hours
from hub.config import Settings
from hub.staff.models import StaffUser
from hub.triage.actions import ActionContext, CaseActionError, reopen, reply, resolve
from hub.triage.inbound.process import reopen_for_reply
from hub.triage.models import Case
from tests.conftest import NOW
from tests.triage.conftest import make_case

H = timedelta(hours=1)
LATER = NOW + timedelta(days=10)  # long past the first targets (24 h, 72 h for normal)


async def _answered_and_resolved(settings: Settings, bob: StaffUser) -> Case:
    case = await make_case(settings)
    await reply(ActionContext(settings, case, bob, {"body": "Sorry, a new one is on its way."}, NOW + H))
    await resolve(ActionContext(settings, case, bob, {"resolution": "replacement"}, NOW + 2 * H))
    return await Case.get(id=case.id)


async def _reopen_by_agent(settings: Settings, case: Case, bob: StaffUser) -> None:
    await reopen(ActionContext(settings, case, bob, {}, LATER))


async def _reopen_by_customer(settings: Settings, case: Case, bob: StaffUser) -> None:
    await reopen_for_reply(settings, case, LATER)


@pytest.mark.parametrize("reopen_it", [_reopen_by_agent, _reopen_by_customer])
async def test_a_reopened_case_owes_a_new_first_response_from_the_reopen_time(
    settings: Settings, bob: StaffUser, reopen_it: Callable[[Settings, Case, StaffUser], Awaitable[None]]
) -> None:
    case = await _answered_and_resolved(settings, bob)
    await reopen_it(settings, case, bob)
    reopened = await Case.get(id=case.id)
    assert reopened.status == "open" and reopened.resolved_at is None
    assert reopened.first_response_at is None
    assert reopened.first_response_due_at == LATER + 24 * H
    assert reopened.resolution_due_at == LATER + 72 * H
    assert reopened.breach_at == LATER + 24 * H
    assert not reopened.is_late(LATER + H) and reopened.is_late(LATER + 25 * H)
    assert (reopened.reopen_count, reopened.reopened_at) == (1, LATER)


async def test_the_new_due_times_follow_the_business_hours(settings: Settings, bob: StaffUser) -> None:
    desk = settings.with_overrides(business_hours=parse_business_hours("mon-fri 09:00-17:00"))
    case = await _answered_and_resolved(desk, bob)
    friday_four_pm = NOW.replace(day=14, hour=16)  # NOW is Monday 10 March 2025, UTC
    await reopen_for_reply(desk, case, friday_four_pm)
    reopened = await Case.get(id=case.id)
    # 24 business hours from Friday 16:00: 1 on Friday, 8 on Monday and Tuesday, 7 on Wednesday.
    assert reopened.first_response_due_at == NOW.replace(day=19, hour=16)


async def test_a_case_reopened_by_its_customer_twice_while_open_counts_once(
    settings: Settings, bob: StaffUser
) -> None:
    case = await _answered_and_resolved(settings, bob)
    await reopen_for_reply(settings, case, LATER)
    await reopen_for_reply(settings, case, LATER + H)  # already open: nothing more
    assert (await Case.get(id=case.id)).reopen_count == 1


async def test_an_agent_cannot_reopen_a_case_still_open(settings: Settings, bob: StaffUser) -> None:
    case = await make_case(settings)
    with pytest.raises(CaseActionError) as raised:
        await reopen(ActionContext(settings, case, bob, {}, LATER))
    assert raised.value.field == "status"
    assert (await Case.get(id=case.id)).reopen_count == 0


async def test_a_pending_case_the_customer_answers_is_open_again_but_not_reopened(
    settings: Settings, bob: StaffUser
) -> None:
    case = await make_case(settings)
    await Case.filter(id=case.id).update(status="pending")
    await reopen_for_reply(settings, case, LATER)
    resumed = await Case.get(id=case.id)
    assert resumed.status == "open" and resumed.reopen_count == 0
    assert resumed.first_response_due_at == case.first_response_due_at
