"""Stored reviews checked again once the word list or the profanity action changed.

The list can change on Admin → Settings (in any process) or in its file; the worker notices by
the fingerprint of the list and action in effect, so nothing needs to ask for the pass.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q

from hub.config import Settings
from hub.queue import WORKER_ID, Queue
from hub.reviews.models import Review, ReviewRescan, ReviewStatus
from hub.reviews.moderation import RescanCounts, rescan_reviews
from hub.sentiment import profanity

RESCANS: Queue[ReviewRescan] = Queue(
    name="review_rescans",
    model=ReviewRescan,
    due=lambda now: Q(status="queued", next_attempt_at__lte=now),
    order_by=("next_attempt_at", "id"),
    lease=timedelta(hours=1),
    claimed={"status": "running"},
    released={"status": "queued"},
    given_up={"status": "failed"},
)
CHECKED = [ReviewStatus.PUBLISHED, ReviewStatus.PENDING]


def fingerprint(settings: Settings) -> str:
    listed = "\n".join(profanity.words(settings))
    return hashlib.sha256(f"{settings.profanity_action}\n{listed}".encode()).hexdigest()


async def latest_rescan() -> ReviewRescan | None:
    return await ReviewRescan.all().order_by("-id").first()


async def _request_if_changed(settings: Settings, now: datetime) -> None:
    """Queue a pass when the list in effect is not the one the last pass (or the baseline) saw.

    The first time, the list in effect is only recorded: reviews were checked against it as
    they came."""
    current = fingerprint(settings)
    latest = await latest_rescan()
    if latest is None:
        await ReviewRescan.create(
            reason="baseline", status="done", fingerprint=current, next_attempt_at=now, done_at=now
        )
    elif latest.fingerprint != current and latest.status != "queued":
        await ReviewRescan.create(reason="the word list changed", fingerprint=current, next_attempt_at=now)


async def run_rescans(settings: Settings, now: datetime, worker_id: str = WORKER_ID) -> int:
    """Worker job: check stored reviews again if the list changed; the reviews it checked."""
    await RESCANS.recover(now)
    await _request_if_changed(settings, now)
    requests = await RESCANS.claim(worker_id, now, 100)
    if not requests:
        return 0
    ids = [request.id for request in requests]
    total = await Review.filter(status__in=CHECKED).count()
    await ReviewRescan.filter(id__in=ids).update(total=total, checked=0, fingerprint=fingerprint(settings))

    async def progress(counts: RescanCounts) -> None:
        await ReviewRescan.filter(id__in=ids).update(
            checked=min(counts.checked, total),
            held=counts.held,
            masked=counts.masked,
            released=counts.released,
        )

    counts = await rescan_reviews(settings, progress=progress)
    for request in requests:
        await RESCANS.finish(
            request,
            worker_id,
            status="done",
            attempts=request.attempts + 1,
            checked=counts.checked,
            total=max(total, counts.checked),
            held=counts.held,
            masked=counts.masked,
            released=counts.released,
            done_at=datetime.now(UTC),
            last_error="",
        )
    return counts.checked
