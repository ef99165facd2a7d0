"""Sharing a photo without a review: the link of the thank-you mail.

The photo goes through the review photo checks (`prepare_photos`), waits for a moderator
like any review photo, and carries the time the customer allowed featuring it. One link
takes at most `PHOTOS_PER_LINK` photos, so that it cannot flood the moderators or the disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import anyio.to_thread

from hub.catalog.models import Customer, Order, Product
from hub.config import Settings
from hub.links.models import LinkPurpose, LinkToken
from hub.links.tokens import LinkUnknown, issue_token, resolve_token
from hub.photos.models import Photo, PhotoStatus
from hub.photos.uploads import PhotoUpload, prepare_photos, write_files
from hub.text.normalise import SubmissionError
from hub.urls import external_url

PHOTOS_PER_LINK = 6
LINK_FULL = (
    f"This link has taken its {PHOTOS_PER_LINK} photos, the most one link accepts. Thank you for them!"
)


@dataclass(frozen=True, slots=True)
class ShareVisit:
    customer: Customer
    products: list[Product]
    token: LinkToken

    @property
    def photos_left(self) -> int:
        return max(PHOTOS_PER_LINK - self.token.uploads, 0)


async def photo_share_link(settings: Settings, customer: Customer, order: Order) -> str:
    """A fresh link to share a photo of `order`'s products, for the thank-you mail."""
    raw = await issue_token(LinkPurpose.PHOTO_SHARE, customer=customer, order=order)
    return external_url(settings, "photo_share", token=raw)


async def open_share_link(raw: str, now: datetime) -> ShareVisit:
    """`LinkUnknown` or `LinkExpired` for a link that opens nothing."""
    token = await resolve_token(raw, LinkPurpose.PHOTO_SHARE, now=now)
    customer = await Customer.get_or_none(id=token.customer_id, erased_at=None)
    if customer is None or token.order_id is None:
        raise LinkUnknown
    products = await Product.filter(order_lines__order_id=token.order_id).order_by("name", "id")
    return ShareVisit(customer, products, token)


def _chosen(visit: ShareVisit, product_id: int | None) -> Product:
    for product in visit.products:
        if product.id == product_id or (product_id is None and len(visit.products) == 1):
            return product
    raise SubmissionError("product", "choose one of the products you bought")


async def share_photo(
    settings: Settings,
    visit: ShareVisit,
    *,
    product_id: int | None,
    upload: PhotoUpload | None,
    consent: bool,
    now: datetime,
) -> Photo:
    """Check, store and queue one photo for moderation (`SubmissionError`, `PhotoRejected`).

    The link's count is taken after the photo passed its checks: a refused file costs nothing.
    """
    product = _chosen(visit, product_id)
    if upload is None or not upload.data:
        raise SubmissionError("photo", "choose a photo to share")
    if not consent:
        raise SubmissionError("consent", "tick the box to let us show your photo")
    if not visit.photos_left:
        raise SubmissionError("photo", LINK_FULL)
    prepared = (await prepare_photos([upload]))[0]
    if not await visit.token.take_upload(PHOTOS_PER_LINK):  # another upload took the last one
        raise SubmissionError("photo", LINK_FULL)
    web_name, thumb_name = await anyio.to_thread.run_sync(write_files, settings.media_dir, prepared)
    approved = settings.auto_approve_photos
    return await Photo.create(
        customer=visit.customer,
        product=product,
        web_name=web_name,
        thumb_name=thumb_name,
        width=prepared.width,
        height=prepared.height,
        feature_consent_at=now,
        status=(PhotoStatus.APPROVED if approved else PhotoStatus.PENDING).value,
        moderated_at=now if approved else None,
    )
