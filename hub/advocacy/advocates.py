"""The advocates page: candidates not yet recognised, with filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tortoise.expressions import Q

from hub.advocacy.badges import RECOGNISED
from hub.advocacy.models import Award
from hub.advocacy.movement import STAGES
from hub.catalog.models import Customer
from hub.reviews.models import Review
from hub.web.params import choice, flag, whole

PAGE_SIZE = 100
DEFAULT_STAGES = ("advocate", "loyal")


@dataclass(frozen=True)
class CandidateFilters:
    stage: str = ""
    min_score: int = 0
    has_photos: bool = False

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> CandidateFilters:
        return cls(
            stage=choice(params.get("stage"), "stage", STAGES) or "",
            min_score=whole(params.get("min_score"), "min_score", high=100) or 0,
            has_photos=flag(params.get("has_photos"), "has_photos"),
        )


async def candidates(filters: CandidateFilters, score_bar: int) -> list[Customer]:
    """Customers not recognised yet, highest score first: by default those in the stages worth
    a look, or scoring ``score_bar`` (``advocate_score_bar``) or more."""
    recognised = Award.filter(badge=RECOGNISED).values_list("customer_id", flat=True)
    query = Customer.filter(erased_at__isnull=True, advocate_score__gte=filters.min_score)
    query = query.exclude(id__in=await recognised)
    if filters.stage:
        query = query.filter(stage=filters.stage)
    else:
        query = query.filter(Q(stage__in=DEFAULT_STAGES) | Q(advocate_score__gte=score_bar))
    if filters.has_photos:
        with_photos = Review.filter(has_photos=True, customer_id__isnull=False)
        query = query.filter(id__in=await with_photos.values_list("customer_id", flat=True))
    return await query.order_by("-advocate_score", "id").limit(PAGE_SIZE)
