"""Review submissions per second through the whole moderation pipeline.

    python bench/feedback.py [N]

Builds a temporary SQLite database with the migrations, adds 20 products and N customers,
then submits N reviews (no photos) with `submit_review`: cleaning, spam and profanity
checks, personal-data masking, sentiment, flags, cases and rating aggregates, each in
its own transaction. Texts and ratings are a generated, realistic mix (about a fifth
negative, some with HTML, links, personal data or profanity).

Prints the rate twice: with the hub's SQLite default, WAL with `synchronous=NORMAL` (safe in
WAL mode: only the last commits can be lost on a power cut), and with `synchronous=FULL` (an
fsync per commit, which dominates on most disks; `?synchronous=FULL` on the database URL).
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hub import db
from hub.catalog.models import Customer, Product
from hub.config import Settings
from hub.intake.submit import submit_review

OPENINGS = {
    5: ["Love this tent.", "Absolutely brilliant!", "Best purchase this year.", "Really happy with it."],
    4: ["Very good overall.", "Solid and well made.", "Does the job nicely."],
    3: ["It is okay.", "Decent for the price.", "Mixed feelings about this one."],
    2: ["Not great.", "Smaller than I hoped.", "The quality is poor."],
    1: ["Terrible.", "Fell apart after a week.", "Never arrived and support ignored me."],
}
DETAILS = [
    "Pitched it in five minutes and it stayed dry through heavy rain.",
    "The zip sticks a little but the fabric feels strong.",
    "Delivery took two weeks, which was longer than promised.",
    "The pegs bent on rocky ground, <b>bring your own</b>.",
    "Colour is exactly as in the photos &amp; the bag is compact.",
    "My kids loved it on our camping trip in the hills.",
    "Seams leaked on the second night and I want a refund.",
    "Ask me anything at camper{n}@example.com or 555-201-{n:04d}.",
    "Compare with http://other.example before you buy.",
    "Honestly a shit design for the money.",
]
RATINGS = [5] * 45 + [4] * 25 + [3] * 10 + [2] * 8 + [1] * 12


def review_text(rng: random.Random, n: int) -> tuple[int, str, str]:
    rating = rng.choice(RATINGS)
    details = " ".join(rng.sample(DETAILS, rng.randint(1, 3))).format(n=n)
    return rating, rng.choice(OPENINGS[rating]), f"{rng.choice(OPENINGS[rating])} {details}"


async def setup(url: str, count: int) -> tuple[list[Product], list[Customer]]:
    await db.migrate(url.split("?")[0])
    await db.connect(url)
    products = [await Product.create(external_id=f"p{i}", name=f"Tent {i}") for i in range(20)]
    await Customer.bulk_create(
        [Customer(email=f"c{i}@example.com", name=f"Customer {i}") for i in range(count)]
    )
    return products, list(await Customer.all().order_by("id"))


async def run(count: int, query: str) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), secret_key="bench-" + "x" * 40)
        products, customers = await setup(f"sqlite://{folder}/bench.sqlite3{query}", count)
        statuses: Counter[str] = Counter()
        started = time.perf_counter()
        for n, customer in enumerate(customers):
            rating, title, body = review_text(rng, n)
            result = await submit_review(
                settings,
                product=rng.choice(products),
                rating=rating,
                title=title,
                body=body,
                display_name=customer.name,
                customer=customer,
                ip=f"10.0.{n // 250}.{n % 250}",
            )
            statuses[f"{result.review.status}/{result.review.status_reason}"] += 1
        elapsed = time.perf_counter() - started
        await db.disconnect()
    label = query.lstrip("?") or "the hub's default: WAL, synchronous=NORMAL"
    print(f"{count} submissions in {elapsed:.2f} s: {count / elapsed:.0f} submissions/s (SQLite, {label})")
    print("  " + ", ".join(f"{key} {value}" for key, value in statuses.most_common()))


if __name__ == "__main__":
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    asyncio.run(run(total, ""))
    asyncio.run(run(total, "?synchronous=FULL"))
