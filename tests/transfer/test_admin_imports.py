"""Imports from the admin: the shared exports uploaded through the real app, previewed and imported
by the worker's job, with the same result as the command line."""

from __future__ import annotations

import asyncio
import csv
import html
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from hub.advocacy.models import HistoryRebuild
from hub.app import create_app
from hub.catalog.models import Order, OrderLine
from hub.cli import main
from hub.config import Settings
from hub.orders.csv_import import import_orders
from hub.reviews.models import Reply, Review
from hub.staff.models import AuditEntry, StaffUser
from hub.staff.passwords import hash_password
from hub.transfer.imports import file_of
from hub.transfer.jobs import IMPORTS, LEASE, run_imports
from hub.transfer.models import ImportJob
from hub.transfer.reviews_import import import_reviews
from tests.conftest import PASSWORD, _pg_admin, _pg_url, csrf_from, log_in, run_sync

EXPORTS = next(
    found
    for parent in Path(__file__).resolve().parents
    if (found := parent / "shared" / "data" / "exports").is_dir()
)
SHOPIFY = EXPORTS / "orders" / "shopify_orders_export.csv"
JUDGEME = EXPORTS / "reviews" / "judgeme_export.csv"
LOOX = EXPORTS / "reviews" / "loox_export.csv"


def shopify_with_bad_rows(folder: Path) -> Path:
    """The shared Shopify export and two more orders, one with a bad e-mail, one with a bad price."""
    with SHOPIFY.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    model = next(row for row in rows if row["Name"] == "#1002")
    bad_email = {**model, "Name": "#1004", "Email": "not-an-email"}
    bad_price = {**model, "Name": "#1005", "Email": "finn@example.com", "Lineitem price": "cheap"}
    path = folder / "orders_export_1.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows([*rows, bad_email, bad_price])
    return path


def env(settings: Settings) -> dict[str, str]:
    return {
        "HUB_DATA_DIR": str(settings.data_dir),
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_SECRET_KEY": settings.secret_key,
    }


async def upload(
    client: httpx.AsyncClient, path: Path, kind: str, name: str | None = None, **options: str
) -> httpx.Response:
    token = await csrf_from(client, "/admin/imports")
    content = await asyncio.to_thread(path.read_bytes)
    files = {"file": (name or path.name, content, "text/csv")}
    data = {"csrf_token": token, "kind": kind, **options}
    return await client.post("/admin/imports/upload", data=data, files=files)


async def post_action(client: httpx.AsyncClient, job_id: int, action: str) -> httpx.Response:
    token = await csrf_from(client, f"/admin/imports/{job_id}")
    return await client.post(f"/admin/imports/{job_id}/{action}", data={"csrf_token": token})


def job_id_of(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text[:2000]
    match = re.fullmatch(r"/admin/imports/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


async def work(settings: Settings, now: datetime | None = None) -> int:
    """One pass of the worker's imports job."""
    return await run_imports(settings, now or datetime.now(UTC))


def counts(page: str, section: str) -> dict[str, int]:
    """The figures shown in the page's ``section`` (preview or report)."""
    block = page[page.index(f'id="{section}"') :]
    block = block[: block.index("</dl>")]
    return {name: int(n) for name, n in re.findall(r'data-count="(\w+)">(\d+)<', block)}


def bad_rows(page: str, section: str) -> list[tuple[int, str]]:
    marker = f'id="{section}-errors"'
    if marker not in page:
        return []
    block = page[page.index(marker) :]
    block = block[: block.index("</table>")]
    cells = re.findall(r'<td class="num">(\d+)</td><td>(.*?)</td>', block)
    return [(int(line), html.unescape(reason)) for line, reason in cells]


async def stored_orders() -> list[tuple[Any, ...]]:
    found = []
    for order in await Order.all().order_by("external_id").prefetch_related("customer"):
        lines = (
            await OrderLine.filter(order=order)
            .order_by("product__external_id")
            .values_list("product__external_id", "product__name", "quantity", "unit_price")
        )
        found.append(
            (
                order.source,
                order.external_id,
                order.customer.email,
                order.customer.name,
                order.currency,
                order.total,
                order.placed_at,
                order.fulfilled_at,
                order.cancelled_at,
                order.refunded_at,
                order.referral_code,
                tuple(lines),
            )
        )
    return found


async def stored_reviews() -> list[tuple[Any, ...]]:
    found = []
    for review in await Review.all().order_by("import_key").prefetch_related("product", "customer"):
        replies = await Reply.filter(review=review).values_list("body", flat=True)
        found.append(
            (
                review.import_key,
                review.product.external_id,
                review.rating,
                review.title,
                review.body,
                review.display_name,
                review.customer.email if review.customer else "",
                review.status,
                review.verified_buyer,
                review.submitted_at,
                tuple(replies),
            )
        )
    return found


def folder_files(settings: Settings) -> list[Path]:
    folder = settings.data_dir / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


async def test_an_admin_previews_the_shopify_export_confirms_it_and_reads_the_report(
    client: httpx.AsyncClient, alice: StaffUser, settings: Settings, tmp_path: Path
) -> None:
    await log_in(client, alice)
    page = await client.get("/admin/imports")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    assert 'href="/admin/imports"' in page.text  # in the admin navigation

    job_id = job_id_of(await upload(client, shopify_with_bad_rows(tmp_path), "orders"))
    waiting = await client.get(f"/admin/imports/{job_id}")
    assert "Checking the file" in waiting.text and "<progress" in waiting.text
    assert "imports.js" in waiting.text  # the page polls while the worker works
    (stored,) = folder_files(settings)
    assert stored.name != "orders_export_1.csv" and stored.stat().st_mode & 0o777 == 0o600
    assert (stored.parent.stat().st_mode & 0o777) == 0o700

    assert await work(settings) == 1
    preview = (await client.get(f"/admin/imports/{job_id}")).text
    assert counts(preview, "preview") == {"created": 3, "updated": 0, "skipped": 2, "invalid": 2}
    assert "read as Shopify orders export" in preview
    assert bad_rows(preview, "preview") == [
        (9, "Email is not an email address"),
        (10, "Lineitem price must be a number from 0 to 9999999999.99"),
    ]
    assert f'action="/admin/imports/{job_id}/confirm"' in preview
    assert not await Order.exists(), "a dry run stores nothing"

    assert (await post_action(client, job_id, "confirm")).status_code == 303
    queued = await client.get(f"/admin/imports/{job_id}/status")
    assert queued.json() == {"state": "queued", "done": 0, "total": 0}
    assert (await client.get(f"/admin/imports/{job_id}")).text.count("Importing") >= 1

    assert await work(settings) == 1
    assert (await client.get(f"/admin/imports/{job_id}/status")).json() == {
        "state": "done",
        "done": 5,
        "total": 5,
    }
    report = (await client.get(f"/admin/imports/{job_id}")).text
    assert counts(report, "report") == {"created": 3, "updated": 0, "skipped": 2, "invalid": 2}
    assert bad_rows(report, "report") == bad_rows(preview, "preview")
    assert re.search(r'<progress id="import-progress" max="5" value="5"', report)

    # Kept by Shopify's own ids (the export's Id column): #1001 is 450789469.
    orders = {o.external_id: o for o in await Order.all().prefetch_related("customer")}
    assert sorted(orders) == ["450789469", "4969462923478", "6200360403244"]
    assert orders["450789469"].customer.email == "bob.norman@hostmail.com"
    assert await OrderLine.filter(order=orders["450789469"]).count() == 3
    assert await HistoryRebuild.filter(status="queued").exists()
    assert folder_files(settings) == [], "the file is deleted once imported; the report stays"
    listing = (await client.get("/admin/imports")).text
    row = listing[listing.index(f'id="import-{job_id}"') :]
    assert "orders_export_1.csv" in row and '<td class="import-state">done</td>' in row
    actions = await AuditEntry.filter(target_type="import").values_list("action", flat=True)
    assert sorted(actions) == ["import.confirm", "import.upload"]


async def test_a_review_export_is_previewed_and_imported_with_its_store_review(
    client: httpx.AsyncClient, alice: StaffUser, settings: Settings
) -> None:
    await log_in(client, alice)
    job_id = job_id_of(await upload(client, JUDGEME, "reviews"))
    await work(settings)
    preview = (await client.get(f"/admin/imports/{job_id}")).text
    assert "read as Judge.me" in preview
    with JUDGEME.open(newline="", encoding="utf-8-sig") as handle:
        rows = len(list(csv.DictReader(handle)))
    assert counts(preview, "preview") == {"created": rows, "skipped": 0, "invalid": 0}
    assert not await Review.exists()

    await post_action(client, job_id, "confirm")
    await work(settings)
    report = (await client.get(f"/admin/imports/{job_id}")).text
    assert counts(report, "report") == {"created": rows, "skipped": 0, "invalid": 0}
    assert await Review.filter(source="import").count() == rows - 1  # one row reviews the store

    again = job_id_of(await upload(client, JUDGEME, "reviews"))
    await work(settings)
    second = (await client.get(f"/admin/imports/{again}")).text
    assert counts(second, "preview") == {"created": 0, "skipped": rows, "invalid": 0}
    assert f"{rows} already imported" in second


async def test_a_review_file_with_bad_rows_shows_each_with_its_line(
    client: httpx.AsyncClient, alice: StaffUser, settings: Settings, tmp_path: Path
) -> None:
    text = LOOX.read_text(encoding="utf-8-sig").rstrip("\n").splitlines()
    header, first = text[0], text[1].split(",")
    columns = header.split(",")
    first[columns.index("rating")] = "eleven"
    path = tmp_path / "loox.csv"
    path.write_text("\n".join([*text, ",".join(first)]) + "\n", encoding="utf-8")
    await log_in(client, alice)
    job_id = job_id_of(await upload(client, path, "reviews", format="loox"))
    await work(settings)
    preview = (await client.get(f"/admin/imports/{job_id}")).text
    (problem,) = bad_rows(preview, "preview")
    assert problem[0] == len(text) + 1 and "rating" in problem[1]
    summary = await import_reviews(settings, path, "loox", dry_run=True)
    assert [(p.line, p.reason) for p in summary.problems] == [problem]


BAD_UPLOADS = {
    "empty": ("orders", "orders.csv", b"", "is empty"),
    "binary": ("orders", "orders.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a CSV file"),
    "not csv": ("orders", "orders.xlsx", b"Name,Email\n", "must be a CSV file"),
    "wrong header": ("orders", "orders.csv", JUDGEME.read_bytes(), "missing columns: order_id"),
    "header only": (
        "orders",
        "orders.csv",
        SHOPIFY.read_bytes().splitlines()[0] + b"\n",
        "has a header but no rows",
    ),
    "unknown format": ("reviews", "reviews.csv", b"when,who,what\n1,2,3\n", "does not name the app"),
    "one endless line": ("orders", "orders.csv", b"x" * 200_000, "is not a CSV file the hub can read"),
    "bad kind": ("invoices", "orders.csv", SHOPIFY.read_bytes(), "must be one of orders, reviews"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
async def test_a_bad_upload_is_refused_naming_the_reason_and_nothing_is_stored(
    client: httpx.AsyncClient, alice: StaffUser, settings: Settings, tmp_path: Path, case: str
) -> None:
    kind, name, content, reason = BAD_UPLOADS[case]
    path = tmp_path / "upload"
    path.write_bytes(content)
    await log_in(client, alice)
    response = await upload(client, path, kind, name=name)
    assert 400 <= response.status_code < 500
    assert 'id="upload-errors"' in response.text and reason in response.text
    assert not await ImportJob.exists()
    assert folder_files(settings) == []
    assert str(settings.data_dir) not in response.text  # the stored file's path is never shown


async def test_only_admins_open_the_import_pages(
    client: httpx.AsyncClient, bob: StaffUser, alice: StaffUser, tmp_path: Path
) -> None:
    anonymous = await client.get("/admin/imports")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    await log_in(client, bob)
    assert (await client.get("/admin/imports")).status_code == 403
    nav = (await client.get("/admin")).text
    assert 'href="/admin/imports"' not in nav


async def test_strict_preview_says_where_the_import_would_stop_and_offers_no_import(
    client: httpx.AsyncClient, alice: StaffUser, settings: Settings, tmp_path: Path
) -> None:
    await log_in(client, alice)
    job_id = job_id_of(await upload(client, shopify_with_bad_rows(tmp_path), "orders", strict="yes"))
    await work(settings)
    preview = (await client.get(f"/admin/imports/{job_id}")).text
    assert "the import would stop at line 9: Email is not an email address" in preview
    assert "/confirm" not in preview
    assert (await post_action(client, job_id, "confirm")).status_code == 409
    assert (await post_action(client, job_id, "discard")).status_code == 303
    assert (await ImportJob.get(id=job_id)).state == "discarded"
    assert folder_files(settings) == [] and not await Order.exists()


async def test_a_killed_workers_import_is_taken_back_after_the_lease_and_run_again_safely(
    client: httpx.AsyncClient, alice: StaffUser, settings: Settings
) -> None:
    await log_in(client, alice)
    job_id = job_id_of(await upload(client, SHOPIFY, "orders"))
    await work(settings)
    await post_action(client, job_id, "confirm")
    now = datetime.now(UTC)
    # A worker claims the import, stores what it read and dies before it reports.
    (claimed,) = await IMPORTS.claim("killed-worker", now, 1)
    assert claimed.state == "running"
    await import_orders(settings, file_of(settings, claimed))
    before = await stored_orders()

    assert await work(settings, now) == 0, "the dead worker's lease still holds"
    assert (await ImportJob.get(id=job_id)).state == "running"
    assert await work(settings, now + LEASE + timedelta(minutes=1)) == 1
    job = await ImportJob.get(id=job_id)
    assert (job.state, job.claimed_by, job.created, job.updated) == ("done", None, 0, 3)
    assert await stored_orders() == before, "nothing is stored twice"


def _second_database(database_url: str, templates: dict[str, str], tmp_path: Path) -> str:
    """An empty migrated database on the same backend, for the command line's run."""
    if database_url.startswith("sqlite://"):
        target = tmp_path / "cli.sqlite3"
        shutil.copyfile(templates["sqlite"], target)
        return f"sqlite://{target}"
    name = f"{database_url.rsplit('/', 1)[1]}_cli"
    asyncio.run(_pg_admin(f"CREATE DATABASE {name} TEMPLATE {templates['postgres']}"))
    return _pg_url(name)


async def _admin_import(settings: Settings, path: Path, kind: str, snapshot: Any) -> tuple[ImportJob, Any]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            admin = await StaffUser.create(
                email="alice@example.com", roles="admin", password_hash=hash_password(PASSWORD)
            )
            await log_in(client, admin)
            job_id = job_id_of(await upload(client, path, kind))
            await work(settings)
            preview = await ImportJob.get(id=job_id)
            await post_action(client, job_id, "confirm")
            await work(settings)
            return preview, (await ImportJob.get(id=job_id), await snapshot())


CLI_CASES = {
    "shopify orders": ("orders", "orders", stored_orders),
    "judge.me reviews": ("reviews", "reviews", stored_reviews),
}


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_the_command_line_and_the_admin_give_the_same_result_for_the_same_file(
    case: str, settings: Settings, templates: dict[str, str], tmp_path: Path
) -> None:
    kind, command, snapshot = CLI_CASES[case]
    path = shopify_with_bad_rows(tmp_path) if kind == "orders" else JUDGEME
    cli_settings = settings.with_overrides(
        database_url=_second_database(settings.database_url, templates, tmp_path), data_dir=tmp_path / "cli"
    )
    dry = CliRunner().invoke(main, ["import", command, str(path), "--dry-run"], env=env(cli_settings))
    assert dry.exit_code == 0, dry.output
    result = CliRunner().invoke(main, ["import", command, str(path)], env=env(cli_settings))
    assert result.exit_code == 0, result.output
    by_cli = run_sync(cli_settings.database_url, snapshot)

    preview, (job, by_admin) = asyncio.run(_admin_import(settings, path, kind, snapshot))
    assert by_admin == by_cli and by_cli
    bad = [
        (int(line), reason) for line, reason in re.findall(rf"{re.escape(str(path))}:(\d+): (.*)", dry.stderr)
    ]
    assert [tuple(error) for error in preview.preview["errors"]] == bad
    assert [tuple(error) for error in job.errors] == bad
    p = preview.preview
    if kind == "orders":
        wanted = f"would have created {p['created']}, updated {p['updated']}, skipped {p['skipped']} orders"
        assert wanted in dry.stdout
        assert f"Created {job.created}, updated {job.updated}, skipped {job.skipped} orders." in result.stdout
    else:
        assert f"would have created {p['created']}, skipped {p['skipped']}" in dry.stdout
        assert f"created {job.created}, skipped {job.skipped}" in result.stdout
    if not cli_settings.database_url.startswith("sqlite://"):
        asyncio.run(
            _pg_admin(f"DROP DATABASE IF EXISTS {cli_settings.database_url.rsplit('/', 1)[1]} WITH (FORCE)")
        )
