"""Column maps of the review exports the hub can import, and how a file's header names its app.

Each source format maps the hub's fields to the column names its export uses; a row's
field is the first of those columns that is filled in. The formats are documented in
docs/import.md ("Reviews: <app>"); cell parsers are in `hub.transfer.cells`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hub.transfer.cells import TRUE_WORDS


@dataclass(frozen=True)
class SourceFormat:
    name: str
    label: str
    columns: Mapping[str, tuple[str, ...]]
    # A header holding every column of one of these is a file of this app.
    signatures: tuple[tuple[str, ...], ...] = ()
    required: tuple[str, ...] = ("rating",)
    # A file with this column writes its text HTML-escaped (`&amp;`, `&#x27;`), to be
    # unescaped on import; other files' text is taken as it is.
    escaped_if_column: str | None = None
    # How a row says it is about the store rather than a product.
    store_kinds: frozenset[str] = frozenset()
    store_product_ids: frozenset[str] = frozenset()
    store_when_no_product: bool = False
    verified_words: frozenset[str] = TRUE_WORDS

    def columns_for(self, name: str, header: Sequence[str]) -> list[str]:
        """The columns of ``header`` that may hold field ``name``, in the order they are tried."""
        return [column for column in self.columns.get(name, ()) if column in header]

    def column_for(self, name: str, header: Sequence[str]) -> str | None:
        return next(iter(self.columns_for(name, header)), None)

    def missing(self, header: Sequence[str]) -> list[str]:
        return [
            " or ".join(self.columns[name]) for name in self.required if not self.columns_for(name, header)
        ]

    def matches(self, header: Sequence[str]) -> bool:
        return any(all(column in header for column in signature) for signature in self.signatures)

    def known(self, header: Sequence[str]) -> int:
        """How many columns of ``header`` this format reads."""
        names = {column for columns in self.columns.values() for column in columns}
        return sum(column in names for column in header)


JUDGEME = SourceFormat(
    "judgeme",
    "Judge.me",
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
        "location": ("location",),
        "created_at": ("review_date", "created_at"),
        "verified": ("verified_buyer", "verified"),
        "published": ("curated", "published"),
        "reply": ("reply",),
        "replied_at": ("reply_date",),
        "photo_urls": ("picture_urls",),
    },
    signatures=(("review_date", "reviewer_name"),),
    # A review with no product is Judge.me's shop review.
    store_when_no_product=True,
)

# From a real export (2026): "Review Creation Date", "Reviewer Display Name",
# "Reviewer Email", "Review Status" (Published), "Order ID" (no verified column),
# "Comment Public", "Review Type" (product_review or site_review), text HTML-escaped.
# The lower-case names are those of Yotpo's import/export template, whose site
# reviews carry the product id `yotpo_site_reviews`.
YOTPO = SourceFormat(
    "yotpo",
    "Yotpo",
    {
        "external_id": ("Review ID", "review_id"),
        "product_id": ("Product ID", "product_id", "Product SKU", "sku"),
        "product_name": ("Product Title", "product_title"),
        "product_url": ("Product URL", "product_url"),
        "product_image_url": ("Product Image URL", "product_image_url"),
        "rating": ("Review Score", "review_score"),
        "title": ("Review Title", "review_title"),
        "body": ("Review Content", "review_content"),
        "reviewer_name": ("Reviewer Display Name", "Display Name", "User Name", "display_name"),
        "reviewer_email": ("Reviewer Email", "Email", "User Email", "email"),
        "location": ("Reviewer Country", "md_customer_country"),
        "created_at": ("Review Creation Date", "Date", "date"),
        "verified": ("Verified Purchase", "Is Verified Buyer", "verified_purchase", "user_type"),
        "order_id": ("Order ID", "order_id"),
        "published": ("Review Status", "Published", "published"),
        "reply": ("Comment Content", "comment_content"),
        "reply_public": ("Comment Public", "comment_public"),
        "replied_at": ("Comment Date", "comment_created_at"),
        "photo_urls": ("Published Image URLs", "Images", "Image URLs", "published_image_url"),
        "kind": ("Review Type",),
    },
    signatures=(("Review Score", "Review Content"), ("review_score", "review_content")),
    escaped_if_column="Review Type",
    store_kinds=frozenset({"site_review"}),
    store_product_ids=frozenset({"yotpo_site_reviews"}),
    verified_words=TRUE_WORDS | {"verified_buyer"},
)

# Okendo's import template: at least one of handle, productId or sku names the product.
OKENDO = SourceFormat(
    "okendo",
    "Okendo",
    {
        "external_id": ("reviewId", "id", "externalId", "hash"),
        "product_id": ("productId", "sku", "handle"),
        "product_name": ("productName", "productTitle", "handle", "sku"),
        "product_url": ("productUrl",),
        "rating": ("rating",),
        "title": ("title",),
        "body": ("body",),
        "reviewer_name": ("reviewer.displayName", "reviewerName", "name"),
        "reviewer_email": ("reviewer.email", "reviewerEmail", "email"),
        "location": ("countryCode", "reviewer.location"),
        "created_at": ("dateCreated",),
        "verified": ("verifiedBuyer", "reviewer.isVerified", "isVerifiedBuyer"),
        "published": ("status", "isPublished"),
        "reply": ("reply.body", "reply"),
        "photo_urls": ("media", "imageUrls", "media.urls"),
    },
    signatures=(("dateCreated", "rating"),),
)

# The Shopify Product Reviews app's CSV (its export and its import template).
SHOPIFY = SourceFormat(
    "shopify",
    "Shopify Product Reviews",
    {
        "product_id": ("product_handle",),
        "product_name": ("product_handle",),
        "rating": ("rating",),
        "title": ("title",),
        "body": ("body",),
        "reviewer_name": ("author",),
        "reviewer_email": ("email",),
        "location": ("location",),
        "created_at": ("created_at",),
        "published": ("state",),
        "reply": ("reply",),
        "replied_at": ("replied_at",),
    },
    signatures=(("product_handle", "state", "author"),),
)

LOOX = SourceFormat(
    "loox",
    "Loox",
    {
        "external_id": ("id",),
        "product_id": ("productId", "handle"),
        "product_name": ("handle",),
        "rating": ("rating",),
        "body": ("review",),
        "reviewer_name": ("nickname", "full_name"),
        "customer_name": ("full_name", "nickname"),
        "reviewer_email": ("email",),
        "created_at": ("date",),
        "verified": ("verified_purchase",),
        "published": ("status",),
        "photo_urls": ("img",),
        "variant": ("variant",),
    },
    signatures=(("review", "date", "img"), ("nickname", "full_name", "verified_purchase")),
)

# Stamped.io's review fields as its API and widget name them (its export uses the same).
# `reviewVerifiedType` 2 is a verified buyer; 1 a verified reviewer, who is not.
STAMPED = SourceFormat(
    "stamped",
    "Stamped.io",
    {
        "external_id": ("id", "reviewId"),
        "product_id": ("productId", "productSKU", "productHandle"),
        "product_name": ("productName", "productTitle", "productHandle"),
        "product_url": ("productUrl",),
        "product_image_url": ("productImageUrl",),
        "rating": ("reviewRating",),
        "title": ("reviewTitle",),
        "body": ("reviewMessage",),
        "reviewer_name": ("author",),
        "reviewer_email": ("email",),
        "location": ("location",),
        "created_at": ("dateCreated", "reviewDate"),
        "verified": ("reviewVerifiedType",),
        "published": ("reviewState", "published", "status"),
        "reply": ("reviewReply",),
        "replied_at": ("reviewReplyDate",),
        "photo_urls": ("reviewUserPhotos",),
        "variant": ("productVariantName",),
    },
    signatures=(("reviewRating", "reviewMessage"),),
    verified_words=frozenset({"2", "true", "yes", "verified_buyer", "verified buyer"}),
)

# The fields of an imported review: the generic format's columns, and what --map may name.
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
    "location",
    "variant",
    "created_at",
    "verified",
    "published",
    "reply",
    "replied_at",
    "photo_urls",
)
# Read where a source's export has them, to derive the fields above or skip a row.
FIELDS = (
    *REVIEW_FIELDS,
    "product_image_url",
    "customer_name",
    "order_id",
    "reply_public",
    "kind",
)

GENERIC = SourceFormat(
    "generic",
    "any other file",
    {name: (name,) for name in REVIEW_FIELDS},
    signatures=(("product_id", "rating", "created_at"),),
    required=("rating", "product_id", "created_at"),
)

APPS = (JUDGEME, YOTPO, OKENDO, SHOPIFY, LOOX, STAMPED)
FORMATS: dict[str, SourceFormat] = {f.name: f for f in (*APPS, GENERIC)}


class HeaderError(ValueError):
    """The header does not say which app wrote the file, or a --map names the wrong thing."""


def detect(header: Sequence[str]) -> SourceFormat:
    """The app that wrote a file with ``header``; `HeaderError` listing the formats if none."""
    matches = [fmt for fmt in APPS if fmt.matches(header)] or [f for f in (GENERIC,) if f.matches(header)]
    if matches:
        return max(matches, key=lambda fmt: fmt.known(header))
    known = ", ".join(f"{fmt.name} ({fmt.label})" for fmt in FORMATS.values())
    raise HeaderError(
        f"the header does not name the app the file came from; pass --format with one of: {known}, "
        "or --map COLUMN=FIELD for any other file"
    )


def _pair(text: str) -> tuple[str, str]:
    column, sep, name = text.rpartition("=")
    if not sep or not column.strip() or name.strip() not in REVIEW_FIELDS:
        raise HeaderError(f"--map {text!r}: use COLUMN=FIELD, FIELD one of {', '.join(REVIEW_FIELDS)}")
    return column.strip(), name.strip()


def mapped(pairs: Iterable[str], header: Sequence[str]) -> SourceFormat:
    """The generic format with the columns ``pairs`` (``COLUMN=FIELD``) name read as those fields.

    Several columns may name one field: the first one filled in wins.
    """
    chosen: dict[str, list[str]] = {}
    for column, name in map(_pair, pairs):
        if column not in header:
            raise HeaderError(f"--map {column}={name}: the file has no column {column!r}")
        chosen.setdefault(name, []).append(column)
    columns = {name: tuple(chosen.get(name, [name])) for name in REVIEW_FIELDS}
    return SourceFormat(GENERIC.name, GENERIC.label, columns, required=GENERIC.required)


def resolve(header: Sequence[str], format_name: str | None, column_map: Sequence[str]) -> SourceFormat:
    """The format to read a file with ``header`` in: named, mapped, or detected from the header."""
    if column_map:
        if format_name not in (None, GENERIC.name):
            raise HeaderError("--map reads a file in the generic format: leave out --format")
        return mapped(column_map, header)
    if format_name is None:
        return detect(header)
    if format_name not in FORMATS:
        raise HeaderError(f"unknown format {format_name!r}: use one of {', '.join(FORMATS)}")
    return FORMATS[format_name]
