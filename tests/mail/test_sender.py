from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from tortoise.transactions import in_transaction

from hub.catalog.models import Customer
from hub.config import Settings
from hub.db import is_postgres
from hub.mail import outbox
from hub.mail.models import MessageStatus, OutboxMessage
from hub.mail.sender import send_due
from tests.mail.conftest import (
    MailCollector,
    free_port,
    queue_many,
    queue_message,
    start_server,
)


def later(minutes: float = 0) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


async def test_it_delivers_a_queued_message_once_with_both_parts_and_headers(
    smtp_settings: Settings, mailbox: MailCollector, dana: Customer
) -> None:
    queued = await queue_message(smtp_settings, dana)
    assert await send_due(smtp_settings, later()) == 1
    assert await send_due(smtp_settings, later(60)) == 0
    [mail] = mailbox.received
    assert mail["Message-ID"] == queued.message_id
    assert mail["Date"] and mail["To"] == "dana@example.com"
    assert mail["From"] == "Acme Outdoors <reviews@example.com>"
    # A link token makes the header longer than a line, so it is folded (RFC 5322 2.2.3).
    assert mail["List-Unsubscribe"].strip().startswith("<http://testserver/u/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.get_content_type() == "multipart/alternative"
    assert "test message" in mail.get_body(("plain",)).get_content()
    assert "<strong>test message</strong>" in mail.get_body(("html",)).get_content()
    row = await OutboxMessage.get(id=queued.id)
    assert (row.status, row.attempts, row.sent_at is not None) == ("sent", 1, True)


async def test_it_sends_a_batch_over_one_reused_connection(
    smtp_settings: Settings, mailbox: MailCollector, db: str
) -> None:
    await queue_many(smtp_settings, 12)
    assert await send_due(smtp_settings, later(), connections=1) == 12
    assert mailbox.connections == 1
    assert len(set(mailbox.message_ids)) == 12


async def test_it_keeps_mail_queued_while_the_server_is_down_and_delivers_it_later(
    settings: Settings, db: str
) -> None:
    port = free_port()
    down = settings.with_overrides(smtp_host="127.0.0.1", smtp_port=port)
    queued = await queue_message(down)
    assert await send_due(down, later()) == 0
    row = await OutboxMessage.get(id=queued.id)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.next_attempt_at > later() and row.last_error
    collector = MailCollector()
    controller = start_server(collector, port)
    try:
        assert await send_due(down, later()) == 0  # not due yet
        assert await send_due(down, later(2)) == 1
    finally:
        controller.stop()
    assert collector.message_ids == [queued.message_id]


@pytest.mark.parametrize(
    ("where", "reply", "status"),
    [
        ("rcpt", "550 5.1.1 No such mailbox", "failed"),
        ("rcpt", "451 4.3.0 Try again later", "queued"),
        ("data", "554 5.6.0 Message rejected", "failed"),
        ("data", "452 4.3.1 Insufficient storage", "queued"),
    ],
)
async def test_it_fails_on_a_5xx_reply_and_retries_on_a_4xx_reply(
    smtp_settings: Settings, mailbox: MailCollector, db: str, where: str, reply: str, status: str
) -> None:
    setattr(mailbox, f"refuse_{where}", reply)
    queued = await queue_message(smtp_settings)
    assert await send_due(smtp_settings, later()) == 0
    row = await OutboxMessage.get(id=queued.id)
    assert (row.status, row.attempts) == (status, 1)
    assert row.last_error == reply


async def test_it_gives_up_after_the_last_attempt(settings: Settings, db: str) -> None:
    down = settings.with_overrides(smtp_host="127.0.0.1", smtp_port=free_port())
    queued = await queue_message(down, attempts=outbox.MAX_ATTEMPTS - 1)
    await send_due(down, later())
    row = await OutboxMessage.get(id=queued.id)
    assert row.status == "failed" and row.last_error.startswith("gave up after 8 attempts")


async def test_it_fails_a_bad_recipient_address_without_sending(
    smtp_settings: Settings, mailbox: MailCollector, db: str
) -> None:
    queued = await queue_message(smtp_settings, to="not an address")
    assert await send_due(smtp_settings, later()) == 0
    row = await OutboxMessage.get(id=queued.id)
    assert (row.status, row.last_error) == ("failed", "bad recipient address")
    assert mailbox.received == []


async def test_it_never_sends_again_a_message_a_crashed_worker_had_started(
    smtp_settings: Settings, mailbox: MailCollector, db: str
) -> None:
    queued = await queue_message(smtp_settings)
    claimed = await outbox.claim_due("crashed-worker", later(), 10)
    assert [m.id for m in claimed] == [queued.id]
    assert await outbox.start_delivery(claimed, "crashed-worker", later())
    # The crashed worker may or may not have handed the message to the server.
    assert await send_due(smtp_settings, later(1)) == 0
    assert (await OutboxMessage.get(id=queued.id)).status == "sending"
    assert await send_due(smtp_settings, later(20)) == 0
    row = await OutboxMessage.get(id=queued.id)
    assert (row.status, row.last_error) == ("failed", outbox.STALE_ERROR)
    assert mailbox.received == []


async def test_it_queues_again_what_a_crashed_worker_claimed_but_never_attempted(
    smtp_settings: Settings, mailbox: MailCollector, db: str
) -> None:
    queued = await queue_message(smtp_settings)
    await outbox.claim_due("crashed-worker", later(), 10)
    assert await send_due(smtp_settings, later(1)) == 0
    assert await send_due(smtp_settings, later(7)) == 1
    assert (await OutboxMessage.get(id=queued.id)).status == "sent"
    assert len(mailbox.received) == 1


async def test_a_worker_whose_claim_was_taken_back_does_not_send(
    smtp_settings: Settings, mailbox: MailCollector, db: str
) -> None:
    await queue_message(smtp_settings)
    slow = await outbox.claim_due("slow-worker", later(), 10)
    await outbox.recover_stale_claims(later(7))
    assert await send_due(smtp_settings, later(7), worker_id="other") == 1
    assert await outbox.start_delivery(slow, "slow-worker", later(8)) == []
    assert len(mailbox.received) == 1


async def test_an_admin_retry_sends_a_failed_message(
    smtp_settings: Settings, mailbox: MailCollector, db: str
) -> None:
    queued = await queue_message(smtp_settings, status="failed", last_error=outbox.STALE_ERROR)
    assert await outbox.retry_failed(queued.id, later())
    assert await send_due(smtp_settings, later(1)) == 1
    assert mailbox.message_ids == [queued.message_id]


async def test_it_writes_eml_files_when_no_smtp_host_is_set(settings: Settings, dana: Customer) -> None:
    queued = await queue_message(settings, dana)
    assert await send_due(settings, later()) == 1
    [path] = settings.mail_dir.glob("*.eml")
    assert path.name.startswith(f"{queued.id:08d}-")
    mail = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert mail["Message-ID"] == queued.message_id and mail["List-Unsubscribe"]
    assert (await OutboxMessage.get(id=queued.id)).status == "sent"


async def test_two_concurrent_senders_deliver_each_message_exactly_once(
    smtp_settings: Settings, mailbox: MailCollector, db: str
) -> None:
    queued = await queue_many(smtp_settings, 50)
    now = later()
    counts = await asyncio.gather(
        send_due(smtp_settings, now, worker_id="worker-a", connections=2),
        send_due(smtp_settings, now, worker_id="worker-b", connections=2),
    )
    assert sum(counts) == 50
    assert sorted(mailbox.message_ids) == sorted(m.message_id for m in queued)
    assert await OutboxMessage.filter(status=MessageStatus.SENT).count() == 50


async def test_it_stops_after_the_message_in_hand_and_releases_the_rest(
    smtp_settings: Settings, mailbox: MailCollector, db: str
) -> None:
    await queue_many(smtp_settings, 5)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    mailbox.on_message = lambda: loop.call_soon_threadsafe(stop.set)
    assert await send_due(smtp_settings, later(), stop=stop, connections=1) == 1
    assert await OutboxMessage.filter(status=MessageStatus.QUEUED, attempts=0).count() == 4
    assert not await OutboxMessage.filter(status=MessageStatus.SENDING).exists()


async def test_a_claim_skips_rows_another_worker_holds_locked_on_postgresql(
    smtp_settings: Settings, db: str
) -> None:
    if not is_postgres(db):
        pytest.skip("row locks are a PostgreSQL feature; SQLite relies on the conditional update")
    await queue_many(smtp_settings, 3)
    locked, release = asyncio.Event(), asyncio.Event()

    async def hold_locks() -> None:
        async with in_transaction() as connection:
            await OutboxMessage.all().select_for_update().using_db(connection).only("id")
            locked.set()
            await release.wait()

    holder = asyncio.create_task(hold_locks())
    await locked.wait()
    assert await asyncio.wait_for(outbox.claim_due("worker-b", later(), 10), 5) == []
    release.set()
    await holder
    assert len(await outbox.claim_due("worker-b", later(), 10)) == 3
