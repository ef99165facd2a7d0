"""Widget throughput: the fragment, the summary JSON and the JSON-LD against the stack's limit.

    python bench/widget.py [--duration 6] [--concurrency 50] [--rebuild]

Builds (once, cached in $TMPDIR/feedback-hub-bench/) a SQLite database with 10,000
products and 1,000,000 published reviews, serves the app with uvicorn (one process) on
loopback, and drives it with httpx (concurrent tasks) for a fixed time per case. The
limit is a bare Starlette endpoint in the same server returning a constant body of the
same size; figures are printed as requests/s, p50/p99 latency and the ratio to it.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE_DIR = Path(tempfile.gettempdir()) / "feedback-hub-bench"
DB_FILE = CACHE_DIR / "widget-10k-1m.sqlite3"
PRODUCTS, REVIEWS = 10_000, 1_000_000
WORDS = ["tent", "pitched", "quickly", "stayed", "dry", "all", "night", "roomy", "zips", "smooth",
         "packs", "small", "poles", "sturdy", "fly", "easy", "clip", "pegs", "bent", "hard", "ground",
         "decent", "price", "door", "snagged", "first", "trip"]
BATCH = 50_000


def _review_rows(start: int, count: int, now: datetime) -> list[tuple[object, ...]]:
    rng = random.Random(start)
    rows = []
    for number in range(start, start + count):
        when = (now - timedelta(minutes=number % 500_000)).isoformat()
        body = " ".join(rng.choices(WORDS, k=rng.randint(12, 40)))
        rows.append((rng.choice((5, 5, 5, 4, 4, 3, 2, 1)), f"Review {number}", body, f"Buyer {number % 997}",
                     rng.random() < 0.3, when, when, number % PRODUCTS + 1))
    return rows


REVIEW_SQL = (
    "INSERT INTO review (rating, title, body, display_name, status, status_reason, verified_buyer, source,"
    " locale, sentiment_polarity, sentiment_subjectivity, sentiment_label, flagged, flag_reasons, priority,"
    " helpful_count, unhelpful_count, has_photos, submitted_at, published_at, created_at, updated_at,"
    " product_id) VALUES (?, ?, ?, ?, 'published', 'clean', ?, 'invitation', 'en', 0.3, 0.5, 'positive',"
    " 0, '[]', 'low', 0, 0, 0, ?, ?, ?, ?, ?)"
)
STARS = ", ".join(f"SUM(rating = {star})" for star in range(1, 6))
RATING_SQL = (
    f"INSERT INTO product_rating (product_id, count, rating_sum, histogram, photo_count, version,"  # noqa: S608
    f" updated_at) SELECT product_id, COUNT(*), SUM(rating), json_array({STARS}), 0, 1, ?"
    f" FROM review WHERE status = 'published' GROUP BY product_id"
)


def _insert_reviews(connection: sqlite3.Connection, now: datetime) -> None:
    for start in range(1, REVIEWS + 1, BATCH):
        rows = _review_rows(start, min(BATCH, REVIEWS + 1 - start), now)
        connection.executemany(REVIEW_SQL, [(*row[:7], row[6], row[6], row[7]) for row in rows])
        connection.commit()
        print(f"\r  reviews: {start + len(rows) - 1:,}", end="", flush=True)
    print()


def build_database(path: Path) -> None:
    from hub import db as hub_db

    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    asyncio.run(hub_db.migrate(f"sqlite://{path}"))
    now = datetime.now(UTC)
    with sqlite3.connect(path) as connection:
        connection.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
        connection.executemany(
            "INSERT INTO product (external_id, name, url, image_url, created_at, updated_at)"
            " VALUES (?, ?, '', '', ?, ?)",
            [(f"sku-{n}", f"Product {n}", now.isoformat(), now.isoformat()) for n in range(1, PRODUCTS + 1)])
        _insert_reviews(connection, now)
        connection.execute(RATING_SQL, (now.isoformat(),))
        connection.commit()
        connection.execute("PRAGMA journal_mode=WAL")


def ensure_database(rebuild: bool) -> Path:
    if DB_FILE.exists() and not rebuild:
        with sqlite3.connect(DB_FILE) as connection:
            if connection.execute("SELECT COUNT(*) FROM product_rating").fetchone()[0] == PRODUCTS:
                return DB_FILE
    started = time.perf_counter()
    print(f"building {DB_FILE} ({PRODUCTS:,} products, {REVIEWS:,} reviews)…")
    build_database(DB_FILE)
    print(f"  built in {time.perf_counter() - started:.0f} s")
    return DB_FILE


def serve(port: int, database: Path) -> None:
    """The bench app: the hub, its widget routes and a constant endpoint (the stack's limit)."""
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from hub.app import create_app
    from hub.config import Settings
    from hub.widget import routes as widget_routes

    filler = (" ".join(random.Random(1).choices(WORDS, k=40_000))).encode()

    async def constant(request: Request) -> Response:
        size = int(request.path_params["size"])
        return Response(filler[:size], media_type="application/json")

    settings = Settings(data_dir=CACHE_DIR / "var", database_url=f"sqlite://{database}",
                        secret_key="bench-" + "x" * 40, env="production",
                        base_url=f"http://127.0.0.1:{port}",
                        # every bench client shares 127.0.0.1: per-address limits would throttle it
                        extra={"rate_limits": {"widget": (0, 60), "api": (0, 60)}})
    app = create_app(settings)
    if "widget_js" not in {getattr(route, "name", None) for route in app.router.routes}:
        app.router.routes.extend(widget_routes.routes)
    app.router.routes.append(Route("/bench/constant/{size:int}", constant))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


async def _drive(client: httpx.AsyncClient, next_request: Callable[[int], tuple[str, dict[str, str]]],
                 duration: float, concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    deadline = time.perf_counter() + duration
    counter = iter(range(10**9))

    async def worker() -> None:
        while time.perf_counter() < deadline:
            path, headers = next_request(next(counter))
            started = time.perf_counter()
            response = await client.get(path, headers=headers)
            assert response.status_code in (200, 304), (path, response.status_code)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(latencies) / (time.perf_counter() - started), latencies


def _line(name: str, rps: float, latencies: list[float], limit: float | None) -> str:
    p50 = statistics.median(latencies) * 1000
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    ratio = f"{rps / limit:5.2f}" if limit else "  —  "
    return f"{name:<28} {rps:8.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  ratio {ratio}"


PATHS = {"fragment": "/widget/products/{sku}", "summary": "/api/v1/products/{sku}/summary",
         "jsonld": "/widget/products/{sku}/jsonld"}


GZ = {"Accept-Encoding": "gzip"}
OFFSETS = {"fragment": 0, "summary": 3300, "jsonld": 6600}


async def run_kind(client: httpx.AsyncClient, kind: str, duration: float, concurrency: int) -> list[str]:
    """The limit at this body size, then the case server-cached, as a 304 and with cold SKUs."""
    template = PATHS[kind]
    hot = template.format(sku="sku-1")
    sample = await client.get(hot, headers=GZ)
    size, tag = len(sample.text.encode()), sample.headers["etag"]
    constant = f"/bench/constant/{size}"
    limit, lat = await _drive(client, lambda _: (constant, GZ), duration, concurrency)
    lines = [_line(f"limit ({size} B body)", limit, lat, None)]
    rps, lat = await _drive(client, lambda _: (hot, GZ), duration, concurrency)
    lines.append(_line(f"{kind} server-cached", rps, lat, limit))
    revalidate = {**GZ, "If-None-Match": tag}
    rps, lat = await _drive(client, lambda _: (hot, revalidate), duration, concurrency)
    lines.append(_line(f"{kind} If-None-Match 304", rps, lat, limit))

    def cold(n: int) -> tuple[str, dict[str, str]]:
        return template.format(sku=f"sku-{(n + OFFSETS[kind]) % PRODUCTS + 1}"), GZ

    rps, lat = await _drive(client, cold, duration, concurrency)
    lines.append(_line(f"{kind} uncached (cold SKUs)", rps, lat, limit))
    return lines


async def run_cases(base: str, duration: float, concurrency: int) -> list[str]:
    lines: list[str] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        for kind in PATHS:
            lines += await run_kind(client, kind, duration, concurrency)
        js = await client.get("/widget.js")
    lines.append(f"widget.js: {len(js.content):,} B, {len(gzip.compress(js.content, 9)):,} B gzipped")
    return lines


def _wait_for(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the bench server exited")
        try:
            httpx.get(base + "/healthz", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the bench server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.port, options.serve)
        return
    database = ensure_database(options.rebuild)
    base = f"http://127.0.0.1:{options.port}"
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(database),
                               "--port", str(options.port)])
    try:
        _wait_for(base, server)
        lines = asyncio.run(run_cases(base, options.duration, options.concurrency))
    finally:
        server.terminate()
        server.wait(timeout=15)
    print(json.dumps({"products": PRODUCTS, "reviews": REVIEWS, "concurrency": options.concurrency,
                      "seconds_per_case": options.duration}))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
