"""How fast a survey's results page answers with 1,000,000 answers, and how long a rebuild takes;
then how fast a survey is enqueued for a 100,000-customer segment (bench/survey_send.py).

    python bench/surveys.py [--responses N] [--postgres] [--only results|send]

With ``--postgres`` the sending part also runs on PostgreSQL (it reads HUB_BENCH_DATABASE_URL
as its base, as bench/survey_send.py does).

Builds a fresh SQLite database (and, with ``--postgres``, a PostgreSQL one at
HUB_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/hub_bench_surveys —
dropped and recreated) migrated with hub.db.migrate. 50,000 customers and one order per
response are bulk-loaded (bench/advocacy.py's loader), each order with one of 50 products;
customers get a stage and a locale of five. One survey of four questions (NPS, CSAT,
effort, free text from ten sentences), ``--responses`` responses (250,000: 1,000,000
answers) over 24 months, all inserted by SQL. The rollup is then filled by
`feedback-hub surveys rebuild-results`'s own function (timed), and the results page is
rendered whole (route, rollup queries, charts, template, through httpx's ASGITransport as a
logged-in moderator), ROUNDS times for everyone and ROUNDS times across segments and
periods. Target: p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
import httpx
from tortoise import Tortoise
from tortoise.backends.base import executor

from bench import survey_send
from bench.advocacy import fill_postgres, fill_sqlite
from hub import db as hub_db
from hub.app import create_app
from hub.catalog.models import Product
from hub.config import Settings
from hub.staff.models import StaffUser
from hub.staff.passwords import hash_password
from hub.surveys.models import Survey, SurveyQuestion
from hub.surveys.rollup import rebuild

PASSWORD = "bench password 123"
ROUNDS = 30
CUSTOMERS = 50_000
PRODUCTS = 50
STAGES = ["new", "active", "loyal", "advocate", "at_risk"]
LOCALES = ["en-GB", "en-US", "de-DE", "fr-FR", "nl-NL"]
TEXTS = [
    "The parcel arrived late and the box was crushed.",
    "Great quality, fits perfectly.",
    "Customer service answered quickly and sorted it out.",
    "Too expensive for what it is.",
    "Delivery was quick, thank you!",
    "The zip broke after two days.",
    "Runs small, I had to return it.",
    "Lovely packaging and a handwritten note.",
    "Checkout on the website kept failing.",
    "Nothing to add.",
]
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/hub_bench_surveys"


def _text_case(column: str) -> str:
    whens = " ".join(f"WHEN {n} THEN '{text}'" for n, text in enumerate(TEXTS))
    return f"CASE {column} % {len(TEXTS)} {whens} END"


def _when(postgres: bool) -> str:
    if postgres:
        return "TIMESTAMPTZ '2024-12-01 10:00:00+00' + (o.id % 730) * INTERVAL '1 day'"
    return "datetime('2024-12-01 10:00:00', '+' || (o.id % 730) || ' days')"


RESPONSE_SQL = (
    "INSERT INTO survey_response (survey_id, customer_id, order_id, token_hash, nps, csat,"
    " sentiment_label, flagged, submitted_at) SELECT {survey}, o.customer_id, o.id, 'bench' || o.id,"
    " (o.id * 7) % 11, 1 + (o.id * 3) % 5, 'neutral', {false}, {when} FROM orders o WHERE o.id <= {count}"
)
ANSWER_SQL = (
    "INSERT INTO survey_answer (response_id, question_id, number, text, choice)"
    " SELECT r.id, {question}, {number}, {text}, '' FROM survey_response r"
)
LINE_SQL = (
    "INSERT INTO order_line (order_id, product_id, quantity, unit_price, refunded_quantity,"
    " refunded_amount) SELECT id, 1 + id % {products}, 1, 10, 0, 0 FROM orders"
)
SHAPE_SQL = "UPDATE customer SET stage = CASE id % 5 {stages} END, locale = CASE (id / 5) % 5 {locales} END"
NUMBERS = {"nps": "r.nps", "csat": "r.csat", "effort": "1 + (r.id * 5) % 7"}


async def _fill_survey(responses: int, postgres: bool) -> Survey:
    """Every statement is built from this module's constants and ids, never from input."""
    await Product.bulk_create([Product(external_id=f"P{i}", name=f"Product {i}") for i in range(PRODUCTS)])
    stages = " ".join(f"WHEN {n} THEN '{s}'" for n, s in enumerate(STAGES))
    locales = " ".join(f"WHEN {n} THEN '{s}'" for n, s in enumerate(LOCALES))
    script = [SHAPE_SQL.format(stages=stages, locales=locales), LINE_SQL.format(products=PRODUCTS)]
    survey = await Survey.create(slug="after-order", name="After your order", purpose="post_purchase")
    false = "false" if postgres else "0"
    script.append(RESPONSE_SQL.format(survey=survey.id, false=false, when=_when(postgres), count=responses))
    for n, kind in enumerate(("nps", "csat", "effort", "text")):
        question = await SurveyQuestion.create(
            survey=survey, position=n, kind=kind, prompt=f"{kind} question"
        )
        text = _text_case("r.id") if kind == "text" else "''"
        script.append(ANSWER_SQL.format(question=question.id, number=NUMBERS.get(kind, "NULL"), text=text))
    connection = Tortoise.get_connection("default")
    for sql in script:
        await connection.execute_script(sql)
    await connection.execute_script("VACUUM ANALYZE" if postgres else "ANALYZE")
    return survey


async def _login(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    marker = 'name="csrf_token" value="'
    start = page.text.index(marker) + len(marker)
    token = page.text[start : page.text.index('"', start)]
    await client.post("/login", data={"email": "mod@example.com", "password": PASSWORD, "csrf_token": token})


async def _time(client: httpx.AsyncClient, paths: list[str]) -> tuple[float, float]:
    await client.get(paths[0])
    times = []
    for path in paths:
        started = time.perf_counter()
        response = await client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def _paths(survey: Survey) -> list[tuple[str, list[str]]]:
    page = f"/admin/surveys/{survey.id}/results"
    segments = [f"stage:{s}" for s in STAGES] + [f"product:{n}" for n in range(1, 11)]
    segments += [f"country:{c[-2:]}" for c in LOCALES] + [f"language:{c[:2]}" for c in LOCALES[1:]]
    months = ["1", "3", "6", "12"]
    return [
        ("everyone", [f"{page}?months={months[n % 4]}&until=2026-11" for n in range(ROUNDS)]),
        ("a segment", [f"{page}?segment={segments[n % len(segments)]}&until=2026-11" for n in range(ROUNDS)]),
    ]


async def run(database_url: str, responses: int, label: str) -> None:
    executor.EXECUTOR_CACHE.clear()
    settings = Settings(
        database_url=database_url,
        secret_key="bench-" + "x" * 40,
        env="test",
        data_dir=Path(tempfile.mkdtemp()),
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        started = time.perf_counter()
        survey = await _fill_survey(responses, hub_db.is_postgres(database_url))
        seconds = time.perf_counter() - started
        print(f"{label}: {responses:,} responses, {4 * responses:,} answers inserted in {seconds:.1f} s")
        started = time.perf_counter()
        await rebuild(survey.id)
        print(f"  rebuild-results: {time.perf_counter() - started:.1f} s")
        await _measure(app, survey)


async def _measure(app: object, survey: Survey) -> None:
    await StaffUser.create(
        email="mod@example.com", name="Mod", roles="moderator", password_hash=hash_password(PASSWORD)
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        await _login(client)
        for name, paths in _paths(survey):
            p50, p95 = await _time(client, paths)
            print(f"  results page, {name:<10} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms  ({len(paths)} rounds)")


async def _fresh_pg(url: str) -> None:
    admin_url, _, name = url.replace("postgres://", "postgresql://", 1).rpartition("/")
    connection = await asyncpg.connect(f"{admin_url}/postgres")
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await connection.execute(f"CREATE DATABASE {name}")
    finally:
        await connection.close()


def _load_orders(url: str, responses: int, path: Path | None) -> None:
    asyncio.run(hub_db.migrate(url))
    if path is not None:
        fill_sqlite(path, CUSTOMERS, responses)
    else:
        asyncio.run(fill_postgres(url, CUSTOMERS, responses))


def results_main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=250_000, help="four answers each")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL (HUB_BENCH_DATABASE_URL)")
    parser.add_argument("--only", choices=("results", "send"), help="one half of the bench")
    arguments = parser.parse_args()
    if arguments.only != "results":
        if arguments.postgres:
            os.environ.setdefault("HUB_BENCH_DATABASE_URL", PG_DEFAULT)
        survey_send.main()
    if arguments.only == "send":
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        _load_orders(f"sqlite://{path}", arguments.responses, path)
        asyncio.run(run(f"sqlite://{path}", arguments.responses, "SQLite"))
    if arguments.postgres:
        url = os.environ.get("HUB_BENCH_DATABASE_URL", PG_DEFAULT)
        asyncio.run(_fresh_pg(url))
        _load_orders(url, arguments.responses, None)
        asyncio.run(run(url, arguments.responses, "PostgreSQL"))


if __name__ == "__main__":
    results_main()
