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
    )
}


def badge_label(slug: str) -> str:
    badge = BADGES.get(slug)
    return badge.label if badge else slug.replace("_", " ").capitalize()
