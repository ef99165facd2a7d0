"""After an orders import the worker rebuilds the stage history from the orders' own dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from click.testing import CliRunner

from hub.advocacy.backfill import month_starts, months_since, rebuild_history, request_history_rebuild
from hub.advocacy.models import HistoryRebuild, StageSnapshot
from hub.cli import main
from hub.config import Settings
from tests.conftest import run_sync
from tests.orders.test_csv_import import write_csv

TODAY = datetime.now(UTC) + timedelta(minutes=1)  # after the requests the tests make


def soon() -> datetime:
    """A minute from now, when the test runs: the requests it made are due by then."""
    return datetime.now(UTC) + timedelta(minutes=1)


MONTHS = months_since(date(2024, 11, 20), TODAY.date())  # 26 on 2026-12-02


def _row(order: str, day: str, email: str) -> str:
    return f"{order},{day}T10:00:00Z,,,EUR,{email},,,SKU-1,Trail Tent,,,1,100.00,\n"


# Two years of a small shop: Ana buys three times from November 2024, Ben once in 2025,
# Cleo only this autumn.
ROWS = (
    _row("1", "2024-11-20", "ana@example.com"),
    _row("2", "2025-03-05", "ana@example.com"),
    _row("3", "2025-06-15", "ben@example.com"),
    _row("4", "2025-09-01", "ana@example.com"),
    _row("5", "2026-10-10", "cleo@example.com"),
)


def _env(settings: Settings) -> dict[str, str]:
    return {
        "HUB_DATA_DIR": str(settings.data_dir),
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_SECRET_KEY": settings.secret_key,
    }


def test_months_reach_back_to_the_first_order_and_no_further_than_ten_years() -> None:
    today = date(2026, 12, 2)
    assert months_since(date(2024, 11, 20), today) == 26
    assert month_starts(today, months_since(date(2024, 11, 20), today))[0] == date(2024, 11, 1)
    assert months_since(date(2001, 1, 1), today) == 120
    assert months_since(None, today) == 24
    assert months_since(date(2026, 12, 1), today) == 1


def test_an_orders_import_asks_the_worker_for_a_history_from_the_first_order(
    settings: Settings, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        main, ["import", "orders", str(write_csv(tmp_path, *ROWS))], env=_env(settings)
    )
    assert result.exit_code == 0, result.output
    assert "rebuilds the stage history" in result.stdout

    when = soon()

    async def rebuild() -> tuple[list[HistoryRebuild], int]:
        queued = await HistoryRebuild.all()
        settled = await rebuild_history(settings, when)
        return queued, settled

    queued, settled = run_sync(settings.database_url, rebuild)
    assert [(r.status, r.reason) for r in queued] == [("queued", "orders import: 5 orders")]
    assert settled == 1

    async def history() -> tuple[HistoryRebuild, list[date], dict[date, dict[str, str]]]:
        done = await HistoryRebuild.get()
        days = sorted(set(await StageSnapshot.all().values_list("day", flat=True)))
        stages: dict[date, dict[str, str]] = {}
        for day, email, stage in await StageSnapshot.all().values_list("day", "customer__email", "stage"):
            stages.setdefault(day, {})[email] = stage
        return done, days, stages

    done, days, stages = run_sync(settings.database_url, history)
    assert (done.status, done.first_day, done.last_day, done.done_at) == (
        "done",
        date(2024, 11, 1),
        when.date(),
        when,
    )
    # Every month since the first order, and today; on 1 November 2024 nobody had bought yet.
    assert days == month_starts(TODAY.date(), MONTHS)[1:]
    assert days[0] == date(2024, 12, 1) and date(2024, 11, 1) not in stages
    assert stages[date(2025, 1, 1)] == {"ana@example.com": "new"}
    assert set(stages[date(2025, 7, 1)]) == {"ana@example.com", "ben@example.com"}
    assert "cleo@example.com" not in stages[date(2026, 10, 1)]
    assert stages[TODAY.date()]["cleo@example.com"] == "new"


async def test_requests_while_one_waits_are_one_rebuild(settings: Settings, db: str) -> None:
    first = await request_history_rebuild("orders import: 10 orders", TODAY)
    again = await request_history_rebuild("orders import: 3 orders", TODAY)
    assert again.id == first.id and await HistoryRebuild.all().count() == 1
    assert await rebuild_history(settings, soon()) == 1
    assert await rebuild_history(settings, soon()) == 0  # done once
    later = await request_history_rebuild("orders import: 1 order", TODAY)
    assert later.id != first.id  # a new import after the rebuild asks again


async def test_the_movement_page_shows_the_imported_months(
    settings: Settings, db: str, client: httpx.AsyncClient, tmp_path: Path, login, bob
) -> None:  # type: ignore[no-untyped-def]
    from hub.orders.csv_import import import_orders

    await import_orders(settings, write_csv(tmp_path, *ROWS))
    await request_history_rebuild("orders import: 5 orders", TODAY)
    await rebuild_history(settings, soon())
    await login(bob)
    page = await client.get("/admin/movement?from=2025-01-01&to=2025-07-01")
    assert "No snapshot" not in page.text
    assert page.status_code == 200
    # Ana was new in January; by July Ben had joined: a move out of "none" into "new".
    assert "to_stage=new" in page.text and "from_stage=none" in page.text
