"""A real webhook receiver on a free local port that checks Standard Webhooks signatures itself."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from hub.config import Settings
from tests.conftest import free_port

TOLERANCE_SECONDS = 5 * 60


def verify(secret: str, headers: dict[str, str], body: bytes, now: float) -> bool:
    """The receiver's check, written from the specification (not the hub's signer).

    The key is the base64 after ``whsec_`` (any other secret: its UTF-8 bytes); the
    signed content is ``{webhook-id}.{webhook-timestamp}.{body}``; ``webhook-signature``
    holds space-separated ``v1,<base64 HMAC-SHA256>``; the timestamp must be recent.
    """
    try:
        message_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
        signatures = headers["webhook-signature"].split()
    except KeyError:
        return False
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    key = base64.b64decode(secret[len("whsec_") :]) if secret.startswith("whsec_") else secret.encode()
    signed = message_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        version == "v1" and hmac.compare_digest(value, expected)
        for version, _, value in (entry.partition(",") for entry in signatures)
    )


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    answered: int

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """Answers each POST with the next of ``statuses`` (then 204); 401 when the signature is wrong.

    ``secret`` is the endpoint's (None: signatures are not checked, as for Slack);
    ``clock`` is the receiver's time for the timestamp check (the job's ``now``).
    """

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.statuses: list[int] = []
        self.always: int | None = None
        self.secret: str | None = None
        self.clock: float | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                now = receiver.clock if receiver.clock is not None else time.time()
                verified = receiver.secret is not None and verify(receiver.secret, headers, body, now)
                if receiver.secret is not None and not verified:
                    status = 401
                elif receiver.statuses:
                    status = receiver.statuses.pop(0)
                else:
                    status = receiver.always or 204
                receiver.received.append(Received(self.path, headers, body, verified, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/hub"

    def at(self, now: datetime) -> None:
        self.clock = now.timestamp()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
        thread.join()


@pytest.fixture
def allowed(settings: Settings) -> Settings:
    """The operator allow-listed the local receiver (a private address)."""
    return settings.with_overrides(webhook_allow=("127.0.0.1",))


def now() -> datetime:
    """A whole second just after the events a test has emitted."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
