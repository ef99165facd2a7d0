"""Every review export in ../shared/data/exports/reviews/, imported by the real command with its
format read from the header, compared field by field with the file read here on its own."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.cli import main
from hub.config import Settings
from hub.photos.models import Photo
from hub.reviews.models import Reply, Review, StoreReview
from tests.conftest import run_sync

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "exports" / "reviews"
Row = dict[str, str]


def first(row: Row, *columns: str) -> str:
    return next((row[c].strip() for c in columns if row.get(c, "").strip()), "")


@dataclass(frozen=True)
class App:
    """How the app's export writes each field, as its documentation describes the columns."""

    name: str
    body: str
    rating: str
    author: Callable[[Row], str]
    email: str
    product: Callable[[Row], str]
    status: Callable[[Row], str]
    reply: str = ""
    photos: str = ""
    verified: Callable[[Row], bool] | None = None


APPS = {
    "judgeme_export.csv": App(
        "judgeme",
        "body",
        "rating",
        lambda r: r["reviewer_name"],
        "reviewer_email",
        lambda r: first(r, "product_id", "product_handle"),
        lambda r: {"ok": "published", "spam": "spam"}.get(r["curated"], "pending"),
        reply="reply",
        photos="picture_urls",
    ),
    "loox_export.csv": App(
        "loox",
        "review",
        "rating",
        lambda r: first(r, "nickname", "full_name"),
        "email",
        lambda r: first(r, "productId", "handle"),
        lambda r: "published" if r["status"] == "Active" else "pending",
        photos="img",
        verified=lambda r: r["verified_purchase"] == "true",
    ),
    "okendo_import_template.csv": App(
        "okendo",
        "body",
        "rating",
        lambda r: r["name"],
        "email",
        lambda r: first(r, "productId", "sku", "handle"),
        lambda r: "published",
        reply="reply",
        photos="imageUrls",
    ),
    "shopify_product_reviews_export.csv": App(
        "shopify",
        "body",
        "rating",
        lambda r: r["author"],
        "email",
        lambda r: r["product_handle"],
        lambda r: "published" if r["state"] == "published" else "pending",
        reply="reply",
    ),
    "yotpo_import_template.csv": App(
        "yotpo",
        "review_content",
        "review_score",
        lambda r: r["display_name"],
        "email",
        lambda r: r["product_id"],
        lambda r: "published" if r["published"].lower() == "true" else "pending",
        reply="comment_content",
        photos="published_image_url",
        verified=lambda r: r["user_type"] == "verified_buyer",
    ),
}


def source_rows(path: Path) -> list[Row]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [{k: v or "" for k, v in row.items()} for row in csv.DictReader(handle)]


def as_stored(text: str) -> str:
    """The text as every review keeps it: runs of spaces in a line made one, lines kept."""
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())


def env(settings: Settings) -> dict[str, str]:
    return {
        "HUB_DATA_DIR": str(settings.data_dir),
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_SECRET_KEY": settings.secret_key,
    }


async def _stored() -> list[dict[str, object]]:
    found = []
    for review in await Review.all().order_by("id").prefetch_related("product", "customer"):
        replies = await Reply.filter(review=review).values_list("body", flat=True)
        photos = await Photo.filter(review=review).order_by("id").values_list("source_url", flat=True)
        found.append(
            {
                "body": review.body,
                "rating": review.rating,
                "author": review.display_name,
                "email": review.customer.email if review.customer else "",
                "product": review.product.external_id,
                "status": review.status,
                "reply": replies[0] if replies else "",
                "photos": list(photos),
                "verified": review.verified_buyer,
                "source": review.source,
            }
        )
    return found


@pytest.mark.parametrize("file", list(APPS))
def test_each_apps_export_is_imported_field_by_field(file: str, settings: Settings) -> None:
    app, path = APPS[file], SHARED / file
    result = CliRunner().invoke(main, ["import", "reviews", str(path)], env=env(settings))
    assert result.exit_code == 0, result.output
    assert "0 bad rows" in result.stdout
    rows = [row for row in source_rows(path) if app.product(row)]
    stored = run_sync(settings.database_url, _stored)
    assert len(stored) == len(rows)
    for row, review in zip(rows, stored, strict=True):
        assert review["body"] == as_stored(row[app.body])
        assert review["rating"] == int(float(row[app.rating]))
        assert review["author"] == app.author(row)
        assert review["email"] == row[app.email].lower()
        assert review["product"] == app.product(row)
        assert review["status"] == app.status(row)
        assert review["source"] == "import"
        if app.reply:
            assert review["reply"] == as_stored(row[app.reply])
        if app.photos:
            wanted = [url.strip() for url in row[app.photos].split(",") if url.strip()]
            assert review["photos"] == wanted
        if app.verified:
            assert review["verified"] == app.verified(row)
    again = CliRunner().invoke(main, ["import", "reviews", str(path)], env=env(settings))
    assert f"skipped {len(source_rows(path))} ({len(source_rows(path))} already imported)" in again.stdout


def test_the_judgeme_shop_review_is_kept_as_a_store_review(settings: Settings) -> None:
    path = SHARED / "judgeme_export.csv"
    result = CliRunner().invoke(main, ["import", "reviews", str(path)], env=env(settings))
    assert result.exit_code == 0, result.output
    (shop,) = [row for row in source_rows(path) if not row["product_id"] and not row["product_handle"]]

    async def stored() -> StoreReview:
        return await StoreReview.get().prefetch_related("customer")

    review = run_sync(settings.database_url, stored)
    assert (review.rating, review.title, review.body) == (5, shop["title"], shop["body"])
    assert (review.display_name, review.customer.email) == (shop["reviewer_name"], shop["reviewer_email"])
    assert review.status == "published"


def test_the_excel_copy_needs_the_date_order_and_then_reads_both_ways(settings: Settings) -> None:
    path = SHARED / "judgeme_export_excel_bom_crlf.csv"
    first_try = CliRunner().invoke(main, ["import", "reviews", str(path), "--dry-run"], env=env(settings))
    assert f"{path}:2:" in first_try.stderr and "--date-order" in first_try.stderr
    result = CliRunner().invoke(
        main, ["import", "reviews", str(path), "--date-order", "mdy"], env=env(settings)
    )
    assert result.exit_code == 0 and "0 bad rows" in result.stdout, result.output

    async def dates() -> dict[str, str]:
        rows = await Review.all().values_list("display_name", "submitted_at")
        return {name: moment.strftime("%Y-%m-%d %H:%M") for name, moment in rows}

    assert run_sync(settings.database_url, dates) == {
        "Ana Souza": "2024-03-02 10:12",  # 3/2/2024, month first as asked
        "Jon Smith": "2024-03-05 08:00",
        "Jürgen Groß": "2024-03-05 18:30",  # 05.03.2024: dotted dates are day first
        "Maria": "2024-03-06 00:00",
    }
