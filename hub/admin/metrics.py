"""Prometheus metrics: requests and latency by route, and the hub's queues, in text format.

Requests are labelled by the route's path template (``/r/{token}``), never the raw
path, which holds tokens and would make one series per link. Each web process
counts its own requests; the queue figures come from the database at scrape time.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise.queryset import QuerySet

from hub.invites.models import Invitation, InvitationStatus
from hub.mail.models import MessageStatus, OutboxMessage
from hub.triage.models import Case, CaseStatus
from hub.triage.sla import overdue_q

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "(unmatched)"
SCOPE_KEY = "hub.metrics"

Labels = tuple[str, str, str]  # route, method, status


@dataclass
class RequestMetrics:
    counts: dict[Labels, int] = field(default_factory=lambda: defaultdict(int))
    buckets: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    sums: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.counts[(route, method, str(status))] += 1
        key = (route, method)
        bucket = self.buckets.setdefault(key, [0] * (len(BUCKETS) + 1))
        for index, bound in enumerate((*BUCKETS, math.inf)):
            if seconds <= bound:
                bucket[index] += 1
        self.sums[key] += seconds


def route_template(scope: Scope) -> str:
    """The path template of the route that served ``scope``, or UNMATCHED."""
    route = scope.get("route")
    if route is not None and hasattr(route, "path"):
        return str(route.path)
    app = scope.get("app")
    for candidate in getattr(getattr(app, "router", None), "routes", ()):
        match, _ = candidate.matches(scope)
        if match == Match.FULL and hasattr(candidate, "path"):
            return str(candidate.path)
    return UNMATCHED


class MetricsMiddleware:
    """Counts requests and their latency by route template, method and status."""

    def __init__(self, app: ASGIApp, metrics: RequestMetrics | None = None) -> None:
        self.app = app
        self.metrics = metrics or RequestMetrics()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[SCOPE_KEY] = self.metrics
        started, status = time.perf_counter(), 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            self.metrics.observe(route_template(scope), method, status, time.perf_counter() - started)


def _label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{name}="{_label_value(value)}"' for name, value in labels.items()) + "}"


def _number(value: float) -> str:
    return "+Inf" if value == math.inf else repr(float(value)) if isinstance(value, float) else str(value)


def request_lines(metrics: RequestMetrics) -> Iterable[str]:
    yield "# HELP hub_http_requests_total HTTP requests by route template, method and status."
    yield "# TYPE hub_http_requests_total counter"
    for (route, method, status), count in sorted(metrics.counts.items()):
        yield f"hub_http_requests_total{_labels(route=route, method=method, status=status)} {count}"
    yield "# HELP hub_http_request_duration_seconds Time to answer, by route template and method."
    yield "# TYPE hub_http_request_duration_seconds histogram"
    for (route, method), counts in sorted(metrics.buckets.items()):
        for bound, count in zip((*BUCKETS, math.inf), counts, strict=True):
            labels = _labels(route=route, method=method, le=_number(bound))
            yield f"hub_http_request_duration_seconds_bucket{labels} {count}"
        labels = _labels(route=route, method=method)
        yield f"hub_http_request_duration_seconds_sum{labels} {metrics.sums[(route, method)]!r}"
        yield f"hub_http_request_duration_seconds_count{labels} {counts[-1]}"


def gauge(name: str, help_text: str, value: float) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {_number(value)}"]


async def _age(query: QuerySet[Any], column: str, now: datetime) -> float:
    """Seconds since the earliest ``column`` of ``query``; 0 when it is empty."""
    oldest = await query.order_by(column).first().values_list(column, flat=True)
    if not isinstance(oldest, datetime):
        return 0.0
    return max(0.0, round((now - oldest).total_seconds(), 3))


async def queue_lines(now: datetime) -> list[str]:
    """Outbox, case and worker figures, read from the database now."""
    queued = OutboxMessage.filter(status=MessageStatus.QUEUED.value)
    due_mail = queued.filter(next_attempt_at__lte=now)
    due_invites = Invitation.filter(status=InvitationStatus.SCHEDULED.value, send_at__lte=now)
    active = Case.filter(status__in=[CaseStatus.OPEN.value, CaseStatus.PENDING.value])
    return [
        *gauge("hub_outbox_depth", "Messages queued in the outbox.", await queued.count()),
        *gauge(
            "hub_outbox_oldest_queued_seconds",
            "Age of the oldest queued message.",
            await _age(queued, "created_at", now),
        ),
        *gauge("hub_cases_open", "Cases open or pending.", await active.count()),
        *gauge(
            "hub_cases_overdue", "Active cases past an SLA target.", await Case.filter(overdue_q(now)).count()
        ),
        *gauge(
            "hub_worker_outbox_lag_seconds",
            "How long the oldest due outbox row has waited.",
            await _age(due_mail, "next_attempt_at", now),
        ),
        *gauge(
            "hub_worker_invitation_lag_seconds",
            "How long the oldest due invitation has waited.",
            await _age(due_invites, "send_at", now),
        ),
    ]
