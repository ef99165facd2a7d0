"""Events delivered to a real local receiver: signed, retried with back-off, paused when failing."""

from __future__ import annotations

from datetime import timedelta

from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.staff.models import StaffUser
from hub.webhooks.delivery import KEEP_LOG, PAUSE_AFTER, deliver_webhooks
from hub.webhooks.endpoints import create_endpoint, sync_configured_endpoint
from hub.webhooks.events import emit
from hub.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import make_customer, make_order, make_review
from tests.triage.conftest import make_case
from tests.webhooks.conftest import Receiver, now


async def _endpoint(settings: Settings, receiver: Receiver, *events: str, kind: str = "") -> WebhookEndpoint:
    created = await create_endpoint(
        settings, None, name="Helpdesk", url=receiver.url, events=list(events), kind=kind
    )
    receiver.secret = created.secret if kind != "slack" else None
    return created.endpoint


async def test_a_published_review_reaches_the_receiver_signed(
    allowed: Settings, db: str, receiver: Receiver, tent: object
) -> None:
    await _endpoint(allowed, receiver, "review.published", "case.opened")
    customer = await make_customer("Dana Buyer", email="dana.private@example.net")
    order = await make_order(customer, tent)  # type: ignore[arg-type]
    review = (await make_review(allowed, tent, customer=customer, order=order)).review  # type: ignore[arg-type]
    t = now()
    receiver.at(t)
    assert await deliver_webhooks(allowed, t) == 1
    (got,) = receiver.received
    assert got.verified and got.answered == 204
    assert got.headers["content-type"] == "application/json"
    assert got.headers["webhook-id"].startswith("msg_") and got.headers["webhook-timestamp"] == str(
        int(t.timestamp())
    )
    assert got.json["type"] == "review.published"
    data = got.json["data"]["review"]
    assert (data["id"], data["rating"], data["title"]) == (review.id, 5, "Great tent")
    assert data["customer_id"] == customer.id
    assert "dana.private@example.net" not in got.body.decode() and "Dana Buyer" not in got.body.decode()
    delivery = await WebhookDelivery.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 204)
    assert delivery.response_ms is not None and delivery.message_id == got.headers["webhook-id"]


async def test_a_wrong_secret_is_refused_by_the_receiver_and_retried(
    allowed: Settings, db: str, receiver: Receiver
) -> None:
    await _endpoint(allowed, receiver, "case.opened")
    receiver.secret = "whsec_" + "QUJD" * 8  # the receiver holds another secret
    await make_case(allowed)
    t = now()
    receiver.at(t)
    await deliver_webhooks(allowed, t)
    assert [r.answered for r in receiver.received] == [401]
    delivery = await WebhookDelivery.get()
    assert (delivery.status, delivery.response_status) == ("queued", 401)
    assert delivery.last_error == "the endpoint answered HTTP 401"


async def test_a_500_is_tried_again_after_the_back_off_with_the_same_id(
    allowed: Settings, db: str, receiver: Receiver
) -> None:
    await _endpoint(allowed, receiver, "case.opened")
    case = await make_case(allowed)
    receiver.statuses = [500]
    t = now()
    receiver.at(t)
    assert await deliver_webhooks(allowed, t) == 1
    failed = await WebhookDelivery.get()
    assert (failed.status, failed.attempts, failed.response_status) == ("queued", 1, 500)
    assert failed.next_attempt_at == t + timedelta(minutes=1)
    assert failed.last_error == "the endpoint answered HTTP 500"

    assert await deliver_webhooks(allowed, t + timedelta(seconds=59)) == 0  # not due yet
    later = t + timedelta(minutes=1)
    receiver.at(later)
    assert await deliver_webhooks(allowed, later) == 1
    first, second = receiver.received
    assert [first.answered, second.answered] == [500, 204] and first.verified and second.verified
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert int(second.headers["webhook-timestamp"]) - int(first.headers["webhook-timestamp"]) == 60
    assert second.json["data"]["case"]["reference"] == case.reference
    delivered = await WebhookDelivery.get()
    assert (delivered.status, delivered.attempts, delivered.last_error) == ("delivered", 2, "")


async def _run_until_settled(settings: Settings, receiver: Receiver, start: object) -> None:
    t = start
    for _ in range(20):
        receiver.at(t)  # type: ignore[arg-type]
        await deliver_webhooks(settings, t)  # type: ignore[arg-type]
        due = await WebhookDelivery.filter(status="queued").order_by("next_attempt_at").first()
        if due is None:
            return
        t = due.next_attempt_at


async def test_repeated_failures_pause_the_endpoint_and_mail_the_admins(
    allowed: Settings, db: str, receiver: Receiver, alice: StaffUser, bob: StaffUser
) -> None:
    endpoint = await _endpoint(allowed, receiver, "case.opened")
    receiver.always = 503
    for _ in range(PAUSE_AFTER):
        await make_case(allowed)
    await _run_until_settled(allowed, receiver, now())
    assert len(receiver.received) == PAUSE_AFTER * 8  # every delivery got its eight tries
    paused = await WebhookEndpoint.get(id=endpoint.id)
    assert paused.paused_at is not None
    assert paused.paused_reason == f"{PAUSE_AFTER} deliveries in a row failed after every retry"
    assert await WebhookDelivery.filter(status="failed").count() == PAUSE_AFTER
    assert (
        await WebhookDelivery.first()
    ).last_error == "gave up after 8 attempts: the endpoint answered HTTP 503"
    mails = await OutboxMessage.filter(kind="webhook_paused")
    assert [m.to_address for m in mails] == ["alice@example.com"]  # admins only
    assert "Helpdesk" in mails[0].subject and receiver.url not in mails[0].text_body
    assert f"/admin/webhooks/{endpoint.id}" in mails[0].text_body

    # While paused, new events wait (held) and nothing is posted.
    await make_case(allowed)
    posted = len(receiver.received)
    await deliver_webhooks(allowed, now() + timedelta(days=1))
    assert len(receiver.received) == posted
    assert await WebhookDelivery.filter(status="held").count() == 1


async def test_a_success_between_failures_keeps_the_endpoint_going(
    allowed: Settings, db: str, receiver: Receiver
) -> None:
    endpoint = await _endpoint(allowed, receiver, "case.opened")
    receiver.always = 503
    for _ in range(PAUSE_AFTER - 1):
        await make_case(allowed)
    await _run_until_settled(allowed, receiver, now())
    assert (await WebhookEndpoint.get(id=endpoint.id)).failures_in_row == PAUSE_AFTER - 1
    receiver.always = None
    await make_case(allowed)
    await _run_until_settled(allowed, receiver, now())
    endpoint = await WebhookEndpoint.get(id=endpoint.id)
    assert (endpoint.paused_at, endpoint.failures_in_row) == (None, 0)


async def test_a_private_address_is_refused_unless_the_operator_allows_it(
    settings: Settings, allowed: Settings, db: str, receiver: Receiver
) -> None:
    await _endpoint(allowed, receiver, "case.opened")  # allowed when it was added
    await make_case(settings)
    t = now()
    assert await deliver_webhooks(settings, t) == 1  # now without the allow-list
    assert receiver.received == []
    failed = await WebhookDelivery.get()
    assert failed.status == "failed"
    assert failed.last_error == "the address is not public (loopback, private or reserved)"


async def test_the_case_webhook_variable_is_an_endpoint_for_the_case_events(
    allowed: Settings, db: str, receiver: Receiver
) -> None:
    hooked = allowed.with_overrides(case_webhook_url=receiver.url, case_webhook_secret="hook-secret")
    endpoint = await sync_configured_endpoint(hooked)
    assert endpoint is not None and endpoint.source == "env"
    assert endpoint.events == [
        "case.assigned",
        "case.follow_up_answered",
        "case.opened",
        "case.replied",
        "case.resolved",
    ]
    assert "hook-secret" not in endpoint.secret  # stored encrypted
    receiver.secret = "hook-secret"  # a secret without whsec_ is its own UTF-8 bytes
    case = await make_case(hooked)
    t = now()
    receiver.at(t)
    await deliver_webhooks(hooked, t)
    (got,) = receiver.received
    assert got.verified and got.json["type"] == "case.opened"
    assert got.json["data"]["case"]["id"] == case.id
    assert await sync_configured_endpoint(hooked) is not None
    assert await WebhookEndpoint.all().count() == 1  # kept, not added again


async def test_an_event_no_endpoint_wants_queues_nothing(
    allowed: Settings, db: str, receiver: Receiver
) -> None:
    await _endpoint(allowed, receiver, "question.asked")
    assert await emit("case.opened", {"case": {"id": 1}}) == 0
    assert await emit("question.asked", {"question": {"id": 1}}) == 1


async def test_the_log_keeps_settled_deliveries_for_thirty_days(
    allowed: Settings, db: str, receiver: Receiver
) -> None:
    await _endpoint(allowed, receiver, "case.opened")
    await make_case(allowed)
    t = now()
    receiver.at(t)
    await deliver_webhooks(allowed, t)
    await WebhookDelivery.all().update(created_at=t)
    await make_case(allowed)
    receiver.always = 503
    await deliver_webhooks(allowed, t + KEEP_LOG)  # the second one is still being tried
    assert await WebhookDelivery.all().count() == 2
    await deliver_webhooks(allowed, t + KEEP_LOG + timedelta(seconds=1))
    assert await WebhookDelivery.all().values_list("status", flat=True) == ["queued"]
