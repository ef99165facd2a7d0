"""Fill an empty hub with a believable shop: two years of orders, reviews, surveys and cases."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

from hub.catalog.models import Customer, Order, Product
from hub.config import Settings
from hub.demo.case_work import build_cases
from hub.demo.cases import flags_of
from hub.demo.context import Demo
from hub.demo.customers import build_customers
from hub.demo.invitations import build_invitations, settle_invitations
from hub.demo.names import STAFF
from hub.demo.orders import build_orders
from hub.demo.products import build_products
from hub.demo.referrals import build_referrals
from hub.demo.review_extras import build_ratings, build_replies, build_votes
from hub.demo.reviews import build_reviews
from hub.demo.staff import build_team, password_hashes
from hub.demo.staff_texts import CANNED_RESPONSES
from hub.demo.surveys import Existing, build_responses, build_surveys
from hub.demo.writer import next_ids, write
from hub.intake.survey_answers import recovery_agents
from hub.reviews.models import Review
from hub.staff.models import StaffUser
from hub.surveys.models import Survey, SurveyQuestion, SurveyResponse
from hub.surveys.rollup import rebuild as rebuild_results
from hub.triage.models import CannedResponse, Case


class DemoError(Exception):
    """The demo cannot be built in this database."""


@dataclass(frozen=True)
class DemoSummary:
    products: int
    customers: int
    orders: int
    reviews: int
    survey_responses: int
    cases: int
    staff: int


async def database_is_empty() -> bool:
    """True when the hub holds no customers, products, orders or staff users yet."""
    for model in (Customer, Product, Order, StaffUser):
        if await model.exists():
            return False
    return True


async def build_demo(
    settings: Settings,
    *,
    admin_email: str,
    admin_password: str,
    seed: int = 7,
    now: datetime | None = None,
) -> DemoSummary:
    """Fill an empty database with the demo shop, the same one for the same `seed` and `now`.

    Every staff account (the admin "Ada Admin", two agents, a moderator and a moderator who
    is also an agent) shares `admin_password`: it is a demo. Raises `DemoError` when the
    database already holds customers, products, orders or staff users.
    """
    if not await database_is_empty():
        raise DemoError("the database is not empty: the demo only fills a new, empty hub")
    demo = Demo(settings, _utc(now or datetime.now(UTC)), random.Random(seed))
    demo.next_ids = await next_ids()
    hashes = await password_hashes(admin_password, 1 + len(STAFF))
    plan_demo(demo, admin_email, hashes, await _existing_surveys())
    await write(demo)
    await rebuild_results(agents=recovery_agents)  # the demo's answers, written in bulk
    from hub.demo.community import build_community

    await build_community(settings, demo.rng, demo.now)
    return _summary(demo)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise DemoError("`now` must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0)


def plan_demo(demo: Demo, admin_email: str, hashes: list[str], existing: Existing) -> None:
    """Every row of the demo, in memory and with its id, ready to be written."""
    team = build_team(demo, admin_email, hashes)
    items = build_products(demo)
    purchases = build_orders(demo, build_customers(demo), items)
    build_referrals(demo, purchases)
    invitations = build_invitations(demo, purchases)
    reviewed = build_reviews(demo, purchases, invitations)
    settle_invitations(demo, purchases, invitations)
    build_votes(demo, reviewed)
    build_replies(demo, reviewed, team)
    build_ratings(demo, items, reviewed)
    surveys = build_surveys(demo, existing)
    answered = build_responses(demo, surveys["post-purchase"], reviewed)
    build_cases(demo, flags_of(reviewed, answered), team, surveys["recovery"])
    for title, body in CANNED_RESPONSES:
        demo.add(CannedResponse, title=title, body=body.format(brand=demo.settings.brand_name))


async def _existing_surveys() -> Existing:
    surveys = await Survey.filter(slug__in=("post-purchase", "recovery"))
    return {
        survey.slug: (survey, await SurveyQuestion.filter(survey_id=survey.pk).order_by("position"))
        for survey in surveys
    }


def _summary(demo: Demo) -> DemoSummary:
    return DemoSummary(
        products=len(demo.all(Product)),
        customers=len(demo.all(Customer)),
        orders=len(demo.all(Order)),
        reviews=len(demo.all(Review)),
        survey_responses=len(demo.all(SurveyResponse)),
        cases=len(demo.all(Case)),
        staff=len(demo.all(StaffUser)),
    )
