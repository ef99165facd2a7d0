"""The review form of a review link: posting with and without htmx, editing, and its limits.

Dana bought a tent and a mug and follows her invitation link; Erin (an outsider) bought
the same tent and a lantern in another order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from hub.catalog.models import Customer, Order, Product
from hub.config import Settings
from hub.intake.form import display_names
from hub.invites.models import Invitation, InvitationStatus
from hub.links.models import LinkPurpose
from hub.links.tokens import issue_token
from hub.reviews.models import Review, ReviewRevision
from hub.web.ratelimit import limiter
from tests.conftest import csrf_from, make_customer, make_order

CLEAN = "Pitched it in five minutes and it stayed dry through a night of heavy rain."


@dataclass(frozen=True)
class Link:
    raw: str
    order: Order
    products: tuple[Product, ...]
    invitation: Invitation

    @property
    def path(self) -> str:
        return f"/r/{self.raw}"


async def make_link(email: str, name: str, number: str, products: list[Product]) -> Link:
    buyer = await make_customer(name, email=email)
    placed = datetime.now(UTC) - timedelta(days=9)
    order = await make_order(buyer, *products, external_id=number, placed_at=placed)
    invitation = await Invitation.create(
        order=order, customer=buyer, status="sent", send_at=datetime.now(UTC) - timedelta(days=1)
    )
    raw = await issue_token(
        LinkPurpose.REVIEW, customer=buyer, order=order, invitation=invitation, ttl=timedelta(days=90)
    )
    return Link(raw, order, tuple(products), invitation)


@pytest.fixture
async def dana(db: str, tent: Product) -> Link:
    """Dana's link: her order of a tent and a mug."""
    mug = await Product.create(external_id="mug", name="Camp Mug")
    return await make_link("dana@example.com", "Dana Buyer", "1001", [tent, mug])


@pytest.fixture
async def erin(db: str, tent: Product) -> Link:
    """Erin's link: her order of the same tent and a lantern."""
    lantern = await Product.create(external_id="lantern", name="Lantern")
    return await make_link("erin@example.com", "Erin Outsider", "2002", [tent, lantern])


async def send(
    client: httpx.AsyncClient,
    link: Link,
    product: Product,
    *,
    htmx: bool = False,
    files: list[tuple[str, Any]] | None = None,
    **fields: str,
) -> httpx.Response:
    """Post one product's form as the browser would; `fields` without their product suffix."""
    values = {"rating": "5", "title": "Great tent", "body": CLEAN, **fields}
    data = {
        "csrf_token": await csrf_from(client, link.path),
        "product_id": str(product.id),
        **{f"{key}-{product.id}": value for key, value in values.items()},
    }
    headers = {"HX-Request": "true"} if htmx else {}
    return await client.post(link.path, data=data, files=files, headers=headers)


async def test_a_review_without_javascript_is_stored_and_redirected_back_to_the_form(
    client: httpx.AsyncClient, dana: Link
) -> None:
    tent = dana.products[0]
    answer = await send(client, dana, tent)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{dana.path}?saved={tent.id}#product-{tent.id}"
    review = await Review.get(order_id=dana.order.id, product_id=tent.id)
    assert (review.rating, review.title, review.body) == (5, "Great tent", CLEAN)
    assert review.verified_buyer and review.source == "invitation"
    assert review.invitation_id == dana.invitation.id  # type: ignore[attr-defined]
    page = await client.get(answer.headers["location"])
    assert "Thanks, your review of Trail Tent is saved." in page.text
    assert 'value="Great tent"' in page.text and "Save my changes" in page.text


async def test_the_last_review_of_the_order_completes_the_invitation(
    client: httpx.AsyncClient, dana: Link
) -> None:
    first = await send(client, dana, dana.products[0])
    assert (await Invitation.get(id=dana.invitation.id)).completed_at is None
    last = await send(client, dana, dana.products[1], title="Good mug")
    invitation = await Invitation.get(id=dana.invitation.id)
    assert invitation.completed_at is not None and invitation.status == InvitationStatus.COMPLETED
    thanks = f"{dana.path}/thanks"
    assert last.headers["location"] == thanks
    assert first.headers["location"] != thanks


async def test_the_first_review_of_an_order_sends_one_thank_you_with_photo_and_profile_links(
    client: httpx.AsyncClient, dana: Link
) -> None:
    from hub.mail.models import OutboxMessage

    await send(client, dana, dana.products[0])
    await send(client, dana, dana.products[1], title="Good mug")
    await send(client, dana, dana.products[0], title="Great tent, still")
    [mail] = await OutboxMessage.filter(kind="review_thanks")
    assert mail.to_address == "dana@example.com" and "Thank you for your review" in mail.subject
    assert "http://testserver/share/" in mail.text_body and "http://testserver/profile/" in mail.text_body
    assert "List-Unsubscribe" in mail.headers


async def test_no_thank_you_goes_to_a_customer_who_turned_thanks_off(
    client: httpx.AsyncClient, dana: Link
) -> None:
    from hub.mail.models import OutboxMessage

    await Customer.filter(id=dana.order.customer_id).update(mail_opt_outs=["thanks"])  # type: ignore[attr-defined]
    await send(client, dana, dana.products[0])
    assert not await OutboxMessage.filter(kind="review_thanks").exists()


async def test_an_htmx_post_answers_with_the_product_section_and_no_redirect(
    client: httpx.AsyncClient, dana: Link
) -> None:
    tent = dana.products[0]
    answer = await send(client, dana, tent, htmx=True)
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith(f'<section class="review-product" id="product-{tent.id}"')
    assert "<html" not in answer.text
    assert "Thanks, your review of Trail Tent is saved." in answer.text
    assert await Review.filter(order_id=dana.order.id).count() == 1


async def test_the_last_htmx_post_offers_the_way_to_the_thanks_page(
    client: httpx.AsyncClient, dana: Link
) -> None:
    first = await send(client, dana, dana.products[0], htmx=True)
    last = await send(client, dana, dana.products[1], htmx=True, title="Good mug")
    thanks = f'href="{dana.path}/thanks"'
    assert thanks not in first.text and thanks in last.text


INVALID = [
    ({"rating": ""}, "rating", "Choose from 1 to 5 stars."),
    ({"rating": "6"}, "rating", "Choose from 1 to 5 stars."),
    ({"title": "t" * 151}, "title", "The title is 151 characters long; the limit is 150."),
    ({"body": "b" * 5001}, "body", "The review is 5001 characters long; the limit is 5000."),
]


@pytest.mark.parametrize(("fields", "name", "error"), INVALID)
async def test_an_invalid_review_is_shown_again_with_the_error_beside_the_field(
    client: httpx.AsyncClient, dana: Link, fields: dict[str, str], name: str, error: str
) -> None:
    tent = dana.products[0]
    answer = await send(client, dana, tent, **fields)
    assert answer.status_code == 400
    error_id = f"{name}-{tent.id}-error"
    assert f'<p class="field-error" id="{error_id}">{error}</p>' in answer.text
    assert re.search(rf'aria-describedby="[^"]*{error_id}"', answer.text)
    assert 'aria-invalid="true"' in answer.text
    assert "<html" in answer.text and "Camp Mug" in answer.text
    assert not await Review.exists()


@pytest.mark.parametrize(("fields", "name", "error"), INVALID[2:])
async def test_an_invalid_htmx_post_swaps_in_the_section_with_its_errors(
    client: httpx.AsyncClient, dana: Link, fields: dict[str, str], name: str, error: str
) -> None:
    answer = await send(client, dana, dana.products[0], htmx=True, **fields)
    assert answer.status_code == 200
    assert error in answer.text and "<html" not in answer.text
    assert fields[name] in answer.text


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("title", "t" * 151, "The title is 151 characters long; the limit is 150."),
        ("body", "b" * 5001, "The review is 5001 characters long; the limit is 5000."),
        ("title", "Fine", None),
    ],
)
async def test_inline_validation_answers_with_the_field_and_its_error(
    client: httpx.AsyncClient, dana: Link, name: str, value: str, error: str | None
) -> None:
    tent = dana.products[0]
    data = {
        "csrf_token": await csrf_from(client, dana.path),
        "product_id": str(tent.id),
        f"{name}-{tent.id}": value,
    }
    answer = await client.post(
        f"{dana.path}/validate?field={name}", data=data, headers={"HX-Request": "true"}
    )
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith(f'<div class="field" id="field-{name}-{tent.id}">')
    assert ("aria-invalid" in answer.text) is (error is not None)
    if error:
        assert f'id="{name}-{tent.id}-error">{error}</p>' in answer.text
    assert not await Review.exists()


async def test_a_second_post_edits_the_review_and_keeps_its_history(
    client: httpx.AsyncClient, dana: Link
) -> None:
    tent = dana.products[0]
    await send(client, dana, tent)
    answer = await send(client, dana, tent, rating="3", title="Good, not great")
    assert answer.status_code == 303
    review = await Review.get(order_id=dana.order.id, product_id=tent.id)
    assert (review.rating, review.title, review.edited_at is not None) == (3, "Good, not great", True)
    assert await Review.filter(order_id=dana.order.id).count() == 1
    assert [r.title for r in await ReviewRevision.filter(review=review)] == ["Great tent"]


async def test_after_30_days_the_review_is_read_only(client: httpx.AsyncClient, dana: Link) -> None:
    tent = dana.products[0]
    await send(client, dana, tent)
    await Review.filter(order_id=dana.order.id).update(submitted_at=datetime.now(UTC) - timedelta(days=31))
    page = await client.get(dana.path)
    assert "can no longer be changed" in page.text
    assert f'name="title-{tent.id}"' not in page.text and f'name="title-{dana.products[1].id}"' in page.text
    refused = await send(client, dana, tent, title="Changed my mind")
    assert refused.status_code == 403 and "can no longer be changed" in refused.text
    assert (await Review.get(order_id=dana.order.id)).title == "Great tent"


async def test_a_product_from_another_order_is_not_found(
    client: httpx.AsyncClient, dana: Link, erin: Link
) -> None:
    lantern = erin.products[1]
    assert (await send(client, dana, lantern)).status_code == 404
    assert not await Review.exists()


async def test_a_link_for_one_order_cannot_touch_the_review_of_another(
    client: httpx.AsyncClient, dana: Link, erin: Link
) -> None:
    tent = dana.products[0]
    await send(client, erin, tent, title="Erin's tent")
    await send(client, dana, tent, title="Dana's tent", rating="2")
    erins = await Review.get(order_id=erin.order.id, product_id=tent.id)
    danas = await Review.get(order_id=dana.order.id, product_id=tent.id)
    assert (erins.title, erins.rating, erins.edited_at) == ("Erin's tent", 5, None)
    assert (danas.title, danas.rating) == ("Dana's tent", 2)


@pytest.mark.parametrize(
    ("style", "shown"),
    [
        ("initial", "Dana B."),
        ("first", "Dana"),
        ("anonymous", "Anonymous"),
    ],
)
async def test_the_customer_chooses_how_the_name_is_shown(
    client: httpx.AsyncClient, dana: Link, style: str, shown: str
) -> None:
    await send(client, dana, dana.products[0], name_style=style)
    assert (await Review.get()).display_name == shown


@pytest.mark.parametrize(
    ("full_name", "initial", "first"),
    [
        ("Dana Buyer", "Dana B.", "Dana"),
        ("  dana   de la buyer ", "dana B.", "dana"),
        ("Cher", "Cher", "Cher"),
        ("", "Anonymous", "Anonymous"),
        ("X" * 200 + " Long", "X" * 77 + " L.", "X" * 77),
    ],
)
def test_each_name_style_shows_the_name_its_own_way(full_name: str, initial: str, first: str) -> None:
    assert display_names(full_name) == {"initial": initial, "first": first, "anonymous": "Anonymous"}


async def test_first_name_and_initial_is_the_default_name(client: httpx.AsyncClient, dana: Link) -> None:
    page = await client.get(dana.path)
    tent = dana.products[0]
    assert re.search(rf'id="name-{tent.id}-initial"[^>]*checked', page.text)
    assert "Leave this empty" in page.text and 'tabindex="-1" autocomplete="off"' in page.text


async def test_a_filled_honeypot_stores_the_review_as_spam(client: httpx.AsyncClient, dana: Link) -> None:
    await send(client, dana, dana.products[0], website="http://cheap.example")
    assert (await Review.get()).status == "spam"


@pytest.mark.parametrize(("htmx", "status"), [(False, 429), (True, 200)])
async def test_too_many_reviews_from_one_address_are_refused_with_a_readable_message(
    client: httpx.AsyncClient, settings: Settings, dana: Link, htmx: bool, status: int
) -> None:
    while limiter.allows(settings.rate_limits, "review_ip", "127.0.0.1"):
        pass  # this address has sent its reviews for the window
    answer = await send(client, dana, dana.products[0], htmx=htmx)
    assert answer.status_code == status
    assert "Too many reviews from this address; try again later." in answer.text
    assert not await Review.exists()


async def test_a_post_without_the_csrf_token_is_refused(client: httpx.AsyncClient, dana: Link) -> None:
    tent = dana.products[0]
    await client.get(dana.path)
    answer = await client.post(dana.path, data={"product_id": str(tent.id), f"rating-{tent.id}": "5"})
    assert answer.status_code == 403
    assert not await Review.exists()


async def test_the_page_lists_each_product_with_its_own_multipart_form(
    client: httpx.AsyncClient, dana: Link
) -> None:
    page = await client.get(dana.path)
    assert page.text.count('enctype="multipart/form-data"') == 2
    assert page.text.count('hx-encoding="multipart/form-data"') == 2
    assert 'src="https://shop.example/tent.jpg"' in page.text
    assert 'accept="image/jpeg,image/png,image/webp" multiple' in page.text
    assert re.search(r'<input type="checkbox" id="consent-\d+" name="consent-\d+" value="yes">', page.text)
