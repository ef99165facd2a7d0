"""Worker jobs of survey sends: expand rounds, watch for events, mail deliveries, send the one reminder.

1. ``expand_survey_sends`` claims a due one-off or recurring send (a lease, ``hub.queue``)
   and writes one queued delivery per segment customer, a range of customer ids per
   transaction that also moves the send's ``cursor``: a worker killed mid-round leaves a cursor the next one
   resumes from, and the unique (send, customer, occasion) makes a repeated batch a no-op.
2. ``watch_survey_events`` finds each listening send's new events and writes their
   deliveries, due ``event_delay_days`` after the event, under the same unique key.
3. ``send_survey_deliveries`` claims each due delivery in the transaction that mails it
   (or records why not: unsubscribed, suppressed, the shared cap, a recent answer).
4. ``send_survey_reminders`` mails the one reminder of each unanswered delivery.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from hub.advocacy.segments import Segment, last_customer_id, segment_query
from hub.config import Settings
from hub.queue import WORKER_ID, Queue
from hub.survey_sends.delivering import deliver, remind
from hub.survey_sends.events import FINDERS
from hub.survey_sends.models import DeliveryStatus, SendKind, SendStatus, SurveyDelivery, SurveySend
from hub.survey_sends.planning import advance

EXPAND_SPAN = 5000  # customer ids a transaction covers
EVENT_BATCH = 2000
DELIVERY_BATCH = 500
# Events are looked at again this far back: a date the store reported late is still found.
EVENT_LOOKBACK = timedelta(days=2)


def _retry_due(now: datetime) -> Q:
    return Q(next_attempt_at=None) | Q(next_attempt_at__lte=now)


ROUNDS: Queue[SurveySend] = Queue(
    name="survey_rounds",
    model=SurveySend,
    due=lambda now: Q(status=SendStatus.SCHEDULED.value, next_run_at__lte=now) & _retry_due(now),
    order_by=("next_run_at", "id"),
    lease=timedelta(minutes=15),
    given_up={"status": SendStatus.STOPPED.value},
)
DELIVERIES: Queue[SurveyDelivery] = Queue(
    name="survey_deliveries",
    model=SurveyDelivery,
    due=lambda now: Q(status=DeliveryStatus.QUEUED.value, due_at__lte=now),
    order_by=("due_at", "id"),
    mark="handled_at",
)
REMINDERS: Queue[SurveyDelivery] = Queue(
    name="survey_reminders",
    model=SurveyDelivery,
    due=lambda now: Q(status=DeliveryStatus.SENT.value, remind_at__lte=now, reminded_at=None),
    order_by=("remind_at", "id"),
    mark="handled_at",
)


class ClaimLostError(RuntimeError):
    """The lease ran out and another worker took the send: this batch is rolled back."""


async def expand_survey_sends(
    settings: Settings, now: datetime, worker_id: str = WORKER_ID, stop: asyncio.Event | None = None
) -> int:
    """Expand every due round into deliveries; the number of deliveries written."""

    async def handle(send: SurveySend) -> int:
        return await expand_round(send, now, worker_id, stop)

    return await ROUNDS.work(worker_id, now, 5, handle)


async def expand_round(
    send: SurveySend, now: datetime, worker_id: str = WORKER_ID, stop: asyncio.Event | None = None
) -> int:
    """Write this round's deliveries from the send's cursor on, a range of customer ids at a
    time, then schedule the next round; customers who join during the round wait for the next."""
    segment, last = Segment.from_dict(send.segment), await last_customer_id()
    occasion, written = f"r{send.round}", 0
    while stop is None or not stop.is_set():
        if send.cursor >= last:
            await _end_round(send, now, worker_id)
            return written
        span = (send.cursor, min(send.cursor + EXPAND_SPAN, last))
        ids = await segment_query(segment, span).values_list("id", flat=True)
        rows = [SurveyDelivery(send_id=send.id, customer_id=i, occasion=occasion, due_at=now) for i in ids]
        async with in_transaction():
            await SurveyDelivery.bulk_create(rows, ignore_conflicts=True)
            if not await SurveySend.filter(id=send.id, claimed_by=worker_id).update(cursor=span[1]):
                raise ClaimLostError(f"survey send {send.id} was claimed by another worker")
        send.cursor, written = span[1], written + len(ids)
    await ROUNDS.release([send])  # stopping: the next worker resumes from the cursor
    return written


async def _end_round(send: SurveySend, now: datetime, worker_id: str) -> None:
    if send.kind == SendKind.RECURRING and send.every:
        upcoming = advance(send.next_run_at or now, send.every, send.unit)
        while upcoming <= now:  # the worker was away for more than a period: one round, not many
            upcoming = advance(upcoming, send.every, send.unit)
        changes = {"round": send.round + 1, "cursor": 0, "next_run_at": upcoming}
    else:
        changes = {"status": SendStatus.DONE.value, "next_run_at": None}
    if not await ROUNDS.finish(send, worker_id, attempts=0, next_attempt_at=None, last_error="", **changes):
        raise ClaimLostError(f"survey send {send.id} was claimed by another worker")


async def watch_survey_events(settings: Settings, now: datetime) -> int:
    """Write the deliveries of the events every listening send has not looked at yet."""
    written = 0
    for send in await SurveySend.filter(status=SendStatus.LISTENING.value, kind=SendKind.EVENT.value):
        written += await watch_events(send, now)
    return written


async def watch_events(send: SurveySend, now: datetime) -> int:
    delay = timedelta(days=send.event_delay_days)
    # Events whose delay ran out before the send was made are not mailed after the fact.
    since = send.created_at - delay
    if send.watched_until is not None:
        since = max(since, send.watched_until - EVENT_LOOKBACK)
    found = await FINDERS[send.event](since, now, EVENT_BATCH)
    in_segment = set(
        await segment_query(Segment.from_dict(send.segment))
        .filter(id__in=list({h.customer_id for h in found}) or [0])
        .values_list("id", flat=True)
    )
    rows = [
        SurveyDelivery(
            send_id=send.id,
            customer_id=h.customer_id,
            order_id=h.order_id,
            occasion=h.occasion,
            due_at=h.at + delay,
        )
        for h in found
        if h.customer_id in in_segment
    ]
    watched = found[-1].at if len(found) == EVENT_BATCH else now
    async with in_transaction():
        await SurveyDelivery.bulk_create(rows, ignore_conflicts=True)
        await SurveySend.filter(id=send.id).update(watched_until=max(watched, send.watched_until or watched))
    return len(rows)


async def send_survey_deliveries(settings: Settings, now: datetime) -> int:
    """Mail each due delivery (or record why it was skipped); the number of mails queued."""

    async def handle(delivery: SurveyDelivery) -> int:
        return await deliver(settings, delivery, now)

    return await DELIVERIES.each_in_transaction(now, DELIVERY_BATCH, handle)


async def send_survey_reminders(settings: Settings, now: datetime) -> int:
    """Mail the one reminder of each delivery still unanswered; the number queued."""

    async def handle(delivery: SurveyDelivery) -> int:
        return await remind(settings, delivery, now)

    return await REMINDERS.each_in_transaction(now, DELIVERY_BATCH, handle)
