"""Worker jobs of the community: ask buyers about new questions, tell askers about answers.

Each question is claimed through ``hub.queue`` in the transaction that queues its mail.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Q, Subquery

from hub.community.asking import ask_buyers_of, notify_asker
from hub.community.models import Answer, Question
from hub.config import Settings
from hub.queue import Queue
from hub.reviews.models import public_q

BATCH = 50
# A question published long ago (an import, a late approval) is not sent to buyers.
NEW_FOR = timedelta(days=14)


def _new_and_vouched(now: datetime) -> Q:
    vouched = Q(approved_at__isnull=False) | Q(asker_confirmed_at__isnull=False)
    return vouched & public_q() & Q(buyers_asked_at=None, published_at__gte=now - NEW_FOR)


def _answered_and_confirmed(now: datetime) -> Q:
    answered = Subquery(Answer.public().values("question_id"))
    return public_q() & Q(asker_notified_at=None, asker_confirmed_at__isnull=False, id__in=answered)


ASK_BUYERS: Queue[Question] = Queue(
    name="ask_buyers",
    model=Question,
    due=_new_and_vouched,
    order_by=("published_at", "id"),
    mark="buyers_asked_at",
)
NOTIFY_ASKERS: Queue[Question] = Queue(
    name="notify_askers",
    model=Question,
    due=_answered_and_confirmed,
    mark="asker_notified_at",
)


async def ask_buyers(settings: Settings, now: datetime) -> int:
    """Mail up to five past buyers for each newly published question that a moderator approved
    or whose asker confirmed the address; returns mails queued."""

    async def ask(question: Question) -> int:
        return await ask_buyers_of(settings, question, now)

    return await ASK_BUYERS.each_in_transaction(now, BATCH, ask)


async def notify_askers(settings: Settings, now: datetime) -> int:
    """Mail each asker once, when the first answer to their question is published and the asker
    has confirmed the address (answers published before that wait for it)."""

    async def notify(question: Question) -> int:
        return int(await notify_asker(settings, question))

    return await NOTIFY_ASKERS.each_in_transaction(now, BATCH, notify)
