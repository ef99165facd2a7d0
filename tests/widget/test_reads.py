"""The widget's plain-SQL read path: what it shows, what it may not do, on both databases."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hub.reviews.models import Reply, Review
from tortoise.backends.sqlite.client import SqliteClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from hub.config import Settings
from hub.reviews.aggregates import refresh_rating
from hub.widget import reads
from hub.widget.queries import ReviewQuery, list_reviews, load_scope
from tests.widget.conftest import Shop, add_review, tent_group


def test_placeholders_are_numbered_for_postgresql() -> None:
    assert reads._numbered("SELECT a FROM t WHERE b IN (?, ?) AND c = ? LIMIT ?") == (
        "SELECT a FROM t WHERE b IN ($1, $2) AND c = $3 LIMIT $4"
    )


async def test_a_page_shows_what_the_store_published(settings: Settings, shop: Shop) -> None:
    scope = await load_scope("tent-2p")
    assert scope is not None
    assert (scope.summary.count, scope.summary.rating_sum, scope.histogram()) == (
        5,
        18,
        {"1": 1, "2": 0, "3": 1, "4": 1, "5": 2},
    )
    page = await list_reviews(settings, scope, ReviewQuery(sort="lowest", limit=2))
    lowest = page.items[0]
    assert (lowest["rating"], page.next_page) == (1, 2)
    assert lowest["verified_buyer"] is False  # JSON false, not SQLite's 0
    assert [reply["body"] for reply in lowest["replies"]] == ["Sorry about the zip, we sent a new one."]
    assert lowest["date"] == shop.reviews[4].published_at.isoformat()  # type: ignore[union-attr]
    with_photo = (await list_reviews(settings, scope, ReviewQuery(with_photos=True))).items
    assert [item["id"] for item in with_photo] == [shop.reviews[1].id]
    assert with_photo[0]["photos"][0]["thumb_url"].endswith("/media/tent-t.webp")


async def test_markup_pages_skip_photos_and_replies(settings: Settings, shop: Shop) -> None:
    scope = await load_scope("tent-2p")
    assert scope is not None
    page = await list_reviews(settings, scope, ReviewQuery(sort="lowest"), extras=False)
    assert [(item["photos"], item["replies"]) for item in page.items] == [([], [])] * 5


async def test_a_group_shows_every_variant(settings: Settings, db: str) -> None:
    green, orange = await tent_group(settings)
    scope = await load_scope("tent-orange")
    assert scope is not None
    assert set(scope.product_ids) == {green.id, orange.id}
    assert (scope.summary.count, scope.summary.average) == (3, 3.67)
    page = await list_reviews(settings, scope, ReviewQuery(sort="highest"))
    assert [item["rating"] for item in page.items] == [5, 4, 2]


async def test_a_change_is_read_as_soon_as_it_is_committed(settings: Settings, shop: Shop) -> None:
    await add_review(settings, shop.tent, 2)
    scope = await load_scope("tent-2p")
    assert scope is not None and scope.summary.count == 6


async def test_inside_a_transaction_reads_see_its_own_writes(settings: Settings, shop: Shop) -> None:
    async with in_transaction():
        await Reply.create(review=shop.reviews[0], body="Thank you!", is_public=True)
        await Review.filter(id=shop.reviews[3].id).update(status="rejected")
        await refresh_rating(shop.tent.id)
        scope = await load_scope("tent-2p")
        assert scope is not None and scope.summary.count == 4
        page = await list_reviews(settings, scope, ReviewQuery())
        assert shop.reviews[3].id not in [item["id"] for item in page.items]
        assert page.items[0]["replies"][0]["body"] == "Thank you!"


async def test_the_sqlite_reader_may_not_write(database_url: str, shop: Shop) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL reads through the ORM's own pool")
    await load_scope("tent-2p")
    client = get_connection(reads.CONNECTION)
    assert isinstance(client, SqliteClient)
    reader = reads._readers.get(client)
    assert reader is not None, "the widget read through the ORM, not its own reader"
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.execute("DELETE FROM review")
    assert await Review.all().count() == 5


def test_only_an_existing_database_in_wal_mode_gets_a_reader(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite3"
    assert reads._open(str(missing)) is None
    assert not missing.exists()
    rollback = tmp_path / "rollback journal.sqlite3"
    with closing(sqlite3.connect(rollback)) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("CREATE TABLE t (x)")
    assert reads._open(str(rollback)) is None  # it would wait for writers on the loop's thread
    wal = tmp_path / "wal.sqlite3"
    with closing(sqlite3.connect(wal)) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("CREATE TABLE t (x)")
    reader = reads._open(str(wal))
    assert reader is not None
    reader.close()


def test_times_are_read_in_utc() -> None:
    assert reads.moment("2026-03-01 12:00:00+02:00") == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert reads.moment("2026-03-01 12:00:00+02:00").tzinfo == UTC  # type: ignore[union-attr]
    assert reads.moment("2026-03-01T12:00:00") == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert reads.moment(None) is None
