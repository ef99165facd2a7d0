"""Customer photos: checked by content, stripped of metadata, resized, moderated, served."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

import httpx
import pytest
from PIL import Image

from hub.catalog.models import Product
from hub.config import Settings
from hub.photos.models import Photo
from hub.photos.uploads import MEDIA_NAME, PhotoRejected, PhotoUpload, prepare_photo
from hub.reviews.models import ProductRating, Review
from hub.staff.models import AuditEntry, StaffUser
from tests.conftest import csrf_from
from tests.intake.test_review_form import Link, dana, send

__all__ = ["dana"]

GPS_IFD = 0x8825


def image_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (800, 600), mode: str = "RGB", **save: object
) -> bytes:
    out = BytesIO()
    Image.new(mode, size, "teal" if mode != "1" else 1).save(out, fmt, **save)  # type: ignore[arg-type]
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (52.0, 22.0, 1.0), 3: "E", 4: (4.0, 53.0, 2.0)}
    return image_bytes(exif=exif)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A small 1-bit PNG of `width`×`height` blank pixels: kilobytes on disk."""
    packer = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_it_accepts_each_image_format_by_its_content(fmt: str) -> None:
    prepared = prepare_photo(PhotoUpload("holiday.dat", image_bytes(fmt)))
    assert (prepared.width, prepared.height) == (800, 600)
    assert Image.open(BytesIO(prepared.web)).format == "WEBP"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("photo.jpg", b"I am a text file, honestly.\n" * 10, "photo.jpg is not a JPEG, PNG or WebP image"),
        ("anim.gif", image_bytes("GIF"), "anim.gif is not a JPEG, PNG or WebP image"),
        ("cut.jpg", image_bytes()[:400], "cut.jpg is not a JPEG, PNG or WebP image"),
        ("huge.jpg", b"\xff\xd8" + bytes(10 * 1024 * 1024), "huge.jpg is larger than 10 MB"),
        ("bomb.png", png_declaring(20000, 20000), "bomb.png has too many pixels: the limit is 40 megapixels"),
        ("big.png", png_declaring(7000, 7000), "big.png has too many pixels: the limit is 40 megapixels"),
    ],
)
def test_it_refuses_what_is_not_a_safe_image_with_a_clear_message(
    name: str, data: bytes, reason: str
) -> None:
    with pytest.raises(PhotoRejected) as refused:
        prepare_photo(PhotoUpload(name, data))
    assert str(refused.value) == reason


def test_the_bomb_is_small_on_disk() -> None:
    assert len(png_declaring(20000, 20000)) < 200_000


def test_it_removes_exif_and_gps_data() -> None:
    original = jpeg_with_gps()
    assert Image.open(BytesIO(original)).getexif().get_ifd(GPS_IFD)
    prepared = prepare_photo(PhotoUpload("gps.jpg", original))
    for data in (prepared.web, prepared.thumb):
        stored = Image.open(BytesIO(data))
        assert not stored.getexif() and "exif" not in stored.info and "xmp" not in stored.info
        assert b"PhoneMaker" not in data


@pytest.mark.parametrize(
    ("size", "web", "thumb"),
    [
        ((4000, 3000), (1600, 1200), (320, 240)),
        ((900, 2400), (600, 1600), (120, 320)),
        ((200, 100), (200, 100), (200, 100)),
    ],
)
def test_it_stores_a_web_size_and_a_thumbnail(
    size: tuple[int, int], web: tuple[int, int], thumb: tuple[int, int]
) -> None:
    prepared = prepare_photo(PhotoUpload("big.png", image_bytes("PNG", size)))
    assert Image.open(BytesIO(prepared.web)).size == web == (prepared.width, prepared.height)
    assert Image.open(BytesIO(prepared.thumb)).size == thumb


def test_it_turns_the_photo_the_way_the_camera_held_it() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise
    prepared = prepare_photo(PhotoUpload("turned.jpg", image_bytes(size=(400, 300), exif=exif)))
    assert (prepared.width, prepared.height) == (300, 400)


def _photo_files(name: str, data: bytes, product: Product, count: int = 1) -> list[tuple[str, object]]:
    return [(f"photos-{product.id}", (name, data, "image/jpeg")) for _ in range(count)]


async def test_an_uploaded_photo_waits_for_a_moderator(
    client: httpx.AsyncClient, dana: Link, settings: Settings
) -> None:
    tent = dana.products[0]
    answer = await send(client, dana, tent, files=_photo_files("me.jpg", jpeg_with_gps(), tent))
    assert answer.status_code == 303
    photo = await Photo.get()
    review = await Review.get()
    assert photo.review_id == review.id and photo.status == "pending"  # type: ignore[attr-defined]
    assert photo.feature_consent_at is None and not review.has_photos
    for name in (photo.web_name, photo.thumb_name):
        assert MEDIA_NAME.fullmatch(name)
        assert b"PhoneMaker" not in (settings.media_dir / name).read_bytes()
    page = await client.get(answer.headers["location"])
    assert "Waiting for a moderator" in page.text and photo.thumb_name in page.text


async def test_photos_are_approved_at_once_when_the_setting_says_so(
    client: httpx.AsyncClient, dana: Link, app: object, settings: Settings
) -> None:
    app.state.settings = settings.with_overrides(auto_approve_photos=True)  # type: ignore[attr-defined]
    tent = dana.products[0]
    await send(client, dana, tent, consent="yes", files=_photo_files("me.png", image_bytes("PNG"), tent))
    photo = await Photo.get()
    assert photo.status == "approved" and photo.feature_consent_at is not None
    assert (await Review.get()).has_photos
    assert (await ProductRating.get(product_id=tent.id)).photo_count == 1


async def test_a_text_file_named_jpg_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, dana: Link
) -> None:
    tent = dana.products[0]
    answer = await send(client, dana, tent, files=_photo_files("photo.jpg", b"not an image", tent))
    assert answer.status_code == 400
    assert "photo.jpg is not a JPEG, PNG or WebP image." in answer.text
    assert f'id="photos-{tent.id}-error"' in answer.text
    assert not await Review.exists() and not await Photo.exists()


async def test_a_review_holds_at_most_five_photos(client: httpx.AsyncClient, dana: Link) -> None:
    tent = dana.products[0]
    await send(client, dana, tent, files=_photo_files("a.jpg", image_bytes(size=(64, 64)), tent, 4))
    answer = await send(client, dana, tent, files=_photo_files("b.jpg", image_bytes(size=(64, 64)), tent, 2))
    assert answer.status_code == 400 and "Add at most 5 photos to a review." in answer.text
    assert await Photo.filter().count() == 4


async def test_consent_to_feature_photos_can_be_withdrawn(client: httpx.AsyncClient, dana: Link) -> None:
    tent = dana.products[0]
    await send(client, dana, tent, consent="yes", files=_photo_files("a.jpg", image_bytes(), tent))
    assert (await Photo.get()).feature_consent_at is not None
    await send(client, dana, tent)
    assert (await Photo.get()).feature_consent_at is None


async def _stored_photo(client: httpx.AsyncClient, dana: Link) -> Photo:
    tent = dana.products[0]
    await send(client, dana, tent, files=_photo_files("a.jpg", image_bytes(), tent))
    return await Photo.get()


async def test_media_is_served_with_long_cache_headers(client: httpx.AsyncClient, dana: Link) -> None:
    photo = await _stored_photo(client, dana)
    await Photo.filter(id=photo.id).update(status="approved")
    answer = await client.get(f"/media/{photo.thumb_name}")
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/webp"
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert Image.open(BytesIO(answer.content)).size == (320, 240)


@pytest.mark.parametrize("name", ["x" * 22 + ".webp", "secret_key", "..%2Fsecret_key", "a.png"])
async def test_only_stored_media_names_are_served(client: httpx.AsyncClient, name: str) -> None:
    assert (await client.get(f"/media/{name}")).status_code == 404


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        ("admin", 200),
        ("moderator", 200),
        ("agent moderator", 200),
        ("agent", 403),
    ],
)
async def test_photo_moderation_is_for_moderators_and_admins(
    client: httpx.AsyncClient, dana: Link, login: object, password_hash: str, roles: str, status: int
) -> None:
    photo = await _stored_photo(client, dana)
    user = await StaffUser.create(email="staff@example.com", roles=roles, password_hash=password_hash)
    await login(user)  # type: ignore[operator]
    page = await client.get("/admin/photos")
    assert page.status_code == status
    assert (photo.thumb_name in page.text) is (status == 200)
    refused = await client.post(
        f"/admin/photos/{photo.id}/approve", data={"csrf_token": await csrf_from(client, dana.path)}
    )
    assert (refused.status_code == 403) is (status == 403)


async def test_photo_moderation_asks_strangers_to_log_in(client: httpx.AsyncClient) -> None:
    answer = await client.get("/admin/photos")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


async def test_approving_a_photo_inline_shows_it_under_the_review(
    client: httpx.AsyncClient, dana: Link, login: object, carol: StaffUser
) -> None:
    photo = await _stored_photo(client, dana)
    await login(carol)  # type: ignore[operator]
    token = await csrf_from(client, "/admin/photos")
    answer = await client.post(
        f"/admin/photos/{photo.id}/approve", data={"csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert answer.status_code == 200 and 'id="photo-' in answer.text and "approved" in answer.text
    assert "<html" not in answer.text
    assert (await Photo.get()).status == "approved" and (await Review.get()).has_photos
    assert (await ProductRating.get(product_id=dana.products[0].id)).photo_count == 1
    entry = await AuditEntry.get(action="photo.approve")
    assert (entry.target_id, entry.actor_label) == (str(photo.id), carol.email)


async def test_rejecting_a_photo_without_javascript_goes_back_to_the_queue(
    client: httpx.AsyncClient, dana: Link, login: object, carol: StaffUser
) -> None:
    photo = await _stored_photo(client, dana)
    await login(carol)  # type: ignore[operator]
    token = await csrf_from(client, "/admin/photos")
    answer = await client.post(f"/admin/photos/{photo.id}/reject", data={"csrf_token": token})
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/photos"
    assert (await Photo.get()).status == "rejected" and not (await Review.get()).has_photos
    assert await AuditEntry.exists(action="photo.reject", target_id=str(photo.id))
    assert photo.thumb_name not in (await client.get("/admin/photos")).text


async def test_a_rejected_photo_is_no_longer_served_and_stays_rejected(
    client: httpx.AsyncClient, dana: Link, login: object, carol: StaffUser
) -> None:
    photo = await _stored_photo(client, dana)
    await login(carol)  # type: ignore[operator]
    assert (await client.get(f"/admin/photos/media/{photo.web_name}")).status_code == 200
    token = await csrf_from(client, "/admin/photos")
    await client.post(f"/admin/photos/{photo.id}/reject", data={"csrf_token": token})
    for name in (photo.web_name, photo.thumb_name):
        assert (await client.get(f"/media/{name}")).status_code == 404
        assert (await client.get(f"/admin/photos/media/{name}")).status_code == 404
    form = (await client.get(dana.path)).text  # the customer's own page says so, without a broken image
    assert "Not shown" in form and photo.thumb_name not in form
    # Its files are gone, so approving it later is refused, and says why.
    again = await client.post(f"/admin/photos/{photo.id}/approve", data={"csrf_token": token})
    assert again.status_code == 409 and "cannot be approved" in again.text
    assert (await Photo.get()).status == "rejected" and not (await Review.get()).has_photos
    assert not await AuditEntry.exists(action="photo.approve")
    # Rejecting it twice is harmless and audited once.
    twice = await client.post(f"/admin/photos/{photo.id}/reject", data={"csrf_token": token})
    assert twice.status_code == 303 and await AuditEntry.filter(action="photo.reject").count() == 1


async def test_moderating_needs_the_csrf_token(
    client: httpx.AsyncClient, dana: Link, login: object, carol: StaffUser
) -> None:
    photo = await _stored_photo(client, dana)
    await login(carol)  # type: ignore[operator]
    answer = await client.post(f"/admin/photos/{photo.id}/approve", data={})
    assert answer.status_code == 403 and (await Photo.get()).status == "pending"
