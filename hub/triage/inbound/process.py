"""Putting each stored message on its case, one transaction each (``hub.queue``).

1. Parse it; one that cannot be read is kept as ``unreadable``, logged by id, and the rest go on.
2. A Message-ID already handled is a duplicate, and one the hub sent (an escalation to the
   support address) its own: nothing more happens.
3. A delivery report suppresses each address that failed hard and notes the bounce on the
   case of the returned mail.
4. An automatic reply is noted on its case, never counted as the customer's reply.
5. A reply goes on the case it answers (thread, subject reference, then the sender's open
   case), or opens a case of kind ``email``; its attachments are kept; a case no longer
   active opens again.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import anyio.to_thread
from tortoise.expressions import Q

from hub.config import Settings
from hub.logredact import describe
from hub.mail.models import OutboxMessage
from hub.mail.suppression import suppress
from hub.queue import Queue
from hub.triage.cases import open_case, reopen_case
from hub.triage.inbound.attachments import store_attachments
from hub.triage.inbound.match import case_of_sent, customer_of, find_case
from hub.triage.inbound.models import InboundAttachment, InboundMessage, InboundStatus
from hub.triage.inbound.parse import ParsedMail, UnreadableMail, parse_mail
from hub.triage.inbound.store import read_raw
from hub.triage.models import Case, CaseEvent, CaseStatus
from hub.web.columns import cut

log = logging.getLogger("hub.triage")

BATCH_SIZE = 200
HANDLED = (InboundStatus.REPLY, InboundStatus.AUTO_REPLY, InboundStatus.BOUNCE)

RECEIVED: Queue[InboundMessage] = Queue(
    name="inbound_mail",
    model=InboundMessage,
    due=lambda now: Q(processed_at=None),
    mark="processed_at",
)


async def process_received(settings: Settings, now: datetime, limit: int = BATCH_SIZE) -> int:
    """Put every stored, unprocessed message on its case; how many were handled."""

    async def handle(message: InboundMessage) -> int:
        return await _handle(settings, message, now)

    return await RECEIVED.each_in_transaction(now, limit, handle)


async def _handle(settings: Settings, message: InboundMessage, now: datetime) -> int:
    try:
        mail = parse_mail(await anyio.to_thread.run_sync(read_raw, settings, message))
    except (UnreadableMail, OSError) as error:
        return await _unreadable(message, str(error))
    except Exception as error:  # the stdlib parser's own failures: keep the message, go on
        return await _unreadable(message, describe(error))
    _describe(message, mail)
    if await _seen_before(message):
        message.status = InboundStatus.DUPLICATE
    elif await _sent_by_the_hub(message):
        message.status = InboundStatus.OWN
    elif mail.is_report:
        await _bounce(message, mail)
    elif mail.automatic:
        await _auto_reply(message, mail)
    else:
        await _reply(settings, message, mail, now)
    await message.save()
    return 1


async def _unreadable(message: InboundMessage, error: str) -> int:
    log.warning("inbound: message %d kept unread: %s", message.id, error)
    message.status, message.error = InboundStatus.UNREADABLE, error[:2000]
    await message.save(update_fields=["status", "error"])
    return 1


def _describe(message: InboundMessage, mail: ParsedMail) -> None:
    message.message_id = mail.message_id[:255]
    message.from_address = mail.sender[:254]
    message.from_name = mail.sender_name[:200]
    message.subject = cut(InboundMessage, "subject", mail.subject, [])
    message.text = mail.reply


async def _seen_before(message: InboundMessage) -> bool:
    if not message.message_id:
        return False
    earlier = InboundMessage.filter(message_id=message.message_id, status__in=HANDLED)
    return await earlier.exclude(id=message.id).exists()


async def _sent_by_the_hub(message: InboundMessage) -> bool:
    return bool(message.message_id) and await OutboxMessage.filter(message_id=message.message_id).exists()


async def _note(case: Case, kind: str, message: InboundMessage, **data: Any) -> None:
    await CaseEvent.create(case=case, kind=kind, data={"message": message.id, **data})


async def _bounce(message: InboundMessage, mail: ParsedMail) -> None:
    message.status = InboundStatus.BOUNCE
    for failure in mail.failures:
        if failure.is_hard:
            await suppress(failure.recipient, f"hard bounce {failure.status}")
    case = await case_of_sent(mail.returned_ids)
    if case is not None:
        message.case, message.matched_by = case, "thread"
        statuses = sorted({failure.status for failure in mail.failures})
        hard = any(failure.is_hard for failure in mail.failures)
        await _note(case, "bounce", message, status=", ".join(statuses), hard=hard)


async def _auto_reply(message: InboundMessage, mail: ParsedMail) -> None:
    message.status = InboundStatus.AUTO_REPLY
    case, how = await find_case(mail.thread_ids, mail.subject, mail.sender)
    if case is not None:
        message.case, message.matched_by = case, how
        await _note(case, "auto_reply", message, subject=message.subject)


async def _reply(settings: Settings, message: InboundMessage, mail: ParsedMail, now: datetime) -> None:
    message.status = InboundStatus.REPLY
    case, how = await find_case(mail.thread_ids, mail.subject, mail.sender)
    if case is None:
        customer = await customer_of(mail.sender)
        case = await open_case(
            settings, reasons=["email"], priority="normal", customer=customer, kind="email", now=now
        )
        how = "new"
    message.case, message.matched_by = case, how
    await message.save()  # the attachments point at it
    kept = await store_attachments(settings, message, mail.attachments)
    await CaseEvent.create(
        case=case,
        kind="customer_reply",
        body=mail.reply or message.error,
        data={"message": message.id, "from": message.from_address, "attachments": _listed(kept)},
    )
    await reopen_for_reply(settings, case, now)


def _listed(kept: list[InboundAttachment]) -> list[dict[str, Any]]:
    return [{"id": a.id, "name": a.filename, "kind": a.kind, "note": a.note} for a in kept]


async def reopen_for_reply(settings: Settings, case: Case, now: datetime) -> None:
    """The customer wrote: a resolved, closed or pending case is the team's to work again.

    A resolved or closed case reopens (`reopen_case`); a pending one was waiting for this.
    """
    before = await reopen_case(settings, case, now)
    if before is None:
        before = await _resume_pending(case, now)
    if before is None:
        return
    await CaseEvent.create(
        case=case, kind="status", data={"from": before, "to": CaseStatus.OPEN.value, "by": "customer"}
    )


async def _resume_pending(case: Case, now: datetime) -> str | None:
    resumed = await Case.filter(id=case.id, status=CaseStatus.PENDING.value).update(
        status=CaseStatus.OPEN.value, updated_at=now
    )
    return CaseStatus.PENDING.value if resumed else None
