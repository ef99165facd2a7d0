from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.catalog.models import Customer, Product
from hub.cli import main
from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.photos.models import Photo
from hub.reviews.models import ProductRating, Reply, Review, StoreReview
from hub.transfer.reviews_import import ReviewFileError, import_reviews
from hub.triage.models import Case

HERE = Path(__file__).parent


async def _imported() -> list[Review]:
    return await Review.all().order_by("submitted_at").prefetch_related("product", "customer")


async def test_it_imports_a_judgeme_export_with_replies_photos_and_dates(settings: Settings, db: str) -> None:
    summary = await import_reviews(settings, HERE / "judgeme.csv", "judgeme")
    assert [(o.line, o.action) for o in summary.outcomes] == [(2, "created"), (4, "created"), (5, "bad")]
    assert summary.problems[0].reason.startswith("date 'not a date' is not a date")
    dry, zip_broke = await _imported()
    assert (dry.rating, dry.title, dry.display_name, dry.source) == (
        5,
        "Dry all night",
        "Dana Buyer",
        "import",
    )
    assert dry.submitted_at.isoformat() == "2024-06-01T10:20:30+00:00"
    assert dry.customer.email == "dana@example.com" and dry.product.external_id == "7001"
    # The photos are only addresses until the worker fetches them (tests/photos/test_photo_fetch.py).
    assert dry.import_key.startswith("judgeme:sha256:") and not dry.has_photos
    assert await Reply.filter(review=dry, is_public=True).values_list("body", flat=True) == ["Thanks Dana!"]
    photos = await Photo.filter(review=dry).order_by("id")
    assert [(p.source_url, p.status) for p in photos] == [
        ("https://cdn.judge.me/a.jpg", "approved"),
        ("https://cdn.judge.me/b.jpg", "approved"),
    ]
    assert (zip_broke.status, zip_broke.status_reason) == ("pending", "unpublished_at_source")


async def test_it_imports_a_yotpo_export_with_verified_flags(settings: Settings, db: str) -> None:
    summary = await import_reviews(settings, HERE / "yotpo.csv", "yotpo")
    assert [(o.line, o.action) for o in summary.outcomes] == [(2, "created"), (3, "created"), (4, "bad")]
    assert summary.problems[0].reason == "rating '9' is not a number from 1 to 5"
    pad = await Review.get(import_key="yotpo:Y-901").prefetch_related("product")
    assert (pad.verified_buyer, pad.product.name, pad.product.url) == (
        True,
        "Sleeping Pad",
        "https://shop.example/pad",
    )
    jacket = await Review.get(import_key="yotpo:Y-902")
    assert not jacket.verified_buyer and jacket.status == "pending"


async def test_it_imports_a_current_yotpo_export(settings: Settings, db: str) -> None:
    """Columns as Yotpo exports them today: text HTML-escaped, no verified column but an
    order id, a status word, replies that may be private, and reviews of the store."""
    summary = await import_reviews(settings, HERE / "yotpo-2026.csv", "yotpo")
    assert [(o.line, o.action, o.reason) for o in summary.outcomes] == [
        (2, "created", "published"),
        (3, "created", "store review, published"),
        (4, "created", "pending"),
    ]
    jacket = await Review.get(import_key="yotpo:480001").prefetch_related("product", "customer")
    assert (jacket.title, jacket.body) == ("Tom's favourite", "Warm & light, packs small.")
    assert (jacket.display_name, jacket.customer.email, jacket.verified_buyer) == (
        "Tom R.",
        "tom@example.com",
        True,
    )
    assert jacket.submitted_at.isoformat() == "2026-01-29T18:23:38+00:00"
    assert (jacket.product.external_id, jacket.product.name) == ("7001", "Down Jacket")
    assert await Photo.filter(review=jacket, status="approved").count() == 2
    assert await Reply.filter(review=jacket, is_public=True).values_list("body", flat=True) == [
        "Thanks Tom & happy trails!"
    ]
    seams = await Review.get(import_key="yotpo:480003")
    assert (seams.status, seams.status_reason, seams.verified_buyer) == (
        "pending",
        "unpublished_at_source",
        False,
    )
    assert await Reply.filter(review=seams).values_list("is_public", flat=True) == [False]
    assert not await Review.exists(title="Quick shipping")
    shop = await StoreReview.get(import_key="yotpo:480002").prefetch_related("customer")
    assert (shop.title, shop.body, shop.rating, shop.customer.email) == (
        "Quick shipping",
        "Arrived in two days.",
        4,
        "uma@example.com",
    )


async def test_an_order_id_proves_a_purchase_only_where_no_column_says_otherwise(
    settings: Settings, db: str, tmp_path: Path
) -> None:
    file = tmp_path / "yotpo.csv"
    file.write_text(
        "Review ID,Review Score,Review Content,Date,Product ID,Verified Purchase,Order ID\n"
        "Y-1,5,Good,2024-05-10,SKU-PAD,false,5001\n",
        encoding="utf-8",
    )
    await import_reviews(settings, file, "yotpo")
    assert not (await Review.get(import_key="yotpo:Y-1")).verified_buyer


async def test_only_the_current_yotpo_export_has_its_replies_unescaped(
    settings: Settings, db: str, tmp_path: Path
) -> None:
    file = tmp_path / "yotpo.csv"
    file.write_text(
        "Review ID,Review Score,Review Content,Date,Product ID,Comment Content\n"
        "Y-1,5,Good,2024-05-10,SKU-PAD,Fish &notebook &amp; pen\n",
        encoding="utf-8",
    )
    await import_reviews(settings, file, "yotpo")
    assert await Reply.filter(review__import_key="yotpo:Y-1").values_list("body", flat=True) == [
        "Fish &notebook &amp; pen"
    ]


async def test_it_imports_an_okendo_export_and_opens_a_case_without_mailing_anyone(
    settings: Settings, db: str
) -> None:
    summary = await import_reviews(settings, HERE / "okendo.csv", "okendo")
    assert [(o.line, o.action) for o in summary.outcomes] == [(2, "created"), (3, "created"), (4, "bad")]
    assert summary.problems[0].reason == "product id is empty"
    assert await Photo.filter(review__import_key="okendo:ok-1").count() == 2
    torch = await Review.get(import_key="okendo:ok-2")
    assert torch.flagged and await Case.filter(review=torch).exists()
    assert not await OutboxMessage.exists()
    assert await Product.filter(external_id="8002", name="Head Torch").exists()


async def test_it_imports_the_generic_format(settings: Settings, db: str) -> None:
    summary = await import_reviews(settings, HERE / "generic.csv", "generic")
    assert [(o.line, o.action) for o in summary.outcomes] == [(2, "created"), (3, "created"), (4, "bad")]
    nia = await Review.get(import_key="generic:g-2")
    assert nia.submitted_at.isoformat() == "2024-03-02T08:00:00+00:00" and not nia.verified_buyer
    rating = await ProductRating.get(product__external_id="SKU-TENT")
    assert (rating.count, rating.rating_sum) == (2, 9)
    assert (
        await Photo.get(source_url="https://old-app.example/p/1.jpg").values_list("status", flat=True)
        == "pending"
    )


@pytest.mark.parametrize("fmt", ["judgeme", "yotpo", "okendo", "generic"])
async def test_a_second_run_changes_nothing(settings: Settings, db: str, fmt: str) -> None:
    await import_reviews(settings, HERE / f"{fmt}.csv", fmt)
    counts = (
        await Review.all().count(),
        await Photo.all().count(),
        await Reply.all().count(),
        await Customer.all().count(),
    )
    again = await import_reviews(settings, HERE / f"{fmt}.csv", fmt)
    assert again.count("created") == 0 and again.count("skipped") == 2
    assert {o.reason for o in again.outcomes if o.action == "skipped"} == {"already imported"}
    assert counts == (
        await Review.all().count(),
        await Photo.all().count(),
        await Reply.all().count(),
        await Customer.all().count(),
    )


async def test_a_dry_run_reports_and_stores_nothing(settings: Settings, db: str) -> None:
    summary = await import_reviews(settings, HERE / "yotpo.csv", "yotpo", dry_run=True)
    assert [o.action for o in summary.outcomes] == ["created", "created", "bad"]
    assert not await Review.exists()
    assert not await Product.exists()
    assert not await Customer.exists()
    assert not await Case.exists()


async def test_a_file_without_the_format_columns_is_refused(settings: Settings, db: str) -> None:
    with pytest.raises(ReviewFileError, match="missing columns for yotpo: Review Score"):
        await import_reviews(settings, HERE / "judgeme.csv", "yotpo")


@pytest.fixture
def cli_env(settings: Settings) -> dict[str, str]:
    return {
        "HUB_DATA_DIR": str(settings.data_dir),
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_SECRET_KEY": settings.secret_key,
    }


def test_the_command_reports_created_skipped_and_bad_lines(cli_env: dict[str, str]) -> None:
    path = HERE / "generic.csv"
    runner = CliRunner()
    first = runner.invoke(main, ["import", "reviews", str(path), "--format", "generic"], env=cli_env)
    assert first.exit_code == 0, first.output
    assert "Reviews: created 2, skipped 0, 1 bad rows." in first.stdout
    assert f"{path}:4: rating 'five' is not a number from 1 to 5" in first.stderr
    second = runner.invoke(main, ["import", "reviews", str(path), "--format", "generic"], env=cli_env)
    assert f"{path}:2: skipped: already imported" in second.stdout
    assert "created 0, skipped 2 (2 already imported), 1 bad rows." in second.stdout


def test_the_command_says_which_rows_are_about_the_store(cli_env: dict[str, str]) -> None:
    path = HERE / "yotpo-2026.csv"
    result = CliRunner().invoke(main, ["import", "reviews", str(path), "--dry-run"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert f"{path}: read as Yotpo (yotpo)" in result.stdout
    assert f"{path}:3: would be created (store review, published)" in result.stdout
    assert "would have created 3, skipped 0, 0 bad rows" in result.stdout


def test_the_dry_run_command_says_what_would_happen(cli_env: dict[str, str]) -> None:
    path = HERE / "okendo.csv"
    result = CliRunner().invoke(
        main,
        ["import", "reviews", str(path), "--format", "okendo", "--dry-run"],
        env=cli_env,
    )
    assert result.exit_code == 0, result.output
    assert f"{path}:2: would be created (published)" in result.stdout
    assert "Dry run: would have created 2, skipped 0, 1 bad rows. Nothing was stored." in result.stdout
    again = CliRunner().invoke(main, ["import", "reviews", str(path), "--format", "okendo"], env=cli_env)
    assert "created 2" in again.stdout
