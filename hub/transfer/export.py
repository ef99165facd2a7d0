"""Streamed exports of reviews, survey responses, cases and customers, as CSV or JSON Lines.

Rows are read in id order, `BATCH` at a time, so that an export of any size holds
one batch in memory. CSV text cells that a spreadsheet would run as a formula are
prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tortoise.models import Model

from hub.catalog.models import Customer
from hub.reviews.models import Review
from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.surveys.models import SurveyAnswer, SurveyResponse
from hub.triage.models import Case

BATCH = 500
FORMATS = ("csv", "jsonl")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}

Row = dict[str, Any]


@dataclass(frozen=True)
class ExportKind:
    name: str
    model: type[Model]
    columns: tuple[str, ...]
    # Extra columns filled per batch (survey answers); receives the batch, fills it in place.
    enrich: Callable[[list[Row]], Awaitable[None]] | None = None

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(column.replace("__", "_") for column in self.columns) + (
            ("answers",) if self.enrich else ()
        )


async def _add_answers(rows: list[Row]) -> None:
    answers = (
        await SurveyAnswer.filter(response_id__in=[row["id"] for row in rows])
        .order_by("id")
        .values("response_id", "question__prompt", "number", "text", "choice")
    )
    by_response: dict[int, list[Row]] = {row["id"]: [] for row in rows}
    for answer in answers:
        by_response[answer.pop("response_id")].append({"question": answer.pop("question__prompt"), **answer})
    for row in rows:
        row["answers"] = by_response[row["id"]]


KINDS: dict[str, ExportKind] = {
    kind.name: kind
    for kind in (
        ExportKind(
            "reviews",
            Review,
            (
                "id",
                "product__external_id",
                "product__name",
                "customer_id",
                "order__external_id",
                "rating",
                "title",
                "body",
                "display_name",
                "status",
                "status_reason",
                "verified_buyer",
                "source",
                "locale",
                "sentiment_label",
                "sentiment_polarity",
                "flagged",
                "flag_reasons",
                "priority",
                "helpful_count",
                "unhelpful_count",
                "has_photos",
                "import_key",
                "submitted_at",
                "published_at",
                "edited_at",
            ),
        ),
        ExportKind(
            "survey_responses",
            SurveyResponse,
            (
                "id",
                "survey__slug",
                "customer_id",
                "order__external_id",
                "review_id",
                "nps",
                "csat",
                "sentiment_label",
                "flagged",
                "submitted_at",
            ),
            _add_answers,
        ),
        ExportKind(
            "cases",
            Case,
            (
                "id",
                "status",
                "priority",
                "reasons",
                "customer_id",
                "review_id",
                "survey_response_id",
                "order__external_id",
                "product__external_id",
                "assignee__email",
                "first_response_due_at",
                "resolution_due_at",
                "first_response_at",
                "resolved_at",
                "closed_at",
                "resolution_code",
                "resolution_note",
                "escalated_at",
                "recovery_csat",
                "recovered_at",
                "created_at",
            ),
        ),
        ExportKind(
            "customers",
            Customer,
            (
                "id",
                "email",
                "name",
                "external_id",
                "locale",
                "stage",
                "advocate_score",
                "marketing_consent_at",
                "unsubscribed_at",
                "mail_opt_outs",
                "profile_opt_in_at",
                "erased_at",
                "created_at",
            ),
        ),
    )
}


class ExportError(ValueError):
    """An export that was asked for with an unknown kind or format."""


def check_request(kind: str, fmt: str) -> ExportKind:
    if kind not in KINDS:
        raise ExportError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use csv or jsonl")
    return KINDS[kind]


async def batches(kind: ExportKind, size: int = BATCH) -> AsyncIterator[list[Row]]:
    """The rows of ``kind`` in id order, ``size`` at a time (keyset paging, no OFFSET)."""
    last_id = 0
    while True:
        rows = await kind.model.filter(id__gt=last_id).order_by("id").limit(size).values(*kind.columns)
        if not rows:
            return
        rows = [{column.replace("__", "_"): row[column] for column in kind.columns} for row in rows]
        if kind.enrich:
            await kind.enrich(rows)
        yield rows
        last_id = rows[-1]["id"]


def plain(value: Any) -> Any:
    """A JSON-ready value: dates as ISO 8601, decimals as strings."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def csv_cell(value: Any) -> str:
    """A cell as text: lists as JSON, and text a spreadsheet would run as a formula made inert."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        value = json.dumps(plain_deep(value), ensure_ascii=False)
    elif isinstance(value, bool):
        return "true" if value else "false"
    elif not isinstance(value, str):
        return str(plain(value))
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def plain_deep(value: Any) -> Any:
    if isinstance(value, list):
        return [plain_deep(item) for item in value]
    if isinstance(value, dict):
        return {key: plain_deep(item) for key, item in value.items()}
    return plain(value)


def csv_line(cells: Sequence[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_cell(cell) for cell in cells])
    return buffer.getvalue()


def jsonl_line(row: Row) -> str:
    return json.dumps(plain_deep(row), ensure_ascii=False) + "\n"


async def export_lines(kind: ExportKind, fmt: str) -> AsyncIterator[str]:
    """The export as text, one line (or one batch of lines) at a time."""
    if fmt == "csv":
        yield csv_line(kind.header)
    async for rows in batches(kind):
        if fmt == "csv":
            yield "".join(csv_line([row[column] for column in kind.header]) for row in rows)
        else:
            yield "".join(jsonl_line(row) for row in rows)


async def start_export(actor: StaffUser | None, kind_name: str, fmt: str, channel: str) -> AsyncIterator[str]:
    """Check the request, record it in the audit log, and return its lines."""
    kind = check_request(kind_name, fmt)
    await audit(actor, "export", "export", kind.name, format=fmt, channel=channel)
    return export_lines(kind, fmt)


def file_name(kind: str, fmt: str, today: date) -> str:
    return f"feedback-hub-{kind}-{today.isoformat()}.{fmt}"
