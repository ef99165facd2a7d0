""" "Was this helpful?": one vote per browser and review, counted atomically.

The browser sends a random id it keeps in localStorage; the hub stores only a salted
hash of it (`HelpfulVote.voter_hash`, unique per review), so a second vote from the
same browser is a no-op. Votes per address are limited by an in-process sliding
window keyed by a salted hash of the address (per process, like the review limit).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from hub.config import Settings
from hub.reviews.models import HelpfulVote, Review, ReviewStatus
from hub.reviews.spam import IpWindow

VOTES_PER_IP = 60
VOTE_WINDOW = timedelta(minutes=10)
VOTER_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

vote_window = IpWindow(limit=VOTES_PER_IP, window=VOTE_WINDOW)


class VoteError(ValueError):
    def __init__(self, status: int, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.status, self.field, self.reason = status, field, reason


@dataclass(frozen=True, slots=True)
class VoteResult:
    counted: bool
    helpful: int
    unhelpful: int


def voter_hash(settings: Settings, voter: str) -> str:
    return hmac.new(settings.secret_key.encode(), f"vote:{voter}".encode(), hashlib.sha256).hexdigest()


async def _counts(review_id: int) -> tuple[int, int]:
    row = await Review.filter(id=review_id).values_list("helpful_count", "unhelpful_count")
    return int(row[0][0]), int(row[0][1])


async def _record(review_id: int, digest: str, helpful: bool) -> bool:
    column = "helpful_count" if helpful else "unhelpful_count"
    try:
        async with in_transaction():
            await HelpfulVote.create(review_id=review_id, voter_hash=digest, helpful=helpful)
            await Review.filter(id=review_id).update(**{column: F(column) + 1})
    except IntegrityError:
        return False
    return True


async def cast_vote(
    settings: Settings, *, review_id: int, voter: str, helpful: bool, ip: str | None
) -> VoteResult:
    """Count one vote; a repeat from the same browser changes nothing (`counted=False`)."""
    if not VOTER_ID.match(voter):
        raise VoteError(422, "voter", "must be 16–64 letters, digits, - or _")
    if not await Review.exists(id=review_id, status=ReviewStatus.PUBLISHED.value):
        raise VoteError(404, "review", "there is no such published review")
    if ip and not vote_window.allow(settings.secret_key, ip):
        raise VoteError(429, "rate", "too many votes from this address; try again later")
    counted = await _record(review_id, voter_hash(settings, voter), helpful)
    helpful_count, unhelpful_count = await _counts(review_id)
    return VoteResult(counted, helpful_count, unhelpful_count)
