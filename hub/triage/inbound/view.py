"""What the full-message page shows: the headers, the whole text, the attachments."""

from __future__ import annotations

from dataclasses import dataclass

import anyio.to_thread

from hub.config import Settings
from hub.triage.inbound.models import InboundAttachment, InboundMessage
from hub.triage.inbound.parse import UnreadableMail, parse_mail
from hub.triage.inbound.store import read_raw

SOURCE_LIMIT = 200_000


@dataclass(frozen=True)
class MessageView:
    message: InboundMessage
    text: str  # the whole text, quoted history included; the source of an unreadable one
    readable: bool
    attachments: list[InboundAttachment]


def _whole_text(raw: bytes) -> tuple[str, bool]:
    try:
        return parse_mail(raw).text, True
    except (UnreadableMail, LookupError, ValueError):
        return raw[:SOURCE_LIMIT].decode("utf-8", "replace"), False


async def load_message(settings: Settings, message_id: int) -> MessageView | None:
    message = await InboundMessage.get_or_none(id=message_id)
    if message is None:
        return None
    try:
        raw = await anyio.to_thread.run_sync(read_raw, settings, message)
    except OSError:
        raw = b""
    text, readable = _whole_text(raw)
    attachments = await InboundAttachment.filter(inbound=message).order_by("id")
    return MessageView(message, text, readable, attachments)


PAGE_SIZE = 50


@dataclass(frozen=True)
class MailPage:
    messages: list[InboundMessage]
    page: int
    has_next: bool


async def list_mail(status: str | None, page: int) -> MailPage:
    """What came into the support mailbox, newest first, optionally of one status."""
    query = InboundMessage.all()
    if status:
        query = query.filter(status=status)
    page = max(page, 1)
    rows = await query.order_by("-id").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    return MailPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)
