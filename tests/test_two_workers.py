"""Every job kind, worked by real worker processes: one is killed with SIGKILL mid-job, two more
then run at once. Nothing is done twice and nothing is left behind.

Worker A is caught in the middle of its job by something outside the hub: the SMTP server
(a real aiosmtpd) or the webhook receiver (a real HTTP server) holds its first call, or,
for jobs that only queue mail, a lock the test takes on the outbox table holds A's insert
(for the admin's imports, on the orders table).
A is then killed, the hold let go, and workers B and C run together after A's lease.

On PostgreSQL B and C are two processes at once, claiming with ``FOR UPDATE SKIP LOCKED``.
On SQLite the same test runs one process at a time (SQLite has one writer): B, then C; and
for the jobs that only queue mail (and the imports), the killed worker is stood in for by the
claims it would have left (a leased claim committed before the job; a transactional one leaves nothing).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from hub.advocacy.models import WinBack
from hub.catalog.models import Customer, Order, OrderLine, Product
from hub.community.models import Answer, AnswerRequest, Question
from hub.config import Settings
from hub.db import is_postgres
from hub.invites.jobs import CLAIM_TIMEOUT, REMINDERS, REQUESTS, send_due_invitations
from hub.invites.models import Invitation, InvitationStatus
from hub.links.models import LinkToken
from hub.mail.models import MessageStatus, OutboxMessage
from hub.mail.outbox import OUTBOX, STALE_CLAIM, STALE_ERROR
from hub.mail.sender import RECORD_EVERY
from hub.orders.ingest import ingest_order
from hub.photos.fetch import FETCHES
from hub.photos.models import Photo, PhotoFetch
from hub.reviews.models import ReviewStatus
from hub.staff.availability import set_away
from hub.staff.models import StaffUser
from hub.transfer.imports import imports_folder
from hub.transfer.jobs import IMPORTS
from hub.transfer.jobs import LEASE as IMPORT_LEASE
from hub.transfer.models import ImportJob
from hub.triage.inbound.models import InboundMessage
from hub.triage.models import Case, CaseEvent
from hub.triage.sla import raised
from hub.webhooks.delivery import DELIVERIES
from hub.webhooks.endpoints import seal
from hub.webhooks.models import WebhookDelivery, WebhookEndpoint
from hub.webhooks.signing import new_message_id, new_secret
from tests.imap_server import ImapServer
from tests.invites.conftest import SHIPPED, dana_order
from tests.mail.conftest import free_port, queue_many
from tests.photos.test_photos import image_bytes
from tests.triage.conftest import NOW as CASE_NOW
from tests.triage.conftest import make_case
from tests.triage.inbound.conftest import customer_mail, imap

ROOT = Path(__file__).resolve().parent.parent
COUNT = 20
PHOTO = image_bytes(size=(64, 48))
MAILS = 30
PUBLISHED = ReviewStatus.PUBLISHED.value
_folders = itertools.count(1)
WAIT = 60.0  # seconds before a wait for a worker gives up (a failure, never a pass)


class Hold:
    """The first call is held until ``let_go``; ``held`` tells that it arrived."""

    def __init__(self) -> None:
        self.held = threading.Event()
        self.let_go = threading.Event()
        self.taken = False
        self.lock = threading.Lock()

    def take_first(self) -> bool:
        with self.lock:
            first, self.taken = not self.taken, True
        if first:
            self.held.set()
        return first


class HoldingMailbox:
    """aiosmtpd handler: keeps each accepted Message-ID; holds the first DATA, then refuses it."""

    def __init__(self) -> None:
        self.hold = Hold()
        self.accepted: list[str] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.hold.take_first():
            await asyncio.to_thread(self.hold.let_go.wait, WAIT)
            return "451 4.3.0 cut off"
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        for line in content.decode(errors="replace").splitlines():
            if line.lower().startswith("message-id:"):
                self.accepted.append(line.split(":", 1)[1].strip())
        return "250 OK"


class HoldingReceiver:
    """HTTP receiver: keeps the webhook-id of each answered POST; holds the first one."""

    def __init__(self) -> None:
        self.hold = Hold()
        self.answered: list[str] = []
        self.cut: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                delivery = self.headers["webhook-id"]
                if receiver.hold.take_first():
                    receiver.hold.let_go.wait(WAIT)
                    receiver.cut.append(delivery)  # its worker is gone: nobody reads an answer
                    return
                receiver.answered.append(delivery)
                self.send_response(204)
                self.end_headers()

            def do_GET(self) -> None:
                if receiver.hold.take_first():
                    receiver.hold.let_go.wait(WAIT)
                    receiver.cut.append(self.path)
                    return
                receiver.answered.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(PHOTO)))
                self.end_headers()
                self.wfile.write(PHOTO)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = f"{self.base}/hook"


@dataclass
class Outside:
    mailbox: HoldingMailbox
    receiver: HoldingReceiver
    smtp_port: int


@pytest.fixture
def outside() -> Iterator[Outside]:
    mailbox, receiver, port = HoldingMailbox(), HoldingReceiver(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    yield Outside(mailbox, receiver, port)
    mailbox.hold.let_go.set()
    receiver.hold.let_go.set()
    controller.stop()
    receiver.server.shutdown()
    receiver.server.server_close()
    thread.join()


# Worker processes


def _env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_DATA_DIR": str(settings.data_dir),
        "HUB_SECRET_KEY": settings.secret_key,
        "HUB_BASE_URL": settings.base_url,
        "HUB_BRAND_NAME": settings.brand_name,
        "HUB_SMTP_HOST": settings.smtp_host,
        "HUB_SMTP_PORT": str(settings.smtp_port),
        "HUB_ENV": "test",
        "HUB_PHOTO_FETCH_ALLOW": "127.0.0.1",  # the photo host below
        "HUB_ASSIGNMENT_MODE": settings.assignment_mode or "",
        "HUB_WEBHOOK_ALLOW": "127.0.0.1",  # and the webhook receiver
        "HUB_IMAP_HOST": settings.imap_host,
        "HUB_IMAP_PORT": str(settings.imap_port),
        "HUB_IMAP_TLS": settings.imap_tls,
        "HUB_IMAP_USERNAME": settings.imap_username,
        "HUB_IMAP_PASSWORD": settings.imap_password,
        "HUB_IMAP_FOLDER": settings.imap_folder,
        "HUB_IMAP_POLL_SECONDS": "0",
    }


def _output(log: Path) -> str:
    return log.read_text(errors="replace")


def _spawn(settings: Settings, job: str, now: datetime, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tests.worker_process", now.isoformat(), job],
            cwd=ROOT,
            env=_env(settings),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=out,
        )
    assert worker.stdout is not None
    ready = worker.stdout.readline()
    assert ready == b"ready\n", f"a worker did not start:\n{_output(log)}"
    return worker


def _go(worker: subprocess.Popen[bytes]) -> None:
    assert worker.stdin is not None
    worker.stdin.write(b"go\n")
    worker.stdin.close()


def _start(settings: Settings, job: str, now: datetime, log: Path) -> subprocess.Popen[bytes]:
    worker = _spawn(settings, job, now, log)
    _go(worker)
    return worker


async def _finish(process: subprocess.Popen[bytes], log: Path) -> None:
    code = await asyncio.to_thread(process.wait, WAIT)
    assert process.stdout is not None
    process.stdout.close()
    assert code == 0, f"a worker failed:\n{_output(log)}"


async def _survivors(settings: Settings, job: str, now: datetime, log: Path) -> None:
    """Workers B and C: together on PostgreSQL, one after the other on SQLite."""
    if is_postgres(settings.database_url):
        workers = [await asyncio.to_thread(_spawn, settings, job, now, log) for _ in range(2)]
        for worker in workers:  # both are connected and waiting: they start their pass together
            _go(worker)
        for worker in workers:
            await _finish(worker, log)
        return
    for _ in range(2):
        await _finish(_start(settings, job, now, log), log)


async def _until(check: Callable[[], Awaitable[Any]], process: subprocess.Popen[bytes], log: Path) -> Any:
    for _ in range(int(WAIT / 0.05)):
        found = await check()
        if found:
            return found
        assert process.poll() is None, f"worker A ended before it was caught mid-job:\n{_output(log)}"
        await asyncio.sleep(0.05)
    _kill(process)
    raise AssertionError(f"worker A was never caught mid-job:\n{_output(log)}")


def _kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(WAIT)
    for pipe in (process.stdin, process.stdout):
        if pipe is not None and not pipe.closed:
            pipe.close()


async def _kill_when_held(settings: Settings, job: str, now: datetime, hold: Hold, log: Path) -> None:
    doomed = _start(settings, job, now, log)

    async def held() -> bool:
        return hold.held.is_set()

    await _until(held, doomed, log)
    _kill(doomed)
    hold.let_go.set()


@asynccontextmanager
async def _pg(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        yield connection
    finally:
        await connection.close()


async def _kill_inside_an_insert(
    settings: Settings, job: str, now: datetime, log: Path, table: str = "outbox_message"
) -> None:
    """Hold worker A's insert into ``table`` (the outbox) with a table lock, kill A, let its backend end."""
    async with _pg(settings.database_url) as admin:
        lock = admin.transaction()
        await lock.start()
        await admin.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        doomed = _start(settings, job, now, log)

        async def waiting_backend() -> int | None:
            # pg_locks, not pg_stat_activity: that one is read once per transaction.
            return await admin.fetchval(  # type: ignore[no-any-return]
                "SELECT pid FROM pg_locks WHERE NOT granted AND relation = $1::regclass", table
            )

        backend = await _until(waiting_backend, doomed, log)
        _kill(doomed)
        await lock.rollback()

        async def gone() -> bool:
            alive = await admin.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", backend)
            return alive == 0

        for _ in range(int(WAIT / 0.05)):
            if await gone():
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the killed worker's database session never ended")


# The job kinds: how to seed them, where worker A is caught, what must hold afterwards


@dataclass(frozen=True)
class Kind:
    job: str
    seed: Callable[[Settings, Outside], Awaitable[datetime]]
    check: Callable[[Outside], Awaitable[None]]
    lease: timedelta
    caught_by: str  # "smtp", "http", or "outbox" / "insert": an insert into ``table`` (PostgreSQL)
    abandon: Callable[[datetime], Awaitable[object]] | None = None  # the claims A left, on SQLite
    table: str = "outbox_message"
    mailbox: bool = False  # reads the support mailbox (the test's Dovecot)


def _dedupe_keys(kind: str) -> Any:
    return OutboxMessage.filter(kind=kind).values_list("dedupe_key", flat=True)


async def _seed_invitations(settings: Settings, outside: Outside) -> datetime:
    for n in range(COUNT):
        await ingest_order(settings, dana_order(f"20{n:02d}", email=f"buyer{n}@example.com"))
    return SHIPPED + settings.invite_delay


async def _check_invitations(outside: Outside) -> None:
    invitations = await Invitation.all()
    assert len(invitations) == COUNT
    assert {(i.status, i.claimed_by) for i in invitations} == {(InvitationStatus.SENT.value, None)}
    assert Counter(await _dedupe_keys("review_request")) == {f"invite:{i.id}:request": 1 for i in invitations}
    tokens = Counter(
        await LinkToken.filter(invitation_id__isnull=False).values_list("invitation_id", flat=True)
    )
    assert tokens == {i.id: 1 for i in invitations}


async def _seed_reminders(settings: Settings, outside: Outside) -> datetime:
    sent_at = await _seed_invitations(settings, outside)
    assert await send_due_invitations(settings, sent_at, worker_id="seeder") == COUNT
    return sent_at + settings.reminder_delay


async def _check_reminders(outside: Outside) -> None:
    invitations = await Invitation.all()
    assert {(i.status, i.claimed_by) for i in invitations} == {(InvitationStatus.REMINDED.value, None)}
    assert Counter(await _dedupe_keys("review_reminder")) == {
        f"invite:{i.id}:reminder": 1 for i in invitations
    }
    tokens = Counter(
        await LinkToken.filter(invitation_id__isnull=False).values_list("invitation_id", flat=True)
    )
    assert tokens == {i.id: 2 for i in invitations}


async def _seed_mail(settings: Settings, outside: Outside) -> datetime:
    await queue_many(settings, MAILS)
    return datetime.now(UTC)


async def _check_mail(outside: Outside) -> None:
    """Each mail went out once or, for the group A had started, is failed for a person to look at."""
    rows = await OutboxMessage.all()
    sent = {m.message_id for m in rows if m.status == MessageStatus.SENT}
    unknown = [m for m in rows if m.status == MessageStatus.FAILED and m.last_error == STALE_ERROR]
    assert len(sent) + len(unknown) == MAILS
    assert len(unknown) == RECORD_EVERY, "only the group in A's hands when it died is in doubt"
    assert Counter(outside.mailbox.accepted) == dict.fromkeys(sent, 1)
    assert not {m.message_id for m in unknown} & set(outside.mailbox.accepted)


async def _seed_webhooks(settings: Settings, outside: Outside) -> datetime:
    now = datetime.now(UTC)
    endpoint = await WebhookEndpoint.create(
        name="Receiver", url=outside.receiver.url, events=["case.opened"], secret=seal(settings, new_secret())
    )
    for n in range(COUNT):
        payload = {"type": "case.opened", "data": {"case": {"id": n}}}
        await WebhookDelivery.create(
            endpoint=endpoint,
            event="case.opened",
            message_id=new_message_id(),
            payload=payload,
            next_attempt_at=now,
        )
    return now


async def _check_webhooks(outside: Outside) -> None:
    """Each event answered once; the one cut off by the kill was posted again with the same id."""
    events = await WebhookDelivery.all()
    assert {(e.status, e.claimed_by) for e in events} == {("delivered", None)}
    assert Counter(outside.receiver.answered) == {e.message_id: 1 for e in events}
    assert len(outside.receiver.cut) <= 1


async def _seed_photo_fetches(settings: Settings, outside: Outside) -> datetime:
    now = datetime.now(UTC)
    for n in range(COUNT):
        url = f"{outside.receiver.base}/photos/{n}.jpg"
        photo = await Photo.create(source_url=url, status="approved")
        await PhotoFetch.create(photo=photo, url=url, next_attempt_at=now)
    return now


async def _check_photo_fetches(outside: Outside) -> None:
    """Each photo fetched and stored once; the one cut off by the kill was fetched again."""
    fetches = await PhotoFetch.all()
    assert {(f.status, f.claimed_by) for f in fetches} == {("done", None)}
    assert Counter(outside.receiver.answered) == {f"/photos/{n}.jpg": 1 for n in range(COUNT)}
    assert len(outside.receiver.cut) <= 1
    photos = await Photo.all()
    assert len({p.web_name for p in photos}) == COUNT and all(p.is_public for p in photos)


async def _seed_overdue_cases(settings: Settings, outside: Outside) -> datetime:
    for _ in range(COUNT):
        await make_case(settings)
    return CASE_NOW + timedelta(days=30)


async def _check_escalations(outside: Outside) -> None:
    cases = await Case.all()
    assert all(c.escalated_at is not None and c.priority == raised("normal") for c in cases)
    events = Counter(await CaseEvent.filter(kind="escalated").values_list("case_id", flat=True))
    assert events == {c.id: 1 for c in cases}
    assert Counter(await _dedupe_keys("case_escalation")) == {f"case-escalation:{c.id}": 1 for c in cases}


async def _seed_resolved_cases(settings: Settings, outside: Outside) -> datetime:
    for _ in range(COUNT):
        case = await make_case(settings)
        resolved = CASE_NOW + timedelta(days=1)
        await Case.filter(id=case.id).update(
            status="resolved", resolved_at=resolved, follow_up_due_at=resolved + timedelta(days=1)
        )
    return CASE_NOW + timedelta(days=3)


async def _check_follow_ups(outside: Outside) -> None:
    cases = await Case.all()
    assert all(c.follow_up_sent_at is not None for c in cases)
    events = Counter(await CaseEvent.filter(kind="follow_up").values_list("case_id", flat=True))
    assert events == {c.id: 1 for c in cases}
    assert Counter(await _dedupe_keys("case_follow_up")) == {
        f"case-follow-up:{c.id}:{int(c.resolved_at.timestamp())}": 1 for c in cases if c.resolved_at
    }


def _reading(settings: Settings, server: ImapServer) -> Settings:
    folder = f"TwoWorkers{os.getpid()}x{next(_folders)}"
    with imap(server) as client:
        client.create_folder(folder)
    return settings.with_overrides(
        imap_host=server.host,
        imap_port=server.port,
        imap_tls="none",
        imap_username=server.username,
        imap_password=server.password,
        imap_folder=folder,
    )


async def _seed_support_mail(settings: Settings, outside: Outside) -> datetime:
    server = ImapServer(settings.imap_host, settings.imap_port, 0, settings.imap_username, "", Path())
    with imap(server, settings.imap_password) as client:
        for _ in range(COUNT):
            case = await make_case(settings)
            client.append(
                settings.imap_folder, customer_mail("Any news?", subject=f"[{case.reference}]").as_bytes()
            )
    return CASE_NOW


async def _check_support_mail(outside: Outside) -> None:
    cases = await Case.all()
    assert await InboundMessage.filter(status="reply").count() == COUNT
    events = Counter(await CaseEvent.filter(kind="customer_reply").values_list("case_id", flat=True))
    assert events == {c.id: 1 for c in cases}


async def _question(n: int, now: datetime, **fields: Any) -> Question:
    product = await Product.create(external_id=f"tent-{n}", name=f"Tent {n}")
    for buyer in range(2):
        customer = await Customer.create(email=f"buyer{n}-{buyer}@example.net", name="Buyer")
        order = await Order.create(
            source="api", external_id=f"o-{n}-{buyer}", customer=customer, placed_at=now - timedelta(days=20)
        )
        await OrderLine.create(order=order, product=product, quantity=1, unit_price=Decimal("10"))
    return await Question.create(
        product=product,
        asker_email=f"asker{n}@example.org",
        body="Does it fit two adults with backpacks?",
        status=PUBLISHED,
        published_at=now,
        **fields,
    )


async def _seed_questions(settings: Settings, outside: Outside) -> datetime:
    now = datetime.now(UTC)
    for n in range(COUNT):
        await _question(n, now, approved_at=now)
    return now


async def _check_asked_buyers(outside: Outside) -> None:
    questions = await Question.all()
    assert all(q.buyers_asked_at is not None for q in questions)
    requests = Counter(await AnswerRequest.all().values_list("question_id", flat=True))
    assert requests == {q.id: 2 for q in questions}
    keys = Counter(await _dedupe_keys("answer_request"))
    assert len(keys) == 2 * COUNT and set(keys.values()) == {1}


async def _seed_answered_questions(settings: Settings, outside: Outside) -> datetime:
    now = datetime.now(UTC)
    for n in range(COUNT):
        question = await _question(n, now, approved_at=now, asker_confirmed_at=now, buyers_asked_at=now)
        await Answer.create(
            question=question, body="Yes, with room to spare.", status=PUBLISHED, published_at=now
        )
    return now


async def _check_notified_askers(outside: Outside) -> None:
    questions = await Question.all()
    assert all(q.asker_notified_at is not None for q in questions)
    assert Counter(await _dedupe_keys("question_answered")) == {
        f"question_answered:{q.id}": 1 for q in questions
    }


async def _seed_lapsed_customers(settings: Settings, outside: Outside) -> datetime:
    now = datetime.now(UTC)
    for n in range(COUNT):
        await Customer.create(email=f"lapsed{n}@example.net", name="Lapsed", stage="dormant", stage_since=now)
    return now


async def _check_win_backs(outside: Outside) -> None:
    customers = await Customer.all()
    assert Counter(await WinBack.all().values_list("customer_id", flat=True)) == {c.id: 1 for c in customers}
    # The hold-out (HUB_WIN_BACK_HOLDOUT_PERCENT) is recorded and gets no mail; every other one mail.
    mailed = await WinBack.filter(holdout=False).values_list("customer_id", flat=True)
    assert Counter(await OutboxMessage.filter(kind="win_back").values_list("customer_id", flat=True)) == {
        customer_id: 1 for customer_id in mailed
    }


IMPORTED_ORDERS = 1200  # three batches of the import


async def _seed_import(settings: Settings, outside: Outside) -> datetime:
    """A confirmed orders import of a file in the data folder, as the admin leaves it."""
    now = datetime.now(UTC)
    folder = imports_folder(settings)
    rows = ["order_id,placed_at,customer_email,product_id,product_name,quantity,price"]
    for n in range(IMPORTED_ORDERS):
        for line in range(2):
            rows.append(f"I{n},2025-03-01T10:00:00Z,buyer{n % 50}@example.com,SKU-{line},Item {line},1,9.90")
    (folder / "import-1.csv").write_text("\n".join(rows) + "\n")
    await ImportJob.create(
        kind="orders",
        stored_name="import-1.csv",
        original_name="orders.csv",
        state="queued",
        next_attempt_at=now,
    )
    return now


async def _check_import(outside: Outside) -> None:
    """The import finished once, every order stored with its two lines, none twice."""
    (job,) = await ImportJob.all()
    assert (job.state, job.claimed_by, job.created + job.updated) == ("done", None, IMPORTED_ORDERS)
    assert await Order.all().count() == IMPORTED_ORDERS
    assert await OrderLine.all().count() == 2 * IMPORTED_ORDERS


def _abandon(queue: Any) -> Callable[[datetime], Awaitable[object]]:
    async def claim(now: datetime) -> object:
        return await queue.claim("killed-worker", now, 1000)

    return claim


TRANSACTIONAL = timedelta(0)
KINDS = {
    "outbox mail": Kind("mail", _seed_mail, _check_mail, STALE_CLAIM, "smtp", _abandon(OUTBOX)),
    "invitations": Kind(
        "invitations", _seed_invitations, _check_invitations, CLAIM_TIMEOUT, "outbox", _abandon(REQUESTS)
    ),
    "reminders": Kind(
        "reminders", _seed_reminders, _check_reminders, CLAIM_TIMEOUT, "outbox", _abandon(REMINDERS)
    ),
    "webhooks": Kind(
        "webhooks", _seed_webhooks, _check_webhooks, DELIVERIES.lease, "http", _abandon(DELIVERIES)
    ),
    "imported photos": Kind(
        "photo_fetches", _seed_photo_fetches, _check_photo_fetches, FETCHES.lease, "http", _abandon(FETCHES)
    ),
    "case escalations": Kind("case_sla", _seed_overdue_cases, _check_escalations, TRANSACTIONAL, "outbox"),
    "case follow-ups": Kind(
        "case_follow_ups", _seed_resolved_cases, _check_follow_ups, TRANSACTIONAL, "outbox"
    ),
    "questions to buyers": Kind("ask_buyers", _seed_questions, _check_asked_buyers, TRANSACTIONAL, "outbox"),
    "answers to askers": Kind(
        "notify_askers", _seed_answered_questions, _check_notified_askers, TRANSACTIONAL, "outbox"
    ),
    "win-backs": Kind("win_backs", _seed_lapsed_customers, _check_win_backs, TRANSACTIONAL, "outbox"),
    "admin imports": Kind(
        "imports", _seed_import, _check_import, IMPORT_LEASE, "insert", _abandon(IMPORTS), table="orders"
    ),
    # A stores and marks every message, then is killed inside its first case's transaction.
    "inbound mail": Kind(
        "inbound_mail",
        _seed_support_mail,
        _check_support_mail,
        TRANSACTIONAL,
        "outbox",
        table="triage_case_event",
        mailbox=True,
    ),
}


@pytest.mark.parametrize("name", list(KINDS))
async def test_a_killed_worker_leaves_nothing_behind_and_two_workers_do_nothing_twice(
    name: str, settings: Settings, db: str, outside: Outside, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    kind = KINDS[name]
    hooked = settings.with_overrides(smtp_host="127.0.0.1", smtp_port=outside.smtp_port)
    if kind.mailbox:
        hooked = _reading(hooked, request.getfixturevalue("imap_server"))
    now = await kind.seed(hooked, outside)
    log = tmp_path / "workers.log"
    if kind.caught_by == "smtp":
        await _kill_when_held(hooked, kind.job, now, outside.mailbox.hold, log)
    elif kind.caught_by == "http":
        await _kill_when_held(hooked, kind.job, now, outside.receiver.hold, log)
    elif is_postgres(db):
        await _kill_inside_an_insert(hooked, kind.job, now, log, kind.table)
    elif kind.abandon is not None:
        await kind.abandon(now)
    await _survivors(hooked, kind.job, now + kind.lease + timedelta(minutes=1), log)
    await kind.check(outside)


async def test_two_workers_give_each_case_of_an_agent_who_went_away_on_once(
    settings: Settings, db: str, tmp_path: Path, password_hash: str
) -> None:
    auto = settings.with_overrides(assignment_mode="round_robin")
    ann, *_others = [
        await StaffUser.create(email=f"{name}@example.com", name=name, password_hash=password_hash)
        for name in ("Ann", "Ben", "Cid")
    ]
    for _ in range(COUNT):
        await make_case(auto)
    anns = set(await Case.filter(assignee_id=ann.id).values_list("id", flat=True))
    assert len(anns) == 7
    await set_away(ann, ann, True, CASE_NOW)
    await _survivors(auto, "case_reassign", CASE_NOW, tmp_path / "workers.log")
    assert not await Case.filter(assignee_id=ann.id).exists()
    given_on = Counter(await CaseEvent.filter(kind="reassigned").values_list("case_id", flat=True))
    assert given_on == {case_id: 1 for case_id in anns}
