"""A review export read row by row: the file's records, and each row as a review to import.

The file is read twice, both times as a stream: once to count its records and learn
its date order (see `hub.transfer.cells`), once to import them.
"""

from __future__ import annotations

import csv
import hashlib
import html
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from hub.transfer.cells import (
    DateOrder,
    SourceState,
    date_evidence,
    parse_date,
    parse_rating,
    photo_urls,
    source_state,
    truthy,
    web_link,
)
from hub.transfer.formats import FIELDS, SourceFormat

# Review text and names go through the pipeline, which reads them as HTML; these don't.
ESCAPED_FIELDS = ("product_name", "reply")
DATE_FIELDS = ("created_at", "replied_at")


class ReviewFileError(ValueError):
    """The file as a whole cannot be read in the chosen format."""


@dataclass(frozen=True)
class ImportedReview:
    line: int
    key: str
    product_id: str
    product_name: str
    product_url: str
    rating: int
    title: str
    body: str
    reviewer_name: str
    reviewer_email: str
    submitted_at: datetime
    verified: bool
    published: bool | None
    reply: str
    photo_urls: list[str]
    reply_public: bool = True
    replied_at: datetime | None = None
    state: SourceState | None = None
    location: str = ""
    variant: str = ""
    customer_name: str = ""
    product_image_url: str = ""
    about_store: bool = False


def records(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(first line of the record, row): a quoted body may span lines."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
        start = reader.line_num + 1
        for row in reader:
            yield start, {key: value or "" for key, value in row.items() if key}
            start = reader.line_num + 1


def header_of(path: Path) -> list[str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return [name.strip() for name in next(csv.reader(handle), [])]
    except UnicodeDecodeError:
        raise ReviewFileError(f"{path}: not UTF-8 text (in Excel, save as “CSV UTF-8”)") from None


def import_key(
    fmt: SourceFormat, external_id: str, product_id: str, email: str, submitted_at: datetime, body: str
) -> str:
    """``format:review id``, or a stable hash of what identifies a review without one."""
    if external_id:
        return f"{fmt.name}:{external_id}"[:128]
    identity = "\x1f".join((product_id, email.lower(), submitted_at.isoformat(), body))
    return f"{fmt.name}:sha256:{hashlib.sha256(identity.encode()).hexdigest()[:40]}"


def _first(row: dict[str, str], columns: Sequence[str]) -> str:
    return next((value for column in columns if (value := row.get(column, "").strip())), "")


@dataclass
class FileScan:
    """What the first pass learnt: how many records, and the order of the file's dates."""

    records: int = 0
    order: DateOrder | None = None
    evidence: dict[DateOrder, tuple[int, str]] = field(default_factory=dict)

    def saw(self, line: int, value: str) -> None:
        if (order := date_evidence(value)) and order not in self.evidence:
            self.evidence[order] = (line, value)

    def decide(self, path: Path) -> None:
        if len(self.evidence) > 1:
            (dmy_line, dmy), (mdy_line, mdy) = self.evidence[DateOrder.DMY], self.evidence[DateOrder.MDY]
            raise ReviewFileError(
                f"{path}: line {dmy_line} has a day-first date ({dmy!r}) and line {mdy_line} a "
                f"month-first one ({mdy!r}): pass --date-order dmy or --date-order mdy"
            )
        self.order = self.order or next(iter(self.evidence), None)


class RowReader:
    """Rows of one file in one format as reviews to import; `ValueError` says what is wrong."""

    def __init__(self, fmt: SourceFormat, header: Sequence[str], order: DateOrder | None = None) -> None:
        self.fmt, self.order = fmt, order
        self.plan = {name: fmt.columns_for(name, header) for name in FIELDS}
        self.escaped = fmt.escaped_if_column in header

    def scan(self, path: Path) -> FileScan:
        found = FileScan(order=self.order)
        try:
            for line, row in records(path):
                found.records += 1
                for name in DATE_FIELDS if self.order is None else ():
                    found.saw(line, _first(row, self.plan[name]))
        except UnicodeDecodeError:
            raise ReviewFileError(f"{path}: not UTF-8 text (in Excel, save as “CSV UTF-8”)") from None
        except csv.Error as error:
            raise ReviewFileError(f"{path}: not a CSV file the hub can read ({error})") from None
        found.decide(path)
        self.order = found.order
        return found

    def cells(self, row: dict[str, str]) -> dict[str, str]:
        cells = {name: _first(row, columns) for name, columns in self.plan.items()}
        if self.escaped:
            cells.update({name: html.unescape(cells[name]).strip() for name in ESCAPED_FIELDS})
        if not self.plan["verified"] and cells["order_id"]:
            cells["verified"] = "true"  # no verified column: the order proves the purchase
        return cells

    def about_store(self, cell: dict[str, str]) -> bool:
        fmt = self.fmt
        return (
            cell["kind"] in fmt.store_kinds
            or cell["product_id"] in fmt.store_product_ids
            or (fmt.store_when_no_product and not cell["product_id"])
        )

    def _dates(self, cell: dict[str, str]) -> tuple[datetime, datetime | None]:
        if not cell["created_at"]:
            raise ValueError("date is empty")
        submitted_at = parse_date(cell["created_at"], self.order)
        if not (cell["reply"] and cell["replied_at"]):
            return submitted_at, None
        try:
            return submitted_at, parse_date(cell["replied_at"], self.order)
        except ValueError as error:
            raise ValueError(f"reply {error}") from None

    def parse(self, line: int, row: dict[str, str]) -> ImportedReview:
        cell = self.cells(row)
        store = self.about_store(cell)
        if not store and not cell["product_id"]:
            raise ValueError("product id is empty")
        submitted_at, replied_at = self._dates(cell)
        email = cell["reviewer_email"].lower()
        if email and "@" not in email:
            raise ValueError(f"reviewer email {email!r} is not an email address")
        product_id = "" if store else cell["product_id"]
        state = source_state(cell["published"])
        return ImportedReview(
            line=line,
            key=import_key(self.fmt, cell["external_id"], product_id, email, submitted_at, cell["body"]),
            product_id=product_id[:64],
            product_name=cell["product_name"] or product_id,
            product_url=web_link("product url", cell["product_url"])[:1000],
            rating=parse_rating(cell["rating"]),
            title=cell["title"],
            body=cell["body"],
            reviewer_name=cell["reviewer_name"],
            reviewer_email=email,
            submitted_at=submitted_at,
            verified=truthy(cell["verified"], self.fmt.verified_words),
            published=None if state is None else state is SourceState.PUBLISHED,
            reply=cell["reply"],
            photo_urls=photo_urls(cell["photo_urls"]),
            reply_public=truthy(cell["reply_public"]) if cell["reply_public"] else True,
            replied_at=replied_at,
            state=state,
            location=cell["location"][:80],
            variant=cell["variant"][:100],
            customer_name=cell["customer_name"] or cell["reviewer_name"],
            product_image_url=web_link("product image url", cell["product_image_url"])[:1000],
            about_store=store,
        )
