"""The receiver docs/webhooks.md shows verifies a real delivery, and refuses a changed one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hub.config import Settings
from hub.webhooks.delivery import deliver_webhooks
from hub.webhooks.endpoints import create_endpoint
from hub.webhooks.events import EVENTS
from tests.triage.conftest import make_case
from tests.webhooks.conftest import Receiver, now

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def documented_verify() -> Any:
    text = DOC.read_text()
    section = text[text.index("## Verifying a delivery") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "docs/webhooks.md shows a Python receiver"
    assert len(code.group(1).strip().splitlines()) <= 15, "a few lines"
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), str(DOC), "exec"), namespace)  # noqa: S102  (our own docs)
    return namespace["verify"]


async def test_the_documented_receiver_verifies_a_delivery(
    allowed: Settings, db: str, receiver: Receiver
) -> None:
    created = await create_endpoint(allowed, None, name="Docs", url=receiver.url, events=["case.opened"])
    await make_case(allowed)
    await deliver_webhooks(allowed, now())
    (got,) = receiver.received
    verify = documented_verify()
    assert verify(created.secret, got.headers, got.body)
    assert not verify(created.secret, got.headers, got.body.replace(b"case.opened", b"case.closed"))
    assert not verify("whsec_" + "QUJD" * 8, got.headers, got.body)


def test_every_event_is_documented() -> None:
    text = DOC.read_text()
    for event in EVENTS:
        assert f"| `{event}` |" in text, f"{event} is in the table"
        assert f'"type": "{event}"' in text or f"`{event}`:" in text, f"{event} has an example"
