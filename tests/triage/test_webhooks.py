from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from hub.config import Settings
from hub.triage.jobs import deliver_case_webhooks
from hub.triage.models import WebhookEvent
from tests.conftest import NOW
from tests.triage.conftest import make_case

SECRET = "hook-secret"


class Receiver:
    """A tiny HTTP server on 127.0.0.1 that records requests and fails the first ``failures``."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.failures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers.items()), body))
                failing = receiver.failures > 0
                receiver.failures -= 1
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
    thread.join()


def _hooked(settings: Settings, receiver: Receiver) -> Settings:
    return settings.with_overrides(case_webhook_url=receiver.url, case_webhook_secret=SECRET)


async def test_a_new_case_is_posted_as_signed_json(settings: Settings, db: str, receiver: Receiver) -> None:
    hooked = _hooked(settings, receiver)
    case = await make_case(hooked)
    assert await deliver_case_webhooks(hooked, NOW) == 1
    headers, body = receiver.requests[0]
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Hub-Signature-256"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["event"] == "case.created" and payload["case"]["reference"] == case.reference
    assert "email" not in body.decode()
    event = await WebhookEvent.get()
    assert event.status == "delivered" and event.attempts == 1


async def test_a_failed_delivery_is_retried_after_a_back_off(
    settings: Settings, db: str, receiver: Receiver
) -> None:
    hooked = _hooked(settings, receiver)
    receiver.failures = 1
    await make_case(hooked)
    now = (await WebhookEvent.get()).next_attempt_at
    assert await deliver_case_webhooks(hooked, now) == 1
    failed = await WebhookEvent.get()
    assert (failed.status, failed.attempts, failed.last_error) == ("queued", 1, "HTTP 500")
    assert failed.next_attempt_at == now + timedelta(minutes=1)
    assert await deliver_case_webhooks(hooked, now + timedelta(seconds=30)) == 0
    assert await deliver_case_webhooks(hooked, now + timedelta(minutes=1)) == 1
    delivered = await WebhookEvent.get()
    assert (delivered.status, delivered.attempts) == ("delivered", 2)
    assert len(receiver.requests) == 2


async def test_it_gives_up_after_the_last_attempt(settings: Settings, db: str, receiver: Receiver) -> None:
    hooked = _hooked(settings, receiver)
    receiver.failures = 100
    await make_case(hooked)
    await WebhookEvent.all().update(attempts=7)
    now = (await WebhookEvent.get()).next_attempt_at
    await deliver_case_webhooks(hooked, now)
    assert (await WebhookEvent.get()).status == "failed"


async def test_no_webhook_is_queued_without_a_url(settings: Settings, db: str) -> None:
    await make_case(settings)
    assert not await WebhookEvent.exists()
