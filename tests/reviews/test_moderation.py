"""Moderating reviews in /admin/reviews: who may, approve, reject, bulk, replies, history."""

from __future__ import annotations

import httpx
import pytest

from hub.catalog.models import Customer
from hub.config import Settings
from hub.intake import submit as reviews
from hub.mail.models import OutboxMessage
from hub.reviews.models import Reply, Review
from hub.staff.models import AuditEntry, StaffUser
from tests.conftest import log_in
from tests.review_fixtures import ReviewMaker

HTMX = {"HX-Request": "true"}


async def _token(client: httpx.AsyncClient) -> str:
    page = await client.get("/admin/reviews")
    marker = 'name="csrf_token" value="'
    start = page.text.index(marker) + len(marker)
    return page.text[start : page.text.index('"', start)]


async def test_it_sends_anonymous_visitors_to_the_login(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin/reviews")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_it_refuses_a_support_agent(client: httpx.AsyncClient, bob: StaffUser) -> None:
    await log_in(client, bob)
    assert (await client.get("/admin/reviews")).status_code == 403


@pytest.mark.parametrize("who", ["alice", "carol"])
async def test_it_lists_reviews_for_moderators_and_admins(
    client: httpx.AsyncClient, make_review: ReviewMaker, alice: StaffUser, carol: StaffUser, who: str
) -> None:
    await make_review(title="Dry all night")
    await log_in(client, {"alice": alice, "carol": carol}[who])
    page = await client.get("/admin/reviews")
    assert page.status_code == 200
    assert "Dry all night" in page.text
    assert "style=" not in page.text and "<script>" not in page.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=pending", {"Held"}),
        ("rating=1", {"Broken"}),
        ("flagged=yes", {"Broken"}),
        ("flagged=no&status=published", {"Lovely"}),
    ],
)
async def test_it_filters_the_list(
    client: httpx.AsyncClient, carol: StaffUser, make_review: ReviewMaker, query: str, expected: set[str]
) -> None:
    await make_review(title="Lovely", rating=5)
    await make_review(title="Broken", rating=1, body="It broke at once and leaks, a waste of money.")
    await make_review(title="Held", rating=4, body="Shit tent, but fine.")
    await log_in(client, carol)
    page = (await client.get(f"/admin/reviews?{query}")).text
    shown = {title for title in ("Lovely", "Broken", "Held") if f"<strong>{title}</strong>" in page}
    assert shown == expected


async def test_it_approves_inline_with_htmx(
    client: httpx.AsyncClient, carol: StaffUser, make_review: ReviewMaker
) -> None:
    held = await make_review(body="Shit tent.")
    await log_in(client, carol)
    token = await _token(client)
    response = await client.post(
        f"/admin/reviews/{held.review.id}/approve", data={"csrf_token": token}, headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="review-{held.review.id}"')
    assert (await Review.get(id=held.review.id)).status == "published"
    assert await AuditEntry.filter(action="review.approve", actor=carol).exists()


async def test_it_rejects_with_a_reason_without_htmx(
    client: httpx.AsyncClient, carol: StaffUser, make_review: ReviewMaker
) -> None:
    result = await make_review()
    await log_in(client, carol)
    token = await _token(client)
    response = await client.post(
        f"/admin/reviews/{result.review.id}/reject",
        data={"csrf_token": token, "reason": "off_topic", "next": "/admin/reviews?status=published"},
    )
    assert (response.status_code, response.headers["location"]) == (303, "/admin/reviews?status=published")
    review = await Review.get(id=result.review.id)
    assert (review.status, review.status_reason) == ("rejected", "off_topic")


async def test_it_needs_a_reason_to_reject(
    client: httpx.AsyncClient, carol: StaffUser, make_review: ReviewMaker
) -> None:
    result = await make_review()
    await log_in(client, carol)
    response = await client.post(
        f"/admin/reviews/{result.review.id}/reject", data={"csrf_token": await _token(client)}
    )
    assert response.status_code == 400


async def test_it_refuses_a_moderation_without_the_csrf_token(
    client: httpx.AsyncClient, carol: StaffUser, make_review: ReviewMaker
) -> None:
    result = await make_review()
    await log_in(client, carol)
    response = await client.post(f"/admin/reviews/{result.review.id}/approve", data={})
    assert response.status_code == 403


async def test_it_rejects_in_bulk(
    client: httpx.AsyncClient, carol: StaffUser, make_review: ReviewMaker
) -> None:
    picked = [(await make_review()).review.id for _ in range(3)]
    await log_in(client, carol)
    data = {
        "csrf_token": await _token(client),
        "action": "reject",
        "reason": "spam",
        "ids": [str(i) for i in picked[:2]],
    }
    response = await client.post("/admin/reviews/bulk", data=data)
    assert response.status_code == 303
    statuses = await Review.filter(id__in=picked).order_by("id").values_list("status", flat=True)
    assert statuses == ["rejected", "rejected", "published"]
    assert await AuditEntry.filter(action="review.reject").count() == 2


async def test_bob_the_agent_may_not_moderate(
    client: httpx.AsyncClient, bob: StaffUser, make_review: ReviewMaker
) -> None:
    result = await make_review()
    await log_in(client, bob)
    response = await client.post(
        f"/admin/reviews/{result.review.id}/reject", data={"reason": "spam"}, headers=HTMX
    )
    assert response.status_code == 403
    assert (await Review.get(id=result.review.id)).status == "published"


async def test_it_replies_publicly(
    client: httpx.AsyncClient, carol: StaffUser, make_review: ReviewMaker
) -> None:
    result = await make_review()
    await log_in(client, carol)
    response = await client.post(
        f"/admin/reviews/{result.review.id}/reply",
        data={"csrf_token": await _token(client), "body": "Thank you, Dana!", "visibility": "public"},
    )
    assert response.status_code == 303
    assert await Reply.filter(review=result.review, is_public=True).exists()
    assert "Thank you, Dana!" in (await client.get("/admin/reviews")).text
    assert not await OutboxMessage.exists()


async def test_it_mails_a_private_reply_through_the_outbox(
    client: httpx.AsyncClient,
    settings: Settings,
    carol: StaffUser,
    make_review: ReviewMaker,
    customer: Customer,
) -> None:
    result = await make_review(customer=customer, rating=2, body="Smaller than I hoped.")
    await log_in(client, carol)
    await client.post(
        f"/admin/reviews/{result.review.id}/reply",
        data={"csrf_token": await _token(client), "body": "We will swap it.", "visibility": "private"},
    )
    mail = await OutboxMessage.get(kind="private_reply")
    assert mail.to_address == customer.email
    assert mail.headers["Reply-To"] == settings.support_email
    assert "We will swap it." in mail.text_body
    assert await Reply.filter(review=result.review, is_public=False).exists()
    assert await AuditEntry.filter(action="review.reply").exists()


async def test_it_shows_a_field_error_for_a_private_reply_without_a_customer(
    client: httpx.AsyncClient, carol: StaffUser, make_review: ReviewMaker
) -> None:
    result = await make_review()
    await log_in(client, carol)
    response = await client.post(
        f"/admin/reviews/{result.review.id}/reply",
        data={"csrf_token": await _token(client), "body": "Hello", "visibility": "private"},
    )
    assert response.status_code == 400
    assert "no customer to mail" in response.text
    assert not await Reply.exists()


async def test_it_shows_the_edit_history(
    client: httpx.AsyncClient, settings: Settings, carol: StaffUser, make_review: ReviewMaker
) -> None:
    result = await make_review(title="First thoughts")
    await reviews.edit_review(settings, result.review, rating=4, title="Second thoughts", body="Still good.")
    await log_in(client, carol)
    page = await client.get(f"/admin/reviews/{result.review.id}")
    assert page.status_code == 200
    assert "Second thoughts" in page.text and "First thoughts" in page.text


async def test_it_answers_404_for_an_unknown_review(client: httpx.AsyncClient, carol: StaffUser) -> None:
    await log_in(client, carol)
    assert (await client.get("/admin/reviews/999")).status_code == 404
