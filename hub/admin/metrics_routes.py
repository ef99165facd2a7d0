"""`/metrics`: the Prometheus text, for a bearer token or a local client."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from hub.admin.metrics import SCOPE_KEY, RequestMetrics, queue_lines, request_lines

LOCAL_HOSTS = frozenset({"127.0.0.1", "::1"})
ERASE_WORD = "ERASE"


def may_read_metrics(request: Request, token: str) -> bool:
    """A bearer token equal to ``token`` (compared in constant time), or a local client."""
    sent = request.headers.get("authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    return request.client is not None and request.client.host in LOCAL_HOSTS


async def metrics(request: Request) -> Response:
    if not may_read_metrics(request, request.app.state.settings.metrics_token):
        return PlainTextResponse("Forbidden", status_code=403)
    counted = request.scope.get(SCOPE_KEY) or RequestMetrics()
    lines = [*request_lines(counted), *await queue_lines(datetime.now(UTC))]
    return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4; charset=utf-8")
