"""Badges the worker gives by itself, each rule on or off in ``HUB_BADGE_RULES`` (Admin → Settings).

Each rule is one grouped query over every customer that lacks its badge; the award is an
insert that a second pass (or a second worker) cannot repeat: ``award`` is unique per customer
and badge, and the top contributor's badge names its month (``top_contributor:2026-11``), so it
is one per customer and month. Each new award is thanked by mail (``advocate_thanks``) unless
the customer turned thank-you notes off; the badge stands either way.

- ``first_review``: a published review;
- ``photo_reviews`` (badge ``photo_pro``): five published reviews with photos;
- ``helpful_votes`` (badge ``helpful_voice``): ten helpful votes on their published reviews;
- ``customer_year`` (badge ``loyal_year``): a first purchase a year ago or more;
- ``top_contributor``: last month's most published reviews and answers among customers with a
  public contributor profile (ties: the earlier customer).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from hub.advocacy.models import Award
from hub.advocacy.recognition import thank
from hub.advocacy.sql import execute, execute_many, fetch
from hub.catalog.models import Customer, purchase_sql
from hub.config import Settings
from hub.reviews.models import public_sql

PHOTO_REVIEWS = 5
HELPFUL_VOTES = 10
CUSTOMER_DAYS = 365
AUTOMATIC = "automatic"  # the note of an award a rule gave
MAIL_BATCH = 500
EVERY_SECONDS = 3600.0  # facts change slowly: a pass an hour per worker is enough


@dataclass(frozen=True)
class Rule:
    slug: str
    badge: str
    sql: str  # customer ids due the badge; ``?`` is the badge, then ``params``


def _lacking(grouped: str) -> str:
    """The customers of ``grouped`` (a query of ``customer_id``) without the badge (``?``)."""
    return f"""SELECT g.customer_id FROM ({grouped}) g
      WHERE NOT EXISTS (SELECT 1 FROM award a WHERE a.customer_id = g.customer_id AND a.badge = ?)
      AND EXISTS (SELECT 1 FROM customer c WHERE c.id = g.customer_id AND c.erased_at IS NULL)"""  # noqa: S608


def _published(having: str = "", *, photos: bool = False) -> str:
    """Customers by their published reviews (those with photos only, if ``photos``)."""
    return f"""SELECT customer_id FROM review WHERE {public_sql()} AND customer_id IS NOT NULL
      {"AND has_photos" if photos else ""} GROUP BY customer_id {having}"""  # noqa: S608


RULES = {
    rule.slug: rule
    for rule in (
        Rule("first_review", "first_review", _lacking(_published())),
        Rule(
            "photo_reviews",
            "photo_pro",
            _lacking(_published(f"HAVING COUNT(*) >= {PHOTO_REVIEWS}", photos=True)),
        ),
        Rule(
            "helpful_votes",
            "helpful_voice",
            _lacking(_published(f"HAVING SUM(helpful_count) >= {HELPFUL_VOTES}")),
        ),
        # Each customer without the badge, then one probe of the (customer, placed_at) index.
        Rule(
            "customer_year",
            "loyal_year",
            f"""SELECT c.id AS customer_id FROM customer c WHERE c.erased_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM award a WHERE a.customer_id = c.id AND a.badge = ?)
              AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND {purchase_sql("o")}
                AND o.placed_at <= ?)""",  # noqa: S608  (constants only)
        ),
    )
}


def _month_start(day: date) -> datetime:
    return datetime(day.year, day.month, 1, tzinfo=UTC)


def last_month(now: datetime) -> tuple[datetime, datetime]:
    end = _month_start(now.astimezone(UTC).date())
    return _month_start((end - timedelta(days=1)).date()), end


def _top_contributor_sql() -> str:
    return f"""SELECT x.customer_id, SUM(x.n) AS n FROM (
        SELECT customer_id, COUNT(*) AS n FROM review WHERE {public_sql()}
          AND published_at >= ? AND published_at < ? AND customer_id IS NOT NULL GROUP BY customer_id
        UNION ALL
        SELECT customer_id, COUNT(*) AS n FROM answer WHERE {public_sql()}
          AND published_at >= ? AND published_at < ? AND customer_id IS NOT NULL GROUP BY customer_id
      ) x JOIN customer c ON c.id = x.customer_id
      WHERE c.profile_opt_in_at IS NOT NULL AND c.erased_at IS NULL
      GROUP BY x.customer_id ORDER BY n DESC, x.customer_id LIMIT 1"""  # noqa: S608  (constants only)


def _params(rule: Rule, now: datetime) -> list[object]:
    params: list[object] = [rule.badge]
    if rule.slug == "customer_year":
        params.append(now - timedelta(days=CUSTOMER_DAYS))
    return params


async def _top_contributor(now: datetime) -> tuple[str, list[int]]:
    start, end = last_month(now)
    badge = f"top_contributor:{start:%Y-%m}"
    rows = await fetch(_top_contributor_sql(), [start, end, start, end])
    if not rows or await fetch("SELECT 1 AS x FROM award WHERE badge = ?", [badge]):
        return badge, []
    return badge, [int(rows[0]["customer_id"])]


_INSERT = """INSERT INTO award (customer_id, badge, note, created_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (customer_id, badge) DO NOTHING"""


def _insert_due(rule: Rule) -> str:
    return f"""INSERT INTO award (customer_id, badge, note, created_at)
      SELECT due.customer_id, ?, ?, ? FROM ({rule.sql}) due WHERE true
      ON CONFLICT (customer_id, badge) DO NOTHING"""  # noqa: S608  (constants only)


async def _give(badge: str, customer_ids: list[int], now: datetime) -> None:
    if customer_ids:
        await execute_many(_INSERT, [[cid, badge, AUTOMATIC, now] for cid in customer_ids])


async def _unthanked() -> int:
    return await Award.filter(note=AUTOMATIC, thanked_at__isnull=True).count()


async def thank_awards(settings: Settings, now: datetime) -> int:
    """The thank-you mails of automatic awards not yet thanked, a batch a pass; the mails queued."""
    batch = await Award.filter(note=AUTOMATIC, thanked_at__isnull=True).order_by("id").limit(MAIL_BATCH)
    customers = await Customer.in_bulk([award.customer_id for award in batch], "id")
    sent = 0
    for award in batch:
        customer = customers.get(award.customer_id)
        if customer is not None and customer.erased_at is None:
            sent += await thank(settings, customer, award.badge, 0, now)
    await Award.filter(id__in=[award.id for award in batch]).update(thanked_at=now)
    return sent


_last_pass: dict[str, float] = {}


async def badge_pass(settings: Settings, now: datetime) -> int:
    """Every rule switched on, one ``INSERT … SELECT`` each; the badges given."""
    before = await _unthanked()
    for slug in settings.badge_rules:
        if slug == "top_contributor":
            await _give(*await _top_contributor(now), now)
        else:
            rule = RULES[slug]
            await execute(_insert_due(rule), [rule.badge, AUTOMATIC, now, *_params(rule, now)])
    return await _unthanked() - before


async def award_badges(settings: Settings, now: datetime, *, force: bool = False) -> int:
    """Worker job: the badge pass once an hour at most (``force``: now), then a batch of
    thank-you mails; the badges given and mails queued."""
    given = 0
    if force or time.monotonic() - _last_pass.get("badges", float("-inf")) >= EVERY_SECONDS:
        _last_pass["badges"] = time.monotonic()
        given = await badge_pass(settings, now)
    return given + await thank_awards(settings, now)
