"""Worker jobs of the community: ask buyers about new questions, tell askers about answers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from tortoise.expressions import Q

from hub.community.asking import ask_buyers_of, claim_question, notify_asker
from hub.community.models import Question
from hub.config import Settings
from hub.reviews.models import ReviewStatus
from hub.worker import each_row

PUBLISHED = ReviewStatus.PUBLISHED.value
BATCH = 50
# A question published long ago (an import, a late approval) is not sent to buyers.
NEW_FOR = timedelta(days=14)


async def ask_buyers(settings: Settings, now: datetime) -> int:
    """Mail up to five past buyers for each newly published question that a moderator approved
    or whose asker confirmed the address; returns mails queued."""
    vouched = Q(approved_at__isnull=False) | Q(asker_confirmed_at__isnull=False)
    ids = await (
        Question.filter(vouched, status=PUBLISHED, buyers_asked_at=None, published_at__gte=now - NEW_FOR)
        .order_by("published_at", "id")
        .limit(BATCH)
        .values_list("id", flat=True)
    )

    async def ask(question_id: int) -> int:
        if not await claim_question(question_id, now):
            return 0
        return await ask_buyers_of(settings, await Question.get(id=question_id), now)

    return await each_row("ask_buyers", cast(list[int], ids), ask)


async def notify_askers(settings: Settings, now: datetime) -> int:
    """Mail each asker once, when the first answer to their question is published and the asker
    has confirmed the address (answers published before that wait for it)."""
    ids = await (
        Question.filter(
            status=PUBLISHED,
            asker_notified_at=None,
            asker_confirmed_at__isnull=False,
            answers__status=PUBLISHED,
        )
        .distinct()
        .limit(BATCH)
        .values_list("id", flat=True)
    )

    async def notify(question_id: int) -> int:
        if not await Question.filter(id=question_id, asker_notified_at=None).update(asker_notified_at=now):
            return 0
        return int(await notify_asker(settings, await Question.get(id=question_id)))

    return await each_row("notify_askers", cast(list[int], ids), notify)
