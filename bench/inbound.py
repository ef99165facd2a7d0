"""How fast the support-mailbox job turns a full mailbox into cases.

Run from the project root: ``python bench/inbound.py [N]`` (default 5,000 messages).
Starts a throw-away Dovecot (``tests/imap_server.py``, needs ``dovecot-imapd``), puts N
customer replies into its INBOX with IMAP APPEND, opens one case per 10 messages in a
fresh SQLite database, then runs the worker's ``inbound_mail`` job until every message
is on a case, and prints messages per second: the fetch (IMAP to stored rows, marked)
and the processing (rows to case events) apart, and together.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from imapclient import IMAPClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hub import db
from hub.catalog.models import Customer
from hub.config import Settings
from hub.triage.inbound.jobs import download
from hub.triage.inbound.models import InboundMessage
from hub.triage.inbound.process import process_received
from hub.triage.models import Case, CaseEvent
from tests.imap_server import ImapServer, start_dovecot

CASES_EVERY = 10
APPEND_CHUNK = 100


def _mail(n: int, reference: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Buyer {n} <buyer{n % 500}@example.net>"
    mail["To"] = "support@shop.test"
    mail["Subject"] = f"Re: [{reference}] your feedback" if reference else f"Question {n}"
    mail["Message-ID"] = f"<bench-{n}@example.net>"
    mail.set_content(
        f"Thanks, message {n}: the parcel came today.\n\nBest,\nBuyer\n\n"
        "On Mon, 1 Dec 2026 at 10:00, Shop <support@shop.test> wrote:\n> We are sorry.\n> Really.\n"
    )
    return mail.as_bytes()


async def _seed_cases(count: int) -> list[str]:
    now = datetime.now(UTC)
    references = []
    for n in range(count):
        customer = await Customer.create(email=f"buyer{n}@example.net", name=f"Buyer {n}")
        case = await Case.create(
            customer=customer,
            reasons=["low_rating"],
            first_response_due_at=now + timedelta(hours=4),
            resolution_due_at=now + timedelta(days=2),
        )
        references.append(case.reference)
    return references


def _fill(server: ImapServer, count: int, references: list[str]) -> float:
    started = time.perf_counter()
    client = IMAPClient(server.host, server.port, ssl=False)
    client.login(server.username, server.password)
    for n in range(count):
        reference = references[n // CASES_EVERY] if n % 2 == 0 and n // CASES_EVERY < len(references) else ""
        client.append("INBOX", _mail(n, reference))
    client.logout()
    return time.perf_counter() - started


async def _run(settings: Settings, count: int) -> tuple[float, float]:
    fetch = process = 0.0
    while await InboundMessage.filter(processed_at__isnull=False).count() < count:
        started = time.perf_counter()
        await download(settings)
        fetch += time.perf_counter() - started
        started = time.perf_counter()
        await process_received(settings, datetime.now(UTC))
        process += time.perf_counter() - started
    return fetch, process


async def main(count: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="hub-bench-dovecot-"))
    data = Path(tempfile.mkdtemp(prefix="hub-bench-inbound-"))
    try:
        with start_dovecot(folder) as server:
            settings = Settings(
                data_dir=data,
                database_url=f"sqlite://{data}/hub.sqlite3",
                secret_key="bench-" + "k" * 32,
                env="test",
                imap_host=server.host,
                imap_port=server.port,
                imap_tls="none",
                imap_username=server.username,
                imap_password=server.password,
                imap_poll_seconds=0,
            )
            await db.migrate(settings.database_url)
            await db.connect(settings.database_url)
            try:
                references = await _seed_cases(count // CASES_EVERY)
                filled = await asyncio.to_thread(_fill, server, count, references)
                fetch, process = await _run(settings, count)
                events = await CaseEvent.filter(kind="customer_reply").count()
            finally:
                await db.disconnect()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)
    print(f"{count} messages appended in {filled:.1f} s; {events} customer replies on cases")
    print(f"fetch (IMAP → stored, marked): {count / fetch:.0f} msg/s ({fetch:.1f} s)")
    print(f"process (stored → cases):      {count / process:.0f} msg/s ({process:.1f} s)")
    print(f"together:                      {count / (fetch + process):.0f} msg/s")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
