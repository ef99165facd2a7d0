"""Draining the outbox: claim due rows, send them over reused SMTP connections, record the result.

Delivery is at most once per message. Claimed rows are ``sending``; just before a
group's SMTP transactions start, their ``delivery_started_at`` is set, while the
worker still holds the claim. A row a stopped worker left unattempted is queued
again; one it had started is never sent again by itself: it turns ``failed`` for
an admin to retry (see ``outbox.recover_stale_claims``).
Logs carry outbox ids and counts only, never addresses or bodies.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, formataddr
from pathlib import Path

from aiosmtplib import SMTP, SMTPException, SMTPResponseException

from hub.config import Settings
from hub.files import private_dir, write_private
from hub.mail import outbox
from hub.mail.models import OutboxMessage

log = logging.getLogger("hub.mail")

BATCH_SIZE = 100
# One reused connection measured fastest here (bench/mail.py); raise it for a remote, slow MTA.
CONNECTIONS = 1
# Sent rows are recorded in groups; a crash leaves at most this many per connection
# in `sending`, to be failed as unknown (never sent twice).
RECORD_EVERY = 20
SMTP_TIMEOUT = 30.0
TRANSIENT_ERRORS = (SMTPException, OSError, asyncio.TimeoutError)


class BadAddressError(ValueError):
    """The recipient address cannot be put on the wire."""


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "retry" or "failed"
    error: str = ""


SENT = Outcome("sent")


def build_message(settings: Settings, message: OutboxMessage, now: datetime) -> EmailMessage:
    """The MIME message for a row: text and HTML alternatives, its stored Message-ID."""
    mail = EmailMessage(policy=SMTP_POLICY)
    mail["From"] = formataddr((settings.mail_from_name or settings.brand_name, settings.mail_from))
    mail["To"] = _recipient(message.to_address)
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = message.message_id
    for name, value in (message.headers or {}).items():
        mail[name] = value
    mail.set_content(message.text_body)
    mail.add_alternative(message.html_body, subtype="html")
    return mail


def _recipient(address: str) -> str:
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError) as error:
        raise BadAddressError("bad recipient address") from error
    if not parsed.domain or not address.isascii():
        raise BadAddressError("bad recipient address")
    return address


def _reply_text(error: SMTPResponseException) -> str:
    return f"{error.code} {error.message}".strip()


class SmtpLane:
    """One SMTP connection, reused for every message sent through it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: SMTP | None = None
        self.down: str = ""

    async def connection(self) -> SMTP:
        if self.down:
            raise ConnectionError(self.down)
        if self.client is None or not self.client.is_connected:
            self.client = _smtp_client(self.settings)
            try:
                await self.client.connect()
            except TRANSIENT_ERRORS as error:
                self.down = f"cannot connect to the SMTP server: {error}"
                raise
        return self.client

    async def deliver(self, message: OutboxMessage, payload: bytes, sender: str) -> Outcome:
        try:
            client = await self.connection()
            await client.mail(sender)
            await client.rcpt(message.to_address)
        except SMTPResponseException as error:
            await self._reset()
            return _refused(error)
        except TRANSIENT_ERRORS as error:
            return Outcome("retry", str(error) or type(error).__name__)
        return await self._data(client, payload)

    async def _data(self, client: SMTP, payload: bytes) -> Outcome:
        try:
            await client.data(payload)
        except SMTPResponseException as error:
            await self._reset()
            return _refused(error)
        except TRANSIENT_ERRORS as error:
            # The server may have taken the message: sending it again could duplicate it.
            return Outcome("failed", f"unknown: connection lost during DATA ({error})")
        return SENT

    async def _reset(self) -> None:
        if self.client is not None and self.client.is_connected:
            try:
                await self.client.rset()
            except TRANSIENT_ERRORS:
                self.client.close()

    async def close(self) -> None:
        if self.client is None or not self.client.is_connected:
            return
        try:
            await self.client.quit()
        except TRANSIENT_ERRORS:
            self.client.close()


def _smtp_client(settings: Settings) -> SMTP:
    return SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        use_tls=settings.smtp_tls == "tls",
        start_tls=settings.smtp_tls == "starttls",
        username=settings.smtp_username or None,
        password=settings.smtp_password or None,
        timeout=SMTP_TIMEOUT,
    )


def _refused(error: SMTPResponseException) -> Outcome:
    return Outcome("failed" if error.code >= 500 else "retry", _reply_text(error))


async def record(settings: Settings, message: OutboxMessage, outcome: Outcome, now: datetime) -> None:
    if outcome.status == "sent":
        await outbox.mark_sent(settings, message, datetime.now(UTC))
    elif outcome.status == "retry":
        await outbox.mark_for_retry(message, now, outcome.error)
    else:
        await outbox.mark_failed(message, outcome.error)


async def _send_one(settings: Settings, lane: SmtpLane, message: OutboxMessage) -> Outcome:
    try:
        mail = build_message(settings, message, datetime.now(UTC))
    except (BadAddressError, ValueError) as error:
        return Outcome("failed", str(error) or "bad message")
    return await lane.deliver(message, mail.as_bytes(), settings.mail_from)


async def _drive_lane(
    settings: Settings,
    lane: SmtpLane,
    messages: list[OutboxMessage],
    now: datetime,
    stop: asyncio.Event | None,
) -> int:
    sent = 0
    for start in range(0, len(messages), RECORD_EVERY):
        if stop is not None and stop.is_set():
            await outbox.release(messages[start:])
            break
        group = messages[start : start + RECORD_EVERY]
        held = await outbox.start_delivery(group, group[0].claimed_by or "", datetime.now(UTC))
        sent += await _send_group(settings, lane, held, now, stop)
    return sent


async def _send_group(
    settings: Settings, lane: SmtpLane, group: list[OutboxMessage], now: datetime, stop: asyncio.Event | None
) -> int:
    """Send a started group; its sent rows are recorded with one write."""
    delivered: list[OutboxMessage] = []
    try:
        for index, message in enumerate(group):
            if stop is not None and stop.is_set():
                await outbox.release(group[index:])
                break
            outcome = await _send_one(settings, lane, message)
            if outcome.status == "sent":
                delivered.append(message)
            else:
                await record(settings, message, outcome, now)
    finally:
        await outbox.mark_all_sent(settings, delivered, datetime.now(UTC))
    return len(delivered)


async def _send_over_smtp(
    settings: Settings,
    batch: list[OutboxMessage],
    lanes: list[SmtpLane],
    now: datetime,
    stop: asyncio.Event | None,
) -> int:
    shares = [batch[i :: len(lanes)] for i in range(len(lanes))]
    counts = await asyncio.gather(
        *(_drive_lane(settings, lane, share, now, stop) for lane, share in zip(lanes, shares, strict=True))
    )
    return sum(counts)


def _eml_name(message: OutboxMessage) -> str:
    local_part = message.message_id.strip("<>").split("@", 1)[0]
    return f"{message.id:08d}-{re.sub(r'[^A-Za-z0-9._-]', '_', local_part)[:40]}.eml"


async def _write_eml(settings: Settings, message: OutboxMessage) -> Outcome:
    """The file is the sent mail, so it holds the masked copy: it opens no link."""
    message.mask_links(settings.base_url)
    try:
        payload = build_message(settings, message, datetime.now(UTC)).as_bytes()
    except (BadAddressError, ValueError) as error:
        return Outcome("failed", str(error) or "bad message")
    path = settings.mail_dir / _eml_name(message)
    await asyncio.to_thread(_write_atomically, path, payload)
    return SENT


def _write_atomically(path: Path, payload: bytes) -> None:
    private_dir(path.parent)
    partial = path.with_suffix(".partial")
    write_private(partial, payload)
    partial.replace(path)


async def write_files(
    settings: Settings, batch: list[OutboxMessage], now: datetime, stop: asyncio.Event | None
) -> int:
    sent = 0
    for index, message in enumerate(batch):
        if stop is not None and stop.is_set():
            await outbox.release(batch[index:])
            break
        outcome = await _write_eml(settings, message)
        await record(settings, message, outcome, now)
        sent += outcome.status == "sent"
    return sent


async def send_due(
    settings: Settings,
    now: datetime,
    *,
    stop: asyncio.Event | None = None,
    worker_id: str = "sender",
    connections: int = CONNECTIONS,
) -> int:
    """Send every message due at ``now``; returns how many went out."""
    requeued, failed = await outbox.recover_stale_claims(now)
    if requeued or failed:
        log.warning(
            "mail: claims of a stopped worker: %d never attempted, queued again; "
            "%d attempted, failed as unknown",
            requeued,
            failed,
        )
    lanes = [SmtpLane(settings) for _ in range(max(connections, 1))]
    try:
        return await _drain(settings, now, lanes, stop, worker_id)
    finally:
        await asyncio.gather(*(lane.close() for lane in lanes))


async def _drain(
    settings: Settings, now: datetime, lanes: list[SmtpLane], stop: asyncio.Event | None, worker_id: str
) -> int:
    sent = 0
    while not (stop is not None and stop.is_set()):
        claimed = await outbox.claim_due(worker_id, now, BATCH_SIZE)
        if not claimed:
            break
        batch = await outbox.cancel_suppressed(claimed)
        if settings.mail_to_files:
            sent += await write_files(settings, batch, now, stop)
        else:
            sent += await _send_over_smtp(settings, batch, lanes, now, stop)
        log.info("mail: batch of %d claimed by %s, %d sent", len(claimed), worker_id, sent)
        if any(lane.down for lane in lanes):
            break
    return sent
