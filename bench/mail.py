"""How fast the sender drains the outbox, against one SMTP connection per message.

Run from the project root: ``python bench/mail.py [N]`` (default 500 messages).
Both runs use a fresh SQLite database and a local aiosmtpd server, and both
record each message as sent, so only the way of talking SMTP differs.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosmtplib
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hub import db
from hub.config import Settings
from hub.mail import outbox
from hub.mail.models import MessageStatus, OutboxMessage
from hub.mail.sender import CONNECTIONS, build_message, send_due


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def queue(settings: Settings, count: int) -> None:
    for n in range(count):
        await outbox.enqueue(
            settings,
            kind="bench",
            template="test_message",
            context={"name": f"Buyer {n}"},
            to=f"buyer{n}@example.net",
        )


async def naive(settings: Settings) -> int:
    """One connection per message: what a first version usually does."""
    sent = 0
    for message in await OutboxMessage.filter(status=MessageStatus.QUEUED).order_by("id"):
        mail = build_message(settings, message, datetime.now(UTC))
        await aiosmtplib.send(mail, hostname=settings.smtp_host, port=settings.smtp_port, start_tls=False)
        await outbox.mark_sent(settings, message, datetime.now(UTC))
        sent += 1
    return sent


async def sender(settings: Settings, connections: int) -> int:
    return await send_due(settings, datetime.now(UTC) + timedelta(seconds=1), connections=connections)


async def measure(name: str, settings: Settings, count: int, run: object) -> float:
    database = settings.data_dir / f"{''.join(c for c in name if c.isalnum())}.sqlite3"
    url = f"sqlite://{database}"
    await db.migrate(url)
    await db.connect(url)
    try:
        await queue(settings, count)
        started = time.perf_counter()
        sent = await run(settings)  # type: ignore[operator]
        elapsed = time.perf_counter() - started
    finally:
        await db.disconnect()
    assert sent == count, f"{name}: sent {sent} of {count}"
    rate = count / elapsed
    print(f"{name:<24} {count} messages in {elapsed:6.2f} s = {rate:7.1f} messages/s")
    return rate


async def compare(settings: Settings, count: int) -> None:
    naive_rate = await measure("naive (1 conn/message)", settings, count, naive)
    rates = {}
    for connections in (1, 2, 4, 8):
        rates[connections] = await measure(
            f"sender ({connections} conn)",
            settings,
            count,
            lambda s, c=connections: sender(s, c),
        )
    best = max(rates, key=lambda c: rates[c])
    print(
        f"sender with {best} connections: {rates[best] / naive_rate:.1f}x the naive loop; "
        f"with the default {CONNECTIONS}: {rates[CONNECTIONS] / naive_rate:.1f}x"
    )


def main(count: int) -> None:
    sink = Sink()
    port = free_port()
    # The server runs in its own thread and event loop, like a real MTA would.
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(
                data_dir=Path(folder), secret_key="bench-" + "x" * 40, smtp_host="127.0.0.1", smtp_port=port
            )
            asyncio.run(compare(settings, count))
    finally:
        controller.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
