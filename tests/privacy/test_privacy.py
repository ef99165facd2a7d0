from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from click.testing import CliRunner

from hub.advocacy.models import Award, PointsEntry
from hub.catalog.models import Customer, Product
from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.photos.models import Photo
from hub.privacy.commands import customer_group
from hub.privacy.erasure import customer_data, erase_customer
from hub.reviews.models import ProductRating, Review, StoreReview
from hub.staff.models import AuditEntry, StaffUser
from hub.surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from hub.triage.models import Case
from tests.conftest import NOW, csrf_from, make_customer, make_order, make_product, make_review, run_sync

Login = Callable[[StaffUser], Any]


@dataclass
class Shop:
    dana: Customer
    erin: Customer
    tent: Product


async def _shop(settings: Settings) -> Shop:
    """Dana bought a tent, reviewed it with a photo, answered a survey and got mail; so did Erin."""
    dana, erin = await make_customer("Dana Buyer", email="dana@example.com"), await make_customer()
    tent = await make_product()
    order = await make_order(dana, tent)
    review = (
        await make_review(
            settings,
            tent,
            customer=dana,
            order=order,
            rating=2,
            body="The zip broke and water came in, I want a refund.",
        )
    ).review
    await make_review(settings, tent, customer=erin, rating=5)
    media = settings.media_dir
    media.mkdir(parents=True, exist_ok=True)
    (media / "web-dana.webp").write_bytes(b"x")
    await Photo.create(
        review=review, customer=dana, product=tent, status="approved", web_name="web-dana.webp", thumb_name=""
    )
    survey = await Survey.create(slug="post", name="After purchase")
    question = await SurveyQuestion.create(survey=survey, kind="text", prompt="Anything else?")
    response = await SurveyResponse.create(survey=survey, customer=dana, nps=3, submitted_at=NOW)
    await SurveyAnswer.create(response=response, question=question, text="I live at 1 Elm St")
    await OutboxMessage.create(
        kind="review_request",
        to_address=dana.email,
        customer=dana,
        subject="How was your tent?",
        text_body="secret body",
        html_body="",
        message_id="<m1@hub>",
        next_attempt_at=NOW,
    )
    await Award.create(customer=dana, badge="first_review")
    await PointsEntry.create(customer=dana, points=50, reason="review")
    await Review.filter(id=review.id).update(location="Leeds, UK", variant="2-person / green")
    await StoreReview.create(
        customer=dana,
        rating=4,
        body="Quick delivery",
        display_name="Dana B.",
        location="Leeds, UK",
        submitted_at=NOW,
    )
    return Shop(dana, erin, tent)


async def test_the_export_holds_everything_about_the_customer(settings: Settings, db: str) -> None:
    shop = await _shop(settings)
    data = await customer_data(shop.dana)
    assert data["customer"]["email"] == "dana@example.com"
    assert data["orders"][0]["lines"][0]["product__external_id"] == shop.tent.external_id
    assert [(r["rating"], r["location"], r["variant"]) for r in data["reviews"]] == [
        (2, "Leeds, UK", "2-person / green")
    ]
    assert [(r["body"], r["location"]) for r in data["store_reviews"]] == [("Quick delivery", "Leeds, UK")]
    assert data["photos"][0]["web_name"] == "web-dana.webp"
    assert data["survey_responses"][0]["answers"][0]["text"] == "I live at 1 Elm St"
    assert data["cases"][0]["events"] and data["cases"][0]["status"] == "open"
    assert data["messages"] == [
        {
            "id": data["messages"][0]["id"],
            "kind": "review_request",
            "subject": "How was your tent?",
            "status": "queued",
            "created_at": data["messages"][0]["created_at"],
            "sent_at": None,
        }
    ]
    assert data["awards"][0]["badge"] == "first_review" and data["points"][0]["points"] == 50
    assert data["referrals"] == {"codes": [], "referrals_made": []}
    json.dumps(data)


async def test_erasing_anonymises_and_keeps_the_rating_figures_right(settings: Settings, db: str) -> None:
    shop = await _shop(settings)
    report = await erase_customer(settings, None, shop.dana)
    dana = await Customer.get(id=shop.dana.id)
    assert (dana.email, dana.name, dana.external_id) == (f"erased-{dana.id}@invalid", "", None)
    assert dana.erased_at and dana.unsubscribed_at and not dana.accepts("review_requests")
    review = await Review.get(rating=2)
    assert (review.customer_id, review.display_name) == (None, "Former customer")  # type: ignore[attr-defined]
    assert review.body.startswith("The zip broke") and review.location == ""
    store = await StoreReview.get()
    assert (store.customer_id, store.display_name, store.location) == (None, "Former customer", "")  # type: ignore[attr-defined]
    assert not await Photo.exists() and not (settings.media_dir / "web-dana.webp").exists()
    assert await SurveyAnswer.get().values_list("text", flat=True) == ""
    assert not await OutboxMessage.exists()
    rating = await ProductRating.get(product=shop.tent)
    assert (rating.count, rating.rating_sum, rating.photo_count) == (2, 7, 0)
    assert (report.reviews, report.photos, report.messages_deleted) == (1, 1, 1)
    entry = await AuditEntry.get(action="customer.erase")
    assert entry.target_id == str(dana.id) and "dana@example.com" not in json.dumps(entry.detail)


async def test_erasing_with_delete_reviews_recounts_the_rating(settings: Settings, db: str) -> None:
    shop = await _shop(settings)
    await erase_customer(settings, None, shop.dana, delete_reviews=True)
    assert await Review.all().values_list("rating", flat=True) == [5]
    assert not await StoreReview.exists()
    rating = await ProductRating.get(product=shop.tent)
    assert (rating.count, rating.rating_sum) == (1, 5)
    assert await Case.filter(review_id=None).exists()
    assert await Customer.filter(id=shop.erin.id, erased_at=None).exists()


def _env(settings: Settings) -> dict[str, str]:
    return {
        "HUB_DATA_DIR": str(settings.data_dir),
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_SECRET_KEY": settings.secret_key,
    }


def test_the_erase_command_asks_for_confirmation(settings: Settings) -> None:
    run_sync(settings.database_url, lambda: _shop(settings))
    refused = CliRunner().invoke(
        customer_group, ["erase", "dana@example.com"], input="n\n", env=_env(settings)
    )
    assert refused.exit_code == 1 and "This cannot be undone" in refused.output
    assert run_sync(settings.database_url, lambda: Customer.filter(erased_at=None).count()) == 2
    done = CliRunner().invoke(customer_group, ["erase", "dana@example.com", "--yes"], env=_env(settings))
    assert done.exit_code == 0, done.output
    assert "1 reviews anonymised, 1 photos deleted" in done.stdout
    missing = CliRunner().invoke(customer_group, ["erase", "dana@example.com", "--yes"], env=_env(settings))
    assert missing.exit_code == 1 and "No customer has this email address." in missing.output


def test_the_export_command_prints_json_and_audits_by_id(settings: Settings) -> None:
    shop = run_sync(settings.database_url, lambda: _shop(settings))
    result = CliRunner().invoke(customer_group, ["export", "Dana@Example.com"], env=_env(settings))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["customer"]["id"] == shop.dana.id
    entry = run_sync(settings.database_url, lambda: AuditEntry.get(action="customer.export"))
    assert (entry.target_type, entry.target_id) == ("customer", str(shop.dana.id))


async def test_an_admin_finds_exports_and_erases_a_customer_on_the_privacy_pages(
    client: httpx.AsyncClient, alice: StaffUser, login: Login, settings: Settings
) -> None:
    shop = await _shop(settings)
    await login(alice)
    token = await csrf_from(client, "/admin/privacy")
    found = await client.post("/admin/privacy", data={"email": "DANA@example.com", "csrf_token": token})
    page_url = f"/admin/customers/{shop.dana.id}/privacy"
    assert found.status_code == 303 and found.headers["location"] == page_url
    download = await client.get(page_url + "/export")
    assert download.json()["customer"]["email"] == "dana@example.com"
    assert "attachment" in download.headers["content-disposition"]
    unconfirmed = await client.post(page_url + "/erase", data={"csrf_token": token, "confirm": "yes"})
    assert unconfirmed.status_code == 400 and "Type ERASE to confirm." in unconfirmed.text
    erased = await client.post(page_url + "/erase", data={"csrf_token": token, "confirm": "ERASE"})
    assert erased.status_code == 303
    assert (await Customer.get(id=shop.dana.id)).erased_at is not None
    actions = (
        await AuditEntry.filter(actor=alice, target_type="customer")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["customer.export", "customer.erase"]


async def test_an_unknown_email_is_reported_next_to_the_field(
    client: httpx.AsyncClient, alice: StaffUser, login: Login
) -> None:
    await login(alice)
    token = await csrf_from(client, "/admin/privacy")
    page = await client.post("/admin/privacy", data={"email": "nobody@example.com", "csrf_token": token})
    assert page.status_code == 404 and 'id="email-error"' in page.text


async def test_agents_cannot_open_the_privacy_pages(
    client: httpx.AsyncClient, bob: StaffUser, login: Login, settings: Settings
) -> None:
    shop = await _shop(settings)
    await login(bob)
    assert (await client.get("/admin/privacy")).status_code == 403
    assert (await client.get(f"/admin/customers/{shop.dana.id}/privacy/export")).status_code == 403
