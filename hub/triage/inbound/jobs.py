"""The worker's job for the support mailbox: fetch what is new, store it, mark it, then
put each stored message on its case.

1. Select ``HUB_IMAP_FOLDER`` and list the messages the hub has not marked.
2. Fetch them a few at a time (PEEK: they stay unread) and store each (``store_message``,
   idempotent by folder, UIDVALIDITY and UID).
3. Mark the stored ones (``$FeedbackHub`` and ``\\Seen``, or move them to
   ``HUB_IMAP_DONE_FOLDER``). Killed before this step, the worker fetches them again next
   time and stores nothing twice.
4. Process the stored messages (``process.process_received``), each in its own transaction.
"""

from __future__ import annotations

import time
from datetime import datetime

import anyio.to_thread

from hub.config import Settings
from hub.triage.inbound.attachments import MEGABYTE
from hub.triage.inbound.mailbox import Mailbox, chunks, close, connect
from hub.triage.inbound.process import process_received
from hub.triage.inbound.store import store_message, too_large

FETCH_LIMIT = 500


async def download(settings: Settings, limit: int = FETCH_LIMIT) -> int:
    """Steps 1–3: new messages from the mailbox stored and marked; how many were stored."""
    client = await anyio.to_thread.run_sync(connect, settings)
    try:
        box = await anyio.to_thread.run_sync(Mailbox, client, settings.imap_folder, settings.imap_done_folder)
        stored = 0
        max_bytes = settings.inbound_message_mb * MEGABYTE
        for uids in chunks(await anyio.to_thread.run_sync(box.unread, limit)):
            fetched = await anyio.to_thread.run_sync(box.fetch, uids, max_bytes)
            for uid, message in fetched.items():
                note = "" if message.whole else too_large(settings)
                stored += await store_message(settings, box.key(uid), message.raw, note)
            await anyio.to_thread.run_sync(box.mark, list(fetched))
        return stored
    finally:
        await anyio.to_thread.run_sync(close, client)


# When this process last looked into each mailbox: a worker logs in once a
# ``HUB_IMAP_POLL_SECONDS``, not on every pass (hosted mailboxes limit logins).
_last_looked: dict[str, float] = {}


def _due(settings: Settings) -> bool:
    mailbox = f"{settings.imap_username}@{settings.imap_host}:{settings.imap_port}/{settings.imap_folder}"
    last = _last_looked.get(mailbox)
    if last is not None and time.monotonic() - last < settings.imap_poll_seconds:
        return False
    _last_looked[mailbox] = time.monotonic()
    return True


async def read_support_mailbox(settings: Settings, now: datetime) -> int:
    """The job: nothing without ``HUB_IMAP_HOST``; else fetch (when due), then process what is stored.

    A mailbox that cannot be read does not hold back what was stored before: that is
    processed first, then the error goes to the worker's log.
    """
    if not settings.imap_host:
        return 0
    failure: Exception | None = None
    try:
        if _due(settings):
            await download(settings)
    except Exception as error:
        failure = error
    processed = await process_received(settings, now)
    if failure is not None:
        raise failure
    return processed
