"""Reviews from another review app's CSV export, through the one moderation pipeline.

Each row becomes a review with `source="import"` and an `import_key`, so that a
second run skips what the first one stored; a row about the store itself becomes a
`StoreReview`. Bad rows are reported by the line where they start and do not stop the
others. The file is streamed (`hub.transfer.review_rows`). A dry run does all the work
inside one transaction and rolls it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from hub.catalog.models import Customer, Product
from hub.config import Settings
from hub.intake.submit import SubmissionError, submit_review
from hub.photos.fetch import queue_photo_fetches
from hub.photos.models import PhotoStatus
from hub.progress import Progress, tell
from hub.reviews.aggregates import refresh_rating
from hub.reviews.models import Reply, Review, ReviewSource, ReviewStatus
from hub.transfer.cells import DateOrder
from hub.transfer.formats import HeaderError, resolve
from hub.transfer.review_rows import ImportedReview, ReviewFileError, RowReader, header_of, records
from hub.transfer.store_import import import_store_review, status_at_source

__all__ = ["ReviewFileError", "ReviewImportSummary", "RowOutcome", "import_reviews"]

ALREADY_IMPORTED = "already imported"
UNPUBLISHED_AT_SOURCE = "unpublished_at_source"


class _RollBack(Exception):
    """Raised at the end of a dry run so that its transaction stores nothing."""


@dataclass(frozen=True)
class RowOutcome:
    line: int
    action: str  # created, skipped or bad
    reason: str = ""


@dataclass
class ReviewImportSummary:
    dry_run: bool = False
    format_name: str = ""
    outcomes: list[RowOutcome] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(outcome.action == action for outcome in self.outcomes)

    @property
    def problems(self) -> list[RowOutcome]:
        return [outcome for outcome in self.outcomes if outcome.action == "bad"]


def reader_for(
    path: Path, format_name: str | None, column_map: Sequence[str] = (), date_order: DateOrder | None = None
) -> RowReader:
    """The reader of ``path``: its format named, mapped or detected; `ReviewFileError` if none fits."""
    header = header_of(path)
    try:
        fmt = resolve(header, format_name, column_map)
    except HeaderError as error:
        raise ReviewFileError(f"{path}: {error}") from None
    if missing := fmt.missing(header):
        raise ReviewFileError(f"{path}: missing columns for {fmt.name}: {', '.join(missing)}")
    return RowReader(fmt, header, date_order)


async def _product(item: ImportedReview) -> Product:
    product, _ = await Product.get_or_create(
        external_id=item.product_id,
        defaults={
            "name": item.product_name[:255],
            "url": item.product_url,
            "image_url": item.product_image_url,
        },
    )
    return product


async def _customer(item: ImportedReview) -> Customer | None:
    if not item.reviewer_email:
        return None
    customer, _ = await Customer.get_or_create(
        email=item.reviewer_email[:254], defaults={"name": item.customer_name[:200]}
    )
    return customer


def _dated(item: ImportedReview) -> dict[str, Any]:
    """The reply's own date where the export has one; else the import's time."""
    return {"created_at": item.replied_at} if item.replied_at else {}


async def _add_extras(review: Review, item: ImportedReview, customer: Customer | None) -> None:
    """The public reply, the photo links and the state the source gave the review."""
    if item.reply:
        await Reply.create(review=review, body=item.reply, is_public=item.reply_public, **_dated(item))
    status = PhotoStatus.APPROVED if item.published else PhotoStatus.PENDING
    await queue_photo_fetches(review, customer, item.photo_urls, status, datetime.now(UTC))
    if item.published is False and review.is_public:
        review.status, review.status_reason = ReviewStatus.PENDING.value, UNPUBLISHED_AT_SOURCE
        review.published_at = None
    await review.save(update_fields=["status", "status_reason", "published_at"])
    await refresh_rating(review.product_id)


async def _keep_source_fields(review: Review, item: ImportedReview) -> None:
    """The reviewer's location and variant, and a review the source called spam or rejected."""
    was_public = review.is_public
    status, reason = status_at_source(ReviewStatus(review.status), review.status_reason, item.state)
    review.status, review.status_reason = status.value, reason
    review.location, review.variant = item.location, item.variant
    if not review.is_public:
        review.published_at = None
    await review.save(update_fields=["location", "variant", "status", "status_reason", "published_at"])
    if was_public and not review.is_public:
        await refresh_rating(review.product_id)


async def import_one(settings: Settings, item: ImportedReview) -> RowOutcome:
    if await Review.exists(import_key=item.key):
        return RowOutcome(item.line, "skipped", ALREADY_IMPORTED)
    product, customer = await _product(item), await _customer(item)
    result = await submit_review(
        settings,
        product=product,
        rating=item.rating,
        title=item.title,
        body=item.body,
        display_name=item.reviewer_name,
        customer=customer,
        source=ReviewSource.IMPORT.value,
        verified_buyer=item.verified,
        submitted_at=item.submitted_at,
        import_key=item.key,
    )
    if not result.created:
        return RowOutcome(item.line, "skipped", ALREADY_IMPORTED)
    await _add_extras(result.review, item, customer)
    await _keep_source_fields(result.review, item)
    return RowOutcome(item.line, "created", result.review.status)


async def _import_item(settings: Settings, item: ImportedReview) -> RowOutcome:
    if not item.about_store:
        return await import_one(settings, item)
    created, status = await import_store_review(settings, item, await _customer(item))
    if not created:
        return RowOutcome(item.line, "skipped", ALREADY_IMPORTED)
    return RowOutcome(item.line, "created", f"store review, {status}")


async def _import_row(settings: Settings, reader: RowReader, line: int, row: dict[str, str]) -> RowOutcome:
    try:
        item = reader.parse(line, row)
        async with in_transaction():
            return await _import_item(settings, item)
    except SubmissionError as error:
        return RowOutcome(line, "bad", f"{error.field.replace('_', ' ')} {error.reason}")
    except ValueError as error:
        return RowOutcome(line, "bad", str(error))


async def _import_all(
    settings: Settings,
    path: Path,
    reader: RowReader,
    summary: ReviewImportSummary,
    progress: Progress | None,
) -> None:
    total = reader.scan(path).records
    for done, (line, row) in enumerate(records(path), start=1):
        summary.outcomes.append(await _import_row(settings, reader, line, row))
        await tell(progress, done, total)


async def import_reviews(
    settings: Settings,
    path: Path,
    format_name: str | None = None,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    date_order: DateOrder | str | None = None,
    column_map: Sequence[str] = (),
) -> ReviewImportSummary:
    """Import the reviews of ``path``; a dry run reports the same outcomes and stores nothing.

    Without ``format_name`` the format is read from the header; ``column_map``
    (``COLUMN=FIELD``) reads any other file; ``date_order`` (`dmy` or `mdy`) says how to
    read dates like `3/2/2024` when the file's own dates cannot.
    """
    order = DateOrder(date_order) if date_order else None
    reader = reader_for(path, format_name, column_map, order)
    summary = ReviewImportSummary(dry_run=dry_run, format_name=reader.fmt.name)
    if not dry_run:
        await _import_all(settings, path, reader, summary, progress)
        return summary
    try:
        async with in_transaction():
            await _import_all(settings, path, reader, summary, progress)
            raise _RollBack
    except _RollBack:
        pass
    return summary
