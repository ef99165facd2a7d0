"""hub.queue: one claim, one back-off, one recovery, shown on the webhook and escalation queues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hub.config import Settings
from hub.queue import RETRY
from hub.triage.escalation import ESCALATIONS
from hub.triage.models import Case
from hub.webhooks.delivery import DELIVERIES as WEBHOOKS
from hub.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.triage.conftest import NOW, make_case

T = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


async def _events(count: int) -> list[WebhookDelivery]:
    endpoint = await WebhookEndpoint.create(
        name="Hook", url="http://127.0.0.1:9/hook", events=["case.opened"]
    )
    return [
        await WebhookDelivery.create(
            endpoint=endpoint, event="case.opened", message_id=f"msg_{n}", payload={}, next_attempt_at=T
        )
        for n in range(count)
    ]


def test_the_back_off_doubles_from_one_minute_to_at_most_six_hours() -> None:
    delays = [RETRY.delay(attempts) for attempts in range(1, 12)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(delays) == timedelta(hours=6)
    assert not RETRY.gives_up(7) and RETRY.gives_up(8)


async def test_a_row_one_worker_claimed_is_not_claimed_by_another(db: str) -> None:
    await _events(3)
    alice_rows = await WEBHOOKS.claim("worker-a", T, 2)
    bob_rows = await WEBHOOKS.claim("worker-b", T, 10)
    assert len(alice_rows) == 2 and len(bob_rows) == 1
    assert not {e.id for e in alice_rows} & {e.id for e in bob_rows}
    assert await WEBHOOKS.claim("worker-c", T, 10) == []
    assert {e.status for e in await WebhookDelivery.all()} == {"sending"}


async def test_a_row_not_yet_due_is_not_claimed(db: str) -> None:
    await _events(1)
    assert await WEBHOOKS.claim("worker-a", T - timedelta(seconds=1), 10) == []


async def test_only_claims_older_than_the_lease_are_taken_back(db: str) -> None:
    old, young = await _events(2)
    await WEBHOOKS.claim("killed", T, 1)
    await WEBHOOKS.claim("alive", T + WEBHOOKS.lease, 1)
    recovered = await WEBHOOKS.recover(T + WEBHOOKS.lease + timedelta(seconds=1))
    assert (recovered.released, recovered.given_up) == (1, 0)
    rows = {e.id: (e.status, e.claimed_by) for e in await WebhookDelivery.all()}
    assert rows == {old.id: ("queued", None), young.id: ("sending", "alive")}


async def test_a_worker_whose_claim_was_taken_back_cannot_finish_the_row(db: str) -> None:
    await _events(1)
    (slow,) = await WEBHOOKS.claim("slow", T, 1)
    await WEBHOOKS.recover(T + WEBHOOKS.lease + timedelta(seconds=1))
    (fast,) = await WEBHOOKS.claim("fast", T + WEBHOOKS.lease + timedelta(seconds=1), 1)
    assert not await WEBHOOKS.finish(slow, "slow", status="delivered")
    assert await WEBHOOKS.finish(fast, "fast", status="delivered")
    assert (await WebhookDelivery.get()).status == "delivered"


async def test_a_failed_try_waits_for_the_back_off_and_the_last_one_gives_up(db: str) -> None:
    await _events(1)
    (event,) = await WEBHOOKS.claim("worker-a", T, 1)
    assert await WEBHOOKS.retry_later(event, T, "HTTP 503", "worker-a")
    again = await WebhookDelivery.get()
    assert (again.status, again.attempts, again.claimed_by) == ("queued", 1, None)
    assert again.next_attempt_at == T + timedelta(minutes=1)
    await WebhookDelivery.all().update(attempts=RETRY.max_attempts - 1)
    (event,) = await WEBHOOKS.claim("worker-a", again.next_attempt_at, 1)
    assert not await WEBHOOKS.retry_later(event, T, "HTTP 503", "worker-a")
    failed = await WebhookDelivery.get()
    assert (failed.status, failed.attempts) == ("failed", RETRY.max_attempts)
    assert failed.last_error == f"gave up after {RETRY.max_attempts} attempts: HTTP 503"


async def test_a_transactional_claim_is_undone_with_the_work_that_failed(settings: Settings, db: str) -> None:
    case = await make_case(settings)
    later = NOW + timedelta(days=30)

    async def fail(claimed: Case) -> int:
        await Case.filter(id=claimed.id).update(priority="urgent")
        raise RuntimeError("the mail could not be queued")

    assert await ESCALATIONS.each_in_transaction(later, 10, fail) == 0
    unchanged = await Case.get(id=case.id)
    assert (unchanged.escalated_at, unchanged.priority) == (None, case.priority)

    async def succeed(claimed: Case) -> int:
        return 1

    assert await ESCALATIONS.each_in_transaction(later, 10, succeed) == 1
    assert await ESCALATIONS.each_in_transaction(later, 10, succeed) == 0
    assert (await Case.get(id=case.id)).escalated_at == later


@pytest.mark.parametrize("attempts", [0, RETRY.max_attempts - 2])
async def test_a_retry_keeps_the_row_for_a_later_claim(db: str, attempts: int) -> None:
    await _events(1)
    await WebhookDelivery.all().update(attempts=attempts)
    (event,) = await WEBHOOKS.claim("worker-a", T, 1)
    assert await WEBHOOKS.retry_later(event, T, "timeout", "worker-a")
    due_at = T + RETRY.delay(attempts + 1)
    assert await WEBHOOKS.claim("worker-b", due_at - timedelta(seconds=1), 1) == []
    assert len(await WEBHOOKS.claim("worker-b", due_at, 1)) == 1
