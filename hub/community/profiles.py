"""Opt-in contributor profiles: the customer's choice, the public page, the top list.

A profile exists only while `Customer.profile_opt_in_at` is set (and the customer is not
erased); every read checks it, so opting out hides the profile at once, everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.functions import Count, Sum
from tortoise.transactions import in_transaction

from hub.advocacy.models import Award
from hub.advocacy.points import earn_for_public_profile
from hub.catalog.models import Customer
from hub.community.models import Answer
from hub.config import Settings
from hub.links.legacy import legacy_signed_customer_id
from hub.links.models import LinkPurpose
from hub.links.tokens import LinkError, issue_token, resolve_token
from hub.reviews.models import Review, ReviewStatus
from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.text.normalise import SubmissionError, clean_name
from hub.urls import external_url

PUBLISHED = ReviewStatus.PUBLISHED.value
MAX_CONTRIBUTORS = 50
LATEST = 10


async def profile_settings_url(settings: Settings, customer: Customer) -> str:
    """A fresh link where a customer chooses a public profile (for mails)."""
    raw = await issue_token(LinkPurpose.PROFILE, customer=customer)
    return external_url(settings, "profile_settings", token=raw)


async def customer_for_profile_token(settings: Settings, token: str) -> Customer | None:
    """The customer a live profile link belongs to; None for a bad link or an erased customer."""
    try:
        customer_id = (await resolve_token(token, LinkPurpose.PROFILE)).customer_id
    except LinkError:
        customer_id = legacy_signed_customer_id(settings, token, "profile")
    return await Customer.get_or_none(id=customer_id, erased_at=None) if customer_id else None


async def save_profile(
    customer: Customer, *, opt_in: bool, name: str, now: datetime, settings: Settings | None = None
) -> None:
    """Opt in with a display name (`SubmissionError` without one), or opt out at once.
    Opting in earns the shop's points for a public profile (``points_for_public_profile``), once."""
    if not opt_in:
        customer.profile_opt_in_at = None
    else:
        display = clean_name(name)
        if not display:
            raise SubmissionError("display_name", "choose the name to show on your profile")
        customer.profile_name = display
        customer.profile_opt_in_at = customer.profile_opt_in_at or now
    await customer.save(update_fields=["profile_opt_in_at", "profile_name", "updated_at"])
    if opt_in and settings is not None:
        await earn_for_public_profile(settings, customer.id)


@dataclass(slots=True)
class Tally:
    reviews: int = 0
    answers: int = 0
    helpful: int = 0

    @property
    def total(self) -> int:
        return self.reviews + self.answers + self.helpful


@dataclass(slots=True)
class Profile:
    customer: Customer
    tally: Tally
    badges: list[str]
    reviews: list[Review] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)


def public_customers() -> Any:
    return Customer.filter(profile_opt_in_at__isnull=False, erased_at=None)


async def tallies(customer_ids: list[int]) -> dict[int, Tally]:
    """Published reviews and answers, and helpful votes they received, per customer."""
    found = {customer_id: Tally() for customer_id in customer_ids}
    for model, attribute in ((Review, "reviews"), (Answer, "answers")):
        rows = await (
            model.public()
            .filter(customer_id__in=customer_ids)
            .group_by("customer_id")
            .annotate(n=Count("id"), h=Sum("helpful_count"))
            .values_list("customer_id", "n", "h")
        )
        for customer_id, n, helpful in rows:
            tally = found[int(customer_id)]
            setattr(tally, attribute, int(n))
            tally.helpful += int(helpful or 0)
    return found


async def public_profile(customer_id: int) -> Profile | None:
    customer = await public_customers().get_or_none(id=customer_id)
    if customer is None:
        return None
    badges = await (
        Award.filter(customer_id=customer_id).order_by("created_at").values_list("badge", flat=True)
    )
    reviews = await (
        Review.public()
        .filter(customer_id=customer_id)
        .order_by("-published_at", "-id")
        .limit(LATEST)
        .prefetch_related("product")
    )
    answers = await (
        Answer.public()
        .filter(customer_id=customer_id)
        .order_by("-published_at", "-id")
        .limit(LATEST)
        .prefetch_related("question__product")
    )
    tally = (await tallies([customer_id]))[customer_id]
    return Profile(customer, tally, [str(badge) for badge in badges], reviews, answers)


async def top_contributors(limit: int) -> list[tuple[Customer, Tally, list[str]]]:
    """Opted-in customers with the most published reviews, answers and helpful votes."""
    customers = await public_customers()
    counts = await tallies([customer.id for customer in customers])
    ranked = sorted(customers, key=lambda c: (-counts[c.id].total, c.profile_name, c.id))
    wanted = max(1, min(limit, MAX_CONTRIBUTORS))
    top = [customer for customer in ranked if counts[customer.id].total][:wanted]
    badges = await _badges([customer.id for customer in top])
    return [(customer, counts[customer.id], badges.get(customer.id, [])) for customer in top]


async def _badges(customer_ids: list[int]) -> dict[int, list[str]]:
    """Each customer's badges, oldest first."""
    found: dict[int, list[str]] = {}
    for customer_id, badge in (
        await Award.filter(customer_id__in=customer_ids)
        .order_by("created_at", "id")
        .values_list("customer_id", "badge")
    ):
        found.setdefault(int(customer_id), []).append(str(badge))
    return found


ADMIN_PAGE = 50


@dataclass(slots=True)
class ProfileRow:
    customer: Customer
    tally: Tally
    badges: list[str]


async def profile_page(page: int) -> tuple[list[ProfileRow], bool]:
    """Public profiles for moderators, newest opt-in first; and whether more follow."""
    customers = await (
        public_customers()
        .order_by("-profile_opt_in_at", "-id")
        .offset((page - 1) * ADMIN_PAGE)
        .limit(ADMIN_PAGE + 1)
    )
    shown = customers[:ADMIN_PAGE]
    ids = [customer.id for customer in shown]
    counts, badges = await tallies(ids), await _badges(ids)
    rows = [ProfileRow(customer, counts[customer.id], badges.get(customer.id, [])) for customer in shown]
    return rows, len(customers) > ADMIN_PAGE


async def withdraw_profile(actor: StaffUser, customer_id: int) -> Customer | None:
    """Take a public profile down (an abusive or impersonating name): the profile and its
    name are gone everywhere at once, and the audit log keeps who did it, not the name
    (a customer's data, which erasure must not miss). The customer may opt in again.
    None when there is no such public profile."""
    async with in_transaction():
        customer = await public_customers().select_for_update().get_or_none(id=customer_id)
        if customer is None:
            return None
        customer.profile_opt_in_at, customer.profile_name = None, ""
        await customer.save(update_fields=["profile_opt_in_at", "profile_name", "updated_at"])
        await audit(actor, "profile.withdraw", "customer", customer.id)
    return customer


def contributor_json(
    settings: Settings, customer: Customer, tally: Tally, badges: list[str]
) -> dict[str, Any]:
    return {
        "id": customer.id,
        "name": customer.profile_name,
        "badges": badges,
        "reviews": tally.reviews,
        "answers": tally.answers,
        "helpful_votes": tally.helpful,
        "url": external_url(settings, "contributor_profile", customer_id=customer.id),
    }
