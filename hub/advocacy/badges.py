"""The badges a marketer can give, and the award that marks a customer as recognised."""

from __future__ import annotations

from dataclasses import dataclass

RECOGNISED = "recognised"


@dataclass(frozen=True)
class Badge:
    slug: str
    label: str
    description: str


BADGES = {
    badge.slug: badge
    for badge in (
        Badge("top_reviewer", "Top reviewer", "writes thorough reviews that others rely on"),
        Badge("photo_pro", "Photo pro", "shows the products in real use with photos"),
        Badge("helpful_voice", "Helpful voice", "reviews that shoppers voted helpful"),
        Badge("first_review", "First review", "wrote a first review"),
        Badge("loyal_year", "Loyal for a year", "has kept ordering for a year"),
        Badge("super_referrer", "Super referrer", "brought friends who became customers"),
        Badge("top_contributor", "Top contributor", "were our top contributor of the month"),
    )
}


def badge_for(slug: str) -> Badge | None:
    """The badge of an award: ``top_contributor:2026-11`` is the top contributor badge of a month."""
    return BADGES.get(slug.partition(":")[0])


def badge_label(slug: str) -> str:
    badge = badge_for(slug)
    if badge is None:
        return slug.replace("_", " ").capitalize()
    month = slug.partition(":")[2]
    return f"{badge.label} {month}" if month else badge.label
