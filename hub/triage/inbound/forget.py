"""A customer's mail to the support mailbox, forgotten when the customer is erased."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tortoise.expressions import Q

from hub.config import Settings
from hub.triage.inbound.attachments import files_dir
from hub.triage.inbound.models import InboundAttachment, InboundMessage
from hub.triage.inbound.store import messages_dir
from hub.triage.models import CaseEvent

FROM_MAILBOX = ("customer_reply", "auto_reply", "bounce")


async def forget_mail_of(settings: Settings, customer_id: int, email: str) -> list[Path]:
    """Delete the rows of the customer's mail and blank its text on the cases (call it in the
    erasure's transaction); the files to delete once it committed."""
    mail = InboundMessage.filter(Q(case__customer_id=customer_id) | Q(from_address=email.lower()))
    ids: list[Any] = list(await mail.values_list("id", flat=True)) or [0]
    raw = await InboundMessage.filter(id__in=ids).values_list("raw_name", flat=True)
    stored = await InboundAttachment.filter(inbound_id__in=ids).values_list("stored_name", "thumb_name")
    await CaseEvent.filter(case__customer_id=customer_id, kind__in=FROM_MAILBOX).update(body="", data={})
    await InboundMessage.filter(id__in=ids).delete()
    files = [messages_dir(settings) / str(name) for name in raw]
    names = [str(name) for pair in stored for name in pair if name]
    return files + [files_dir(settings) / name for name in names]


def delete_files(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
