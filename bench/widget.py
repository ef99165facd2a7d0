"""Widget throughput: the fragment, the summary JSON and the JSON-LD against the stack's limit.

    python bench/widget.py [--duration 6] [--concurrency 50] [--rebuild] [--only fragment …]

Needs wrk (`apt-get install wrk`). Builds (once, cached in $TMPDIR/feedback-hub-bench/)
a SQLite database with 10,000 products and 1,000,000 published reviews, serves the app
with uvicorn (one process) pinned to one core, and drives it with wrk (one thread, 50
connections) pinned to the other, for a fixed time per measurement. The limit is a bare
Starlette endpoint in the same server, behind the same middleware, returning a constant
body of the same size, measured just before and just after each case; figures are
printed as requests/s, p50/p99 latency and the ratio to the mean of the two limits.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE_DIR = Path(tempfile.gettempdir()) / "feedback-hub-bench"
DB_FILE = CACHE_DIR / "widget-10k-1m.sqlite3"
PRODUCTS, REVIEWS = 10_000, 1_000_000
WORDS = [
    "tent",
    "pitched",
    "quickly",
    "stayed",
    "dry",
    "all",
    "night",
    "roomy",
    "zips",
    "smooth",
    "packs",
    "small",
    "poles",
    "sturdy",
    "fly",
    "easy",
    "clip",
    "pegs",
    "bent",
    "hard",
    "ground",
    "decent",
    "price",
    "door",
    "snagged",
    "first",
    "trip",
]
BATCH = 50_000


def _review_rows(start: int, count: int, now: datetime) -> list[tuple[object, ...]]:
    rng = random.Random(start)
    rows: list[tuple[object, ...]] = []
    for number in range(start, start + count):
        when = (now - timedelta(minutes=number % 500_000)).isoformat()
        body = " ".join(rng.choices(WORDS, k=rng.randint(12, 40)))
        rows.append(
            (
                rng.choice((5, 5, 5, 4, 4, 3, 2, 1)),
                f"Review {number}",
                body,
                f"Buyer {number % 997}",
                rng.random() < 0.3,
                when,
                when,
                number % PRODUCTS + 1,
            )
        )
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
            [(f"sku-{n}", f"Product {n}", now.isoformat(), now.isoformat()) for n in range(1, PRODUCTS + 1)],
        )
        _insert_reviews(connection, now)
        connection.execute(RATING_SQL, (now.isoformat(),))
        connection.commit()
        connection.execute("PRAGMA journal_mode=WAL")


def ensure_database(rebuild: bool) -> Path:
    if DB_FILE.exists() and not rebuild:
        with sqlite3.connect(DB_FILE) as connection:
            complete = connection.execute("SELECT COUNT(*) FROM product_rating").fetchone()[0] == PRODUCTS
        if complete:
            from hub import db as hub_db

            asyncio.run(hub_db.migrate(f"sqlite://{DB_FILE}"))  # a cached file from an older schema
            return DB_FILE
    started = time.perf_counter()
    print(f"building {DB_FILE} ({PRODUCTS:,} products, {REVIEWS:,} reviews)…")
    build_database(DB_FILE)
    print(f"  built in {time.perf_counter() - started:.0f} s")
    return DB_FILE


def serve(port: int, database: Path) -> None:
    """The bench app: the hub, its widget routes and a constant endpoint (the stack's limit)."""
    import uvicorn
    from hub.reviews.models import Review
    from jinja2 import Environment
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

    naive_page = Environment(autoescape=True).from_string(NAIVE_TEMPLATE)

    async def naive(request: Request) -> Response:
        """The reference: a plain ORM query and a template render, nothing precomputed."""
        reviews = (
            await Review.filter(product__external_id=request.path_params["sku"], status="published")
            .order_by("-published_at", "-id")
            .limit(10)
        )
        return Response(naive_page.render(reviews=reviews), media_type="text/html")

    settings = Settings(
        data_dir=CACHE_DIR / "var",
        database_url=f"sqlite://{database}",
        secret_key="bench-" + "x" * 40,
        env="production",
        base_url=f"http://127.0.0.1:{port}",
        # every bench client shares 127.0.0.1: per-address limits would throttle it
        extra={"rate_limits": {"widget": (0, 60), "api": (0, 60)}},
    )
    app = create_app(settings)
    if "widget_js" not in {getattr(route, "name", None) for route in app.router.routes}:
        app.router.routes.extend(widget_routes.routes)
    app.router.routes.append(Route("/bench/constant/{size:int}", constant))
    app.router.routes.append(Route("/bench/naive/{sku:str}", naive))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


WRK_SCRIPT = """
local PRODUCTS = __PRODUCTS__
local paths, headers, n = {}, {}, 0
function init(args)
  local first, count = tonumber(args[2]), tonumber(args[3])
  for i = 0, count - 1 do
    paths[i + 1] = string.gsub(args[1], "{sku}", "sku-" .. ((first + i) % PRODUCTS + 1))
  end
  headers["Accept-Encoding"] = "gzip"
  if args[4] ~= nil and args[4] ~= "" then headers["If-None-Match"] = args[4] end
end
function request()
  n = n % #paths + 1
  return wrk.format("GET", paths[n], headers)
end
""".replace("__PRODUCTS__", str(PRODUCTS))


@dataclass(frozen=True)
class Measured:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def wrk(
    base: str,
    path: str,
    options: argparse.Namespace,
    first: int = 0,
    count: int = 1,
    etag: str = "",
    seconds: int | None = None,
) -> Measured:
    """``path`` (with ``{sku}``: ``count`` products from ``first``) driven by wrk on its own core."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = [
        "taskset",
        "-c",
        options.client_cpu,
        "wrk",
        "-t1",
        f"-c{options.concurrency}",
        f"-d{seconds or options.duration}s",
        "--latency",
        "-s",
        script.name,
        base,
        "--",
        path,
        str(first),
        str(count),
        etag,
    ]
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        Path(script.name).unlink()
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"errors while driving {path}:\n{out}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return Measured(rps, _ms(latency["50"]), _ms(latency["99"]), total)


def _line(name: str, measured: Measured, limit: float | None) -> str:
    ratio = f"{measured.rps / limit:5.2f}" if limit else "  —  "
    return (
        f"{name:<30} {measured.rps:8.0f} req/s  p50 {measured.p50_ms:6.2f} ms"
        f"  p99 {measured.p99_ms:6.2f} ms  ratio {ratio}"
    )


NAIVE_TEMPLATE = """<section class="reviews"><h2>Reviews</h2><ol>{% for r in reviews %}
<li><p>{{ "★" * r.rating }}</p><h3>{{ r.title }}</h3><p>{{ r.body }}</p>
<p>{{ r.display_name }}, {{ r.published_at.strftime("%Y-%m-%d") }}</p></li>{% endfor %}</ol></section>"""

PATHS = {
    "fragment": "/widget/products/{sku}",
    "summary": "/api/v1/products/{sku}/summary",
    "jsonld": "/widget/products/{sku}/jsonld",
}


GZ = {"Accept-Encoding": "gzip"}
OFFSETS = {"fragment": 0, "summary": 3300, "jsonld": 6600, "naive": 5000}


def _cold(measured: Measured) -> bool:
    """Whether requests past the 10,000th, which come back to products asked for before, were cold.

    They are if the scope cached for each product had expired (`SCOPE_TTL`) and its
    body had left the LRU (`BODY_ENTRIES` newer bodies) by the time they came back.
    """
    from hub.widget.cache import BODY_ENTRIES, SCOPE_TTL

    return measured.requests <= PRODUCTS or (PRODUCTS / measured.rps > SCOPE_TTL and PRODUCTS > BODY_ENTRIES)


def run_kind(server: BenchServer, kind: str, options: argparse.Namespace) -> list[str]:
    """The case server-cached, as a 304 and with cold SKUs, each next to a fresh limit.

    The limit (a constant body of the same size) is measured before and after each
    case and averaged, so a slow drift of the machine moves both sides of the ratio.
    An uncached case fast enough to come back to a product while its scope is still
    cached is measured again on a fresh server, for fewer seconds than it takes to ask
    for every product once.
    """
    template, base = PATHS[kind], server.base
    sample = httpx.get(base + template.format(sku="sku-1"), headers=GZ)
    size, tag = len(sample.text.encode()), sample.headers["etag"]
    constant = f"/bench/constant/{size}"
    cold = {"path": template, "first": OFFSETS[kind], "count": PRODUCTS}
    cases: list[tuple[str, dict[str, object]]] = [
        (f"{kind} server-cached", {"path": template}),
        (f"{kind} If-None-Match 304", {"path": template, "etag": tag}),
        (f"{kind} uncached (cold SKUs)", cold),
    ]
    lines = []
    for name, how in cases:
        before = wrk(base, constant, options)
        measured = wrk(base, options=options, **how)  # type: ignore[arg-type]
        after = wrk(base, constant, options)
        if how is cold and not _cold(measured):
            seconds = max(1, int(0.9 * PRODUCTS / measured.rps))
            lines.append(
                f"  ({measured.requests:,} requests came back to products within their"
                f" cached scope: measured again on a fresh server for {seconds} s)"
            )
            server.restart()
            before = wrk(base, constant, options, seconds=seconds)
            measured = wrk(base, options=options, seconds=seconds, **how)  # type: ignore[arg-type]
            after = wrk(base, constant, options, seconds=seconds)
        lines.append(_line(f"limit ({size} B body)", before, None))
        lines.append(_line(name, measured, (before.rps + after.rps) / 2))
    return lines


def run_reference(base: str, options: argparse.Namespace) -> list[str]:
    """The issue's yardstick: a plain ORM query plus a template render, on cold SKUs."""
    size = len(httpx.get(base + "/bench/naive/sku-1").content)
    before = wrk(base, f"/bench/constant/{size}", options)
    measured = wrk(base, "/bench/naive/{sku}", options, first=OFFSETS["naive"], count=PRODUCTS)
    after = wrk(base, f"/bench/constant/{size}", options)
    return [
        _line(f"limit ({size} B body)", before, None),
        _line("plain ORM + template (cold)", measured, (before.rps + after.rps) / 2),
    ]


def run_cases(server: BenchServer, options: argparse.Namespace) -> list[str]:
    kinds = options.only or [*PATHS, "naive"]
    lines = run_reference(server.base, options) if "naive" in kinds else []
    for kind in PATHS:
        if kind in kinds:
            lines += run_kind(server, kind, options)
    js = httpx.get(server.base + "/widget.js")
    lines.append(f"widget.js: {len(js.content):,} B, {len(gzip.compress(js.content, 9)):,} B gzipped")
    return lines


class BenchServer:
    """The bench app in its own process, pinned to the server's core."""

    def __init__(self, database: Path, options: argparse.Namespace) -> None:
        self.database, self.options = database, options
        self.base = f"http://127.0.0.1:{options.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "taskset",
                "-c",
                self.options.server_cpu,
                sys.executable,
                __file__,
                "--serve",
                str(self.database),
                "--port",
                str(self.options.port),
            ]
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the bench server exited")
            try:
                httpx.get(self.base + "/healthz", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("the bench server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=6, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--server-cpu", default="0", help="the core the server is pinned to")
    parser.add_argument("--client-cpu", default="1", help="the core wrk is pinned to")
    parser.add_argument(
        "--only",
        action="append",
        choices=[*PATHS, "naive"],
        help="measure only this case (repeatable); all of them by default",
    )
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.port, options.serve)
        return
    database = ensure_database(options.rebuild)
    if not shutil.which("wrk") or not shutil.which("taskset"):
        sys.exit("bench/widget.py drives the server with wrk on a core of its own: apt-get install wrk")
    server = BenchServer(database, options)
    try:
        server.start()
        lines = run_cases(server, options)
    finally:
        server.stop()
    print(
        json.dumps(
            {
                "products": PRODUCTS,
                "reviews": REVIEWS,
                "concurrency": options.concurrency,
                "seconds_per_measurement": options.duration,
                "server_cpu": options.server_cpu,
                "client_cpu": options.client_cpu,
            }
        )
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
