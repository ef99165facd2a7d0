"""The gallery shows approved photos with recorded consent only; sharing a photo without a review."""

from __future__ import annotations

from io import BytesIO

import httpx
import pytest
from hub.photos.models import Photo
from hub.reviews.models import Review
from PIL import Image

from hub.catalog.models import Customer, Order, OrderLine, Product
from hub.community.share import photo_share_link
from hub.config import Settings
from tests.community.conftest import NOW, STORE
from tests.conftest import csrf_from


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (800, 600), "teal").save(out, "PNG")
    return out.getvalue()


async def _photo(tent: Product, *, status: str, consent: bool, review_status: str = "published") -> Photo:
    review = await Review.create(product=tent, rating=5, body="Great", status=review_status, submitted_at=NOW)
    return await Photo.create(
        review=review,
        product=tent,
        status=status,
        web_name="a" * 22 + ".webp",
        thumb_name="b" * 22 + ".webp",
        feature_consent_at=NOW if consent else None,
    )


@pytest.mark.parametrize(
    ("status", "consent", "review_status", "shown"),
    [
        ("approved", True, "published", True),
        ("approved", False, "published", False),
        ("pending", True, "published", False),
        ("rejected", True, "published", False),
        ("approved", True, "rejected", False),
    ],
    ids=["approved-with-consent", "no-consent", "not-approved", "rejected", "review-not-published"],
)
async def test_only_approved_photos_with_consent_are_in_the_gallery(
    client: httpx.AsyncClient, tent: Product, status: str, consent: bool, review_status: str, shown: bool
) -> None:
    photo = await _photo(tent, status=status, consent=consent, review_status=review_status)
    for query in ("", "?product=tent-2p"):
        items = (await client.get(f"/api/v1/gallery{query}", headers={"Origin": STORE})).json()["items"]
        assert ([item["id"] for item in items] == [photo.id]) is shown
    fragment = await client.get("/widget/gallery")
    assert ("b" * 22 in fragment.text) is shown


async def test_each_gallery_photo_links_to_its_review_and_product(
    client: httpx.AsyncClient, tent: Product
) -> None:
    photo = await _photo(tent, status="approved", consent=True)
    item = (await client.get("/api/v1/gallery?product=tent-2p")).json()["items"][0]
    assert item["product"] == {
        "sku": "tent-2p",
        "name": "Two-person tent",
        "url": "https://shop.example/tent",
    }
    assert item["review"]["url"] == f"https://shop.example/tent#review-{photo.review_id}"  # type: ignore[attr-defined]
    assert item["thumb_url"].startswith("http://testserver/media/")


async def test_an_unknown_product_or_group_is_a_404(client: httpx.AsyncClient, tent: Product) -> None:
    assert (await client.get("/api/v1/gallery?product=nope")).status_code == 404
    assert (await client.get("/api/v1/gallery?group=nope")).status_code == 404


@pytest.fixture
async def share_path(settings: Settings, tent: Product) -> str:
    dana = await Customer.create(email="dana@example.net", name="Dana Buyer")
    order = await Order.create(source="api", external_id="1001", customer=dana, placed_at=NOW)
    await OrderLine.create(order=order, product=tent)
    return (await photo_share_link(settings, dana, order)).removeprefix("http://testserver")


async def test_a_customer_shares_a_photo_without_a_review(client: httpx.AsyncClient, share_path: str) -> None:
    assert "may show this photo" in (await client.get(share_path)).text
    token = await csrf_from(client, share_path)
    sent = await client.post(
        share_path,
        data={"consent": "yes", "csrf_token": token},
        files={"photo": ("tent.png", _png(), "image/png")},
    )
    assert sent.status_code == 200 and "once it has been checked" in sent.text
    photo = await Photo.get()
    assert photo.review_id is None and photo.status == "pending"  # type: ignore[attr-defined]
    assert photo.feature_consent_at is not None
    assert (await client.get("/api/v1/gallery")).json()["items"] == []


async def test_sharing_a_photo_asks_for_explicit_consent(client: httpx.AsyncClient, share_path: str) -> None:
    token = await csrf_from(client, share_path)
    sent = await client.post(
        share_path, data={"csrf_token": token}, files={"photo": ("tent.png", _png(), "image/png")}
    )
    assert sent.status_code == 400 and 'id="consent-error"' in sent.text
    assert not await Photo.exists()


async def test_a_file_that_is_not_an_image_is_refused(client: httpx.AsyncClient, share_path: str) -> None:
    token = await csrf_from(client, share_path)
    sent = await client.post(
        share_path,
        data={"consent": "yes", "csrf_token": token},
        files={"photo": ("tent.png", b"not an image", "image/png")},
    )
    assert sent.status_code == 400 and "is not a JPEG, PNG or WebP image" in sent.text


async def test_a_share_link_takes_six_photos_and_refuses_the_seventh_with_a_reason(
    client: httpx.AsyncClient, share_path: str
) -> None:
    token = await csrf_from(client, share_path)

    async def share() -> httpx.Response:
        return await client.post(
            share_path,
            data={"consent": "yes", "csrf_token": token},
            files={"photo": ("tent.png", _png(), "image/png")},
        )

    for _ in range(6):
        assert (await share()).status_code == 200
    seventh = await share()
    assert seventh.status_code == 400 and "the most one link accepts" in seventh.text
    assert await Photo.all().count() == 6
    page = await client.get(share_path)
    assert "the most one link accepts" in page.text and 'type="file"' not in page.text


async def test_a_photo_the_checks_refuse_does_not_count_against_the_link(
    client: httpx.AsyncClient, share_path: str
) -> None:
    token = await csrf_from(client, share_path)
    refused = await client.post(
        share_path,
        data={"consent": "yes", "csrf_token": token},
        files={"photo": ("tent.png", b"not an image", "image/png")},
    )
    assert refused.status_code == 400
    assert "takes 6 more photos" in (await client.get(share_path)).text


async def test_a_share_without_the_csrf_token_stores_nothing(
    client: httpx.AsyncClient, share_path: str, settings: Settings
) -> None:
    assert (await client.get(share_path)).status_code == 200
    sent = await client.post(
        share_path, data={"consent": "yes"}, files={"photo": ("tent.png", _png(), "image/png")}
    )
    assert sent.status_code == 403 and not await Photo.exists()
    assert not settings.media_dir.exists() or not any(settings.media_dir.iterdir())
