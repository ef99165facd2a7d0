"""Column maps of the review exports the hub can import, and the cell parsers they share.

Each source format maps the hub's fields to the column names its export uses; the
first column present in the file wins. The generic format is documented in
docs/data.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from hub.web.safe_urls import url_refusal

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "t", "verified", "ok", "published", "approved"})
PHOTO_SEPARATOR = re.compile(r"[\s,;|]+")
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %Z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d.%m.%Y",
)


@dataclass(frozen=True)
class SourceFormat:
    name: str
    columns: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...] = ("rating", "product_id")
    # A file with this column writes its text HTML-escaped (`&amp;`, `&#x27;`), to be
    # unescaped on import; other files' text is taken as it is.
    escaped_if_column: str | None = None
    # Values of the `kind` column for reviews of the store rather than of a product.
    store_kinds: frozenset[str] = frozenset()

    def column_for(self, field: str, header: Sequence[str]) -> str | None:
        """The first of ``field``'s column names that ``header`` holds."""
        return next((name for name in self.columns.get(field, ()) if name in header), None)

    def missing(self, header: Sequence[str]) -> list[str]:
        return [
            " or ".join(self.columns[field])
            for field in self.required
            if self.column_for(field, header) is None
        ]


JUDGEME = SourceFormat(
    "judgeme",
    {
        "external_id": ("id", "review_id"),
        "product_id": ("product_id", "product_handle"),
        "product_name": ("product_title", "product_name", "product_handle"),
        "product_url": ("product_url",),
        "rating": ("rating",),
        "title": ("title",),
        "body": ("body",),
        "reviewer_name": ("reviewer_name",),
        "reviewer_email": ("reviewer_email",),
        "created_at": ("review_date", "created_at"),
        "verified": ("verified_buyer", "verified"),
        "published": ("curated", "published"),
        "reply": ("reply",),
        "photo_urls": ("picture_urls",),
    },
)

# From a real export (2026): "Review Creation Date", "Reviewer Display Name",
# "Reviewer Email", "Review Status" (Published), "Order ID" (no verified column),
# "Comment Public", "Review Type" (product_review or site_review), text HTML-escaped.
# The lower-case names are the older export's (2015).
YOTPO = SourceFormat(
    "yotpo",
    {
        "external_id": ("Review ID", "review_id"),
        "product_id": ("Product ID", "product_id", "Product SKU", "sku"),
        "product_name": ("Product Title", "product_title"),
        "product_url": ("Product URL", "product_url"),
        "rating": ("Review Score", "review_score"),
        "title": ("Review Title", "review_title"),
        "body": ("Review Content", "review_content"),
        "reviewer_name": ("Reviewer Display Name", "Display Name", "User Name", "display_name"),
        "reviewer_email": ("Reviewer Email", "Email", "User Email", "email"),
        "created_at": ("Review Creation Date", "Date", "date"),
        "verified": ("Verified Purchase", "Is Verified Buyer", "verified_purchase"),
        "order_id": ("Order ID", "order_id"),
        "published": ("Review Status", "Published", "published"),
        "reply": ("Comment Content", "comment_content"),
        "reply_public": ("Comment Public", "comment_public"),
        "photo_urls": ("Published Image URLs", "Images", "Image URLs", "published_image_url"),
        "kind": ("Review Type",),
    },
    escaped_if_column="Review Type",
    store_kinds=frozenset({"site_review"}),
)

OKENDO = SourceFormat(
    "okendo",
    {
        "external_id": ("reviewId", "id", "externalId", "hash"),
        "product_id": ("productId", "sku", "handle"),
        "product_name": ("productName", "productTitle", "handle"),
        "product_url": ("productUrl",),
        "rating": ("rating",),
        "title": ("title",),
        "body": ("body",),
        "reviewer_name": ("reviewer.displayName", "reviewerName", "name"),
        "reviewer_email": ("reviewer.email", "reviewerEmail", "email"),
        "created_at": ("dateCreated",),
        "verified": ("verifiedBuyer", "reviewer.isVerified", "isVerifiedBuyer"),
        "published": ("status", "isPublished"),
        "reply": ("reply.body", "reply"),
        "photo_urls": ("media", "imageUrls", "media.urls"),
    },
)

# The fields of an imported review: the generic format's columns.
REVIEW_FIELDS = (
    "external_id",
    "product_id",
    "product_name",
    "product_url",
    "rating",
    "title",
    "body",
    "reviewer_name",
    "reviewer_email",
    "created_at",
    "verified",
    "published",
    "reply",
    "photo_urls",
)
# Read where a source's export has them, to derive the fields above or skip a row.
FIELDS = (*REVIEW_FIELDS, "order_id", "reply_public", "kind")

GENERIC = SourceFormat("generic", {field: (field,) for field in REVIEW_FIELDS})

FORMATS: dict[str, SourceFormat] = {f.name: f for f in (JUDGEME, YOTPO, OKENDO, GENERIC)}


def truthy(value: str) -> bool:
    return value.strip().lower() in TRUE_WORDS


def web_link(name: str, value: str) -> str:
    """``value`` when empty or an http(s) URL; `ValueError` naming the field otherwise."""
    if value and (reason := url_refusal(value)):
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise ValueError(f"{name} {shown!r} {reason}")
    return value


def photo_urls(value: str) -> list[str]:
    """The links of a cell that lists photos, in order, without repeats; each must be http(s)."""
    links = [web_link("photo url", part) for part in PHOTO_SEPARATOR.split(value) if part]
    return list(dict.fromkeys(links))


def parse_rating(value: str) -> int:
    try:
        number = float(value.strip())
    except ValueError:
        raise ValueError(f"rating {value.strip()!r} is not a number from 1 to 5") from None
    if not number.is_integer() or not 1 <= number <= 5:
        raise ValueError(f"rating {value.strip()!r} is not a number from 1 to 5")
    return int(number)


def _iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _formatted(value: str) -> datetime | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def parse_date(value: str) -> datetime:
    """An ISO 8601 or a common export date; a date without a zone is taken as UTC."""
    text = value.strip()
    moment = _iso(text) or _formatted(text)
    if moment is None:
        raise ValueError(f"date {text!r} is not a date (use ISO 8601, e.g. 2025-03-01T10:00:00Z)")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
