"""Which case a mail belongs to: the thread it answers, the reference in its subject, its sender."""

from __future__ import annotations

import re

from hub.catalog.models import Customer
from hub.mail.models import OutboxMessage
from hub.triage.inbound.models import InboundMessage
from hub.triage.models import Case, CaseEvent

# The case reference as `case_reference` writes it, in brackets, as the case mails' subjects carry it.
SUBJECT_REFERENCE = re.compile(r"\[C-(\d{6,9})\]")
# The outbox keys of the mails a case sends its customer (hub.triage.actions and .recovery).
REPLY_KEY = re.compile(r"case-reply:(\d+)")
FOLLOW_UP_KEY = re.compile(r"case-follow-up:(\d+):")


async def _case_of_key(key: str) -> int | None:
    if reply := REPLY_KEY.fullmatch(key):
        event = await CaseEvent.get_or_none(id=int(reply[1]))
        return event.case_id if event else None
    if follow_up := FOLLOW_UP_KEY.match(key):
        return int(follow_up[1])
    return None


async def case_of_sent(message_ids: list[str]) -> Case | None:
    """The case of the newest of ``message_ids`` that the hub sent for a case."""
    if not message_ids:
        return None
    sent = dict(
        await OutboxMessage.filter(message_id__in=message_ids).values_list("message_id", "dedupe_key")
    )
    for message_id in message_ids:
        case_id = await _case_of_key(sent.get(message_id) or "")
        if case_id is not None and (case := await Case.get_or_none(id=case_id)):
            return case
    return None


async def _case_of_received(message_ids: list[str]) -> Case | None:
    """The case of an earlier mail of the thread that came in (the customer answering themself)."""
    if not message_ids:
        return None
    earlier = await InboundMessage.filter(message_id__in=message_ids, case_id__isnull=False).first()
    return await Case.get_or_none(id=earlier.case_id) if earlier and earlier.case_id else None


async def _case_of_subject(subject: str) -> Case | None:
    reference = SUBJECT_REFERENCE.search(subject)
    return await Case.get_or_none(id=int(reference[1])) if reference else None


async def _case_of_sender(sender: str) -> Case | None:
    """The newest open case of the sender's customer, or of an unknown sender's earlier mail."""
    customer = await customer_of(sender)
    if customer is not None:
        return await Case.active().filter(customer=customer).order_by("-created_at", "-id").first()
    if not sender:
        return None
    cases = Case.active().filter(customer_id=None, inbound_messages__from_address=sender)
    return await cases.order_by("-created_at", "-id").first()


async def customer_of(address: str) -> Customer | None:
    if not address:
        return None
    return await Customer.get_or_none(email=address, erased_at=None)


async def find_case(thread_ids: list[str], subject: str, sender: str) -> tuple[Case | None, str]:
    """The case a mail belongs to and how it was found: thread, subject or sender."""
    case = await case_of_sent(thread_ids) or await _case_of_received(thread_ids)
    if case is not None:
        return case, "thread"
    if (case := await _case_of_subject(subject)) is not None:
        return case, "subject"
    if (case := await _case_of_sender(sender)) is not None:
        return case, "sender"
    return None, ""
