"""Customer photos: checked by content, re-encoded without metadata, stored, moderated.

A photo is accepted when Pillow recognises it as JPEG, PNG or WebP (never by its file
name), it is at most `MAX_PHOTO_BYTES` and `MAX_PIXELS`. Re-encoding drops EXIF (GPS,
camera, dates), XMP and ICC data. Two WebP files are kept under `settings.media_dir`
with random names: a web size and a thumbnail.
"""

from __future__ import annotations

import re
import secrets
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import anyio.to_thread
from PIL import Image, ImageOps, UnidentifiedImageError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from hub.config import Settings
from hub.files import private_dir, write_private
from hub.links.models import LinkPurpose
from hub.links.tokens import LinkError, resolve_token
from hub.photos.models import Photo, PhotoStatus
from hub.reviews.aggregates import refresh_rating
from hub.reviews.models import Review
from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.urls import external_url
from hub.webhooks.events import emit, iso

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
WEB_SIZE = 1600
THUMB_SIZE = 320
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp"
MEDIA_NAME = re.compile(r"[A-Za-z0-9_-]{22}\.(?:webp|jpg)")
PHOTO_ACTIONS = {"approve": PhotoStatus.APPROVED, "reject": PhotoStatus.REJECTED}
PENDING_PAGE = 60

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class PhotoRejected(ValueError):
    """An upload the hub refuses; the message names the file and is shown to the customer."""


@dataclass(frozen=True, slots=True)
class PhotoUpload:
    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    web: bytes
    thumb: bytes
    width: int
    height: int


def shown_name(filename: str) -> str:
    return (filename.replace("\\", "/").rsplit("/", 1)[-1] or "photo")[:80]


def _decoded(upload: PhotoUpload) -> Image.Image:
    name = shown_name(upload.filename)
    if len(upload.data) > MAX_PHOTO_BYTES:
        raise PhotoRejected(f"{name} is larger than 10 MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(upload.data)) as probe:
                probe.verify()
            image = Image.open(BytesIO(upload.data))
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoRejected(f"{name} is not a JPEG, PNG or WebP image")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(f"{name} has too many pixels: the limit is 40 megapixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise PhotoRejected(f"{name} is not a JPEG, PNG or WebP image") from None
    return image


def _plain(image: Image.Image, longest: int) -> Image.Image:
    """A copy no larger than `longest` that carries pixels only: no EXIF, XMP or ICC."""
    sized = image.copy()
    sized.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    mode = "RGBA" if sized.mode in ("RGBA", "LA", "PA") or "transparency" in sized.info else "RGB"
    converted = sized.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _webp(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, "WEBP", quality=82, method=4)
    return out.getvalue()


def prepare_photo(upload: PhotoUpload) -> PreparedPhoto:
    """Check and re-encode one upload (CPU work: call it in a thread)."""
    image = ImageOps.exif_transpose(_decoded(upload))
    web, thumb = _plain(image, WEB_SIZE), _plain(image, THUMB_SIZE)
    return PreparedPhoto(_webp(web), _webp(thumb), web.width, web.height)


def prepare_all(uploads: list[PhotoUpload]) -> list[PreparedPhoto]:
    return [prepare_photo(upload) for upload in uploads]


async def prepare_photos(uploads: list[PhotoUpload]) -> list[PreparedPhoto]:
    """`prepare_photo` for each upload, off the event loop; `PhotoRejected` on the first bad one."""
    if not uploads:
        return []
    return await anyio.to_thread.run_sync(prepare_all, uploads)


def _write(media_dir: Path, data: bytes) -> str:
    name = secrets.token_urlsafe(16) + ".webp"
    write_private(media_dir / name, data)
    return name


def write_files(media_dir: Path, prepared: PreparedPhoto) -> tuple[str, str]:
    private_dir(media_dir)
    return _write(media_dir, prepared.web), _write(media_dir, prepared.thumb)


async def store_photos(
    settings: Settings, review: Review, prepared: list[PreparedPhoto], *, consent: bool, now: datetime
) -> list[Photo]:
    """Save the files and their rows: pending, or approved when the settings say so."""
    status = PhotoStatus.APPROVED if settings.auto_approve_photos else PhotoStatus.PENDING
    photos = []
    for item in prepared:
        web_name, thumb_name = await anyio.to_thread.run_sync(write_files, settings.media_dir, item)
        photos.append(
            await Photo.create(
                review=review,
                customer_id=review.customer_id,
                product_id=review.product_id,
                status=status.value,
                web_name=web_name,
                thumb_name=thumb_name,
                width=item.width,
                height=item.height,
                feature_consent_at=now if consent else None,
                moderated_at=now if status is PhotoStatus.APPROVED else None,
            )
        )
    if photos and status is PhotoStatus.APPROVED:
        await sync_review(review.id)
        for photo in photos:
            await emit("photo.approved", photo_data(settings, photo), now)
    return photos


async def set_feature_consent(review: Review, consent: bool, now: datetime) -> None:
    """Give (keeping the first date) or withdraw consent for all of a review's photos."""
    if consent:
        await Photo.filter(review=review, feature_consent_at=None).update(feature_consent_at=now)
    else:
        await Photo.filter(review=review).update(feature_consent_at=None)


def media_path(settings: Settings, name: str) -> Path | None:
    """The stored file called `name`, if the name is one of ours and the file exists."""
    if not MEDIA_NAME.fullmatch(name):
        return None
    path = settings.media_dir / name
    return path if path.is_file() else None


def _named(name: str) -> QuerySet[Photo]:
    return Photo.filter(Q(web_name=name) | Q(thumb_name=name))


async def public_media_path(settings: Settings, name: str) -> Path | None:
    """The file of an approved photo: a pending or rejected one is nobody's to see but the staff's."""
    path = media_path(settings, name)
    photo = await _named(name).first() if path is not None else None
    return path if photo is not None and photo.is_public else None


async def own_media_path(settings: Settings, raw_token: str, name: str) -> Path | None:
    """A photo the customer added through review link `raw_token`, pending too (not rejected)."""
    path = media_path(settings, name)
    try:
        token = await resolve_token(raw_token, LinkPurpose.REVIEW)
    except LinkError:
        return None
    if path is None or token.order_id is None:
        return None
    mine = _named(name).filter(review__order_id=token.order_id).exclude(status=PhotoStatus.REJECTED.value)
    return path if await mine.exists() else None


async def pending_photos() -> list[Photo]:
    return await (
        Photo.filter(status=PhotoStatus.PENDING.value)
        .exclude(web_name="")  # an imported photo waits for the worker to fetch it first
        .order_by("created_at", "id")
        .limit(PENDING_PAGE)
        .prefetch_related("product", "review")
    )


async def sync_review(review_id: int) -> None:
    """`Review.has_photos` and the product's photo count follow the approved photos."""
    approved = await Photo.public().filter(review_id=review_id).exists()
    await Review.filter(id=review_id).update(has_photos=approved)
    product_id = await Review.filter(id=review_id).first().values_list("product_id", flat=True)
    if product_id is not None:
        await refresh_rating(int(product_id))  # type: ignore[call-overload]


def photo_data(settings: Settings, photo: Photo) -> dict[str, Any]:
    """An approved photo: its ids, size and public address."""
    return {
        "photo": {
            "id": photo.id,
            "review_id": photo.review_id,
            "product_id": photo.product_id,
            "url": external_url(settings, "media", name=photo.web_name),
            "width": photo.width,
            "height": photo.height,
            "approved_at": iso(photo.moderated_at),
        }
    }


class PhotoGone(Exception):
    """A rejected photo's files are deleted: it cannot be approved any more."""


async def moderate_photo(
    settings: Settings, actor: StaffUser, photo_id: int, action: str, now: datetime | None = None
) -> Photo | None:
    """Approve or reject one photo and audit it; None when there is no such photo.

    Rejecting is final: the photo's files are deleted, so that a rejected picture is not
    left reachable at its address, and approving it afterwards raises `PhotoGone`.
    Rejecting it again changes nothing.
    """
    status = PHOTO_ACTIONS[action]
    async with in_transaction():
        photo = await Photo.filter(id=photo_id).select_for_update().first()
        if photo is None:
            return None
        was = photo.status
        if was == PhotoStatus.REJECTED.value and status != PhotoStatus.REJECTED:
            raise PhotoGone(photo_id)
        if was != status.value:
            photo.status, photo.moderated_at = status.value, now or datetime.now(UTC)
            await photo.save(update_fields=["status", "moderated_at"])
            if photo.review_id is not None:
                await sync_review(photo.review_id)
            await audit(actor, f"photo.{action}", "photo", photo.id)
            if photo.is_public:
                await emit("photo.approved", photo_data(settings, photo), photo.moderated_at)
    if status == PhotoStatus.REJECTED and was != status.value:
        delete_files(settings.media_dir, [photo])  # after the commit: a rollback keeps them
    await photo.fetch_related("product", "review")
    return photo


def delete_files(media_dir: Path, photos: Iterable[Photo]) -> None:
    """Remove the stored files of ``photos``; imported photos are links and have none."""
    for photo in photos:
        for name in (photo.web_name, photo.thumb_name):
            if name:
                (media_dir / Path(name).name).unlink(missing_ok=True)
