from __future__ import annotations

from datetime import timedelta

import pytest

from hub.config import Settings
from hub.links.models import LinkToken
from hub.mail.models import OutboxMessage
from hub.staff.models import StaffUser
from hub.triage.actions import ActionContext, reopen, resolve
from hub.triage.jobs import send_case_follow_ups
from hub.triage.models import Case, CaseEvent
from hub.triage.recovery import RecoveryError, record_recovery
from tests.conftest import NOW
from tests.triage.conftest import make_case


async def _resolved(settings: Settings, bob: StaffUser, rating: int = 1) -> Case:
    case = await make_case(settings, rating=rating)
    await resolve(ActionContext(settings, case, bob, {"resolution": "refund"}, NOW))
    return await Case.get(id=case.id)


async def test_the_follow_up_is_sent_once_two_days_after_the_resolution(
    settings: Settings, bob: StaffUser
) -> None:
    case = await _resolved(settings, bob)
    assert await send_case_follow_ups(settings, NOW + timedelta(days=1)) == 0
    assert await send_case_follow_ups(settings, NOW + timedelta(days=2)) == 1
    assert await send_case_follow_ups(settings, NOW + timedelta(days=3)) == 0
    mail = await OutboxMessage.get(kind="case_follow_up")
    assert "Did we put things right?" in mail.subject and case.reference in mail.subject
    assert "http://testserver/s/" in mail.text_body
    token = await LinkToken.get(purpose="follow_up")
    assert (token.subject_type, token.subject_id, token.order_id) == ("case", case.id, case.order_id)
    assert await CaseEvent.filter(case=case, kind="follow_up").count() == 1


async def test_a_case_resolved_again_after_a_reopen_gets_a_new_follow_up(
    settings: Settings, bob: StaffUser
) -> None:
    case = await _resolved(settings, bob)
    assert await send_case_follow_ups(settings, NOW + timedelta(days=2)) == 1
    await reopen(ActionContext(settings, case, bob, {}, NOW + timedelta(days=3)))
    case = await Case.get(id=case.id)
    later = NOW + timedelta(days=4)
    await resolve(ActionContext(settings, case, bob, {"resolution": "replacement"}, later))
    assert await send_case_follow_ups(settings, later + timedelta(days=2)) == 1
    assert await OutboxMessage.filter(kind="case_follow_up").count() == 2


async def test_a_negative_reviewer_is_invited_but_not_pressed_to_update(
    settings: Settings, bob: StaffUser
) -> None:
    await _resolved(settings, bob, rating=1)
    await send_case_follow_ups(settings, NOW + timedelta(days=2))
    mail = await OutboxMessage.get(kind="case_follow_up")
    assert "only if you want to" in mail.text_body and "http://testserver/r/" in mail.text_body


async def test_a_positive_reviewer_gets_no_review_link(settings: Settings, bob: StaffUser) -> None:
    await _resolved(settings, bob, rating=4)
    await send_case_follow_ups(settings, NOW + timedelta(days=2))
    mail = await OutboxMessage.get(kind="case_follow_up")
    assert "/r/" not in mail.text_body


async def test_the_follow_up_waits_for_configured_days(settings: Settings, bob: StaffUser) -> None:
    slow = settings.with_overrides(follow_up_delay=timedelta(days=5))
    await _resolved(slow, bob)
    assert await send_case_follow_ups(slow, NOW + timedelta(days=4)) == 0
    assert await send_case_follow_ups(slow, NOW + timedelta(days=5)) == 1


async def test_record_recovery_stores_the_answer_and_closes_the_case(
    settings: Settings, bob: StaffUser
) -> None:
    case = await _resolved(settings, bob)
    recovered = await record_recovery(case.id, 5, "  All good now, thanks!  ")
    assert (recovered.recovery_csat, recovered.recovery_comment) == (5, "All good now, thanks!")
    assert recovered.recovered_at is not None and recovered.status == "closed"
    event = await CaseEvent.get(case=case, kind="recovery")
    assert event.data == {"csat": 5}


async def test_record_recovery_refuses_an_impossible_score(settings: Settings, bob: StaffUser) -> None:
    case = await _resolved(settings, bob)
    with pytest.raises(RecoveryError):
        await record_recovery(case.id, 6, "")
