"""The review form of a review link: reading it, checking it, saving it, and its sections.

Each product of the order has its own section and form. Field names carry the product
id (`title-12`) so that ids stay unique on a page with several products. A review may be
edited through the same link for `EDIT_WINDOW` after it was first sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from hub.advocacy.review_rewards import reward_review
from hub.catalog.models import Customer, Product
from hub.config import Settings
from hub.intake.submit import edit_review, submit_review
from hub.intake.thanks import queue_review_thanks
from hub.invites.links import ReviewVisit
from hub.invites.models import Invitation, InvitationStatus
from hub.photos.models import Photo
from hub.photos.uploads import (
    MAX_PHOTOS,
    PhotoRejected,
    PhotoUpload,
    PreparedPhoto,
    prepare_photos,
    set_feature_consent,
    store_photos,
)
from hub.reviews.models import Review
from hub.text.normalise import BODY_LIMIT, NAME_LIMIT, TITLE_LIMIT, SubmissionError, clean_text
from hub.web.errors import InvalidInput
from hub.web.params import whole

EDIT_WINDOW = timedelta(days=30)
NAME_STYLES = ("initial", "first", "anonymous")
ANONYMOUS = "Anonymous"
LIMITS = {"title": TITLE_LIMIT, "body": BODY_LIMIT}
LABELS = {"rating": "rating", "title": "title", "body": "review", "display_name": "name", "photos": "photos"}
# Fields with their own error spot in the form; other errors are shown above it.
FIELD_SLOTS = frozenset({"rating", "title", "body", "photos"})
CLOSED = "This review can no longer be changed: reviews can be edited for 30 days after they are sent."


class FormInvalid(Exception):
    """A submission to show again with its errors; `status` is the HTTP status to answer with."""

    def __init__(self, errors: dict[str, str], status: int = 400) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors
        self.status = status


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    rating: int | None = None
    title: str = ""
    body: str = ""
    name_style: str = NAME_STYLES[0]
    feature_consent: bool = False
    honeypot: str = ""
    photos: tuple[PhotoUpload, ...] = ()


@dataclass(slots=True)
class Section:
    """What one product's part of the page shows."""

    product: Product
    review: Review | None
    photos: list[Photo]
    editable: bool
    values: ReviewEntry
    names: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    notice: str = ""


def field_name(name: str, product_id: int) -> str:
    return f"{name}-{product_id}"


def _rating(raw: str) -> int | None:
    """The stars, or None (the form asks for them again) for anything but 1 to 5."""
    try:
        return whole(raw, "rating", low=1, high=5)
    except InvalidInput:
        return None


def parse_entry(
    values: Mapping[str, str], product_id: int, photos: tuple[PhotoUpload, ...] = ()
) -> ReviewEntry:
    """The entry of one product's form, from its fields as strings."""

    def get(name: str) -> str:
        return values.get(field_name(name, product_id), "")

    style = get("name_style")
    return ReviewEntry(
        rating=_rating(get("rating")),
        title=get("title"),
        body=get("body"),
        name_style=style if style in NAME_STYLES else NAME_STYLES[0],
        feature_consent=get("consent") == "yes",
        honeypot=get("website"),
        photos=photos,
    )


def display_names(full_name: str) -> dict[str, str]:
    """How each name style shows this customer: "Dana B.", "Dana" or "Anonymous"."""
    parts = clean_text(full_name, multiline=False).split()
    if not parts:
        return dict.fromkeys(NAME_STYLES, ANONYMOUS)
    first = parts[0][: NAME_LIMIT - 3]
    initial = f"{first} {parts[-1][0].upper()}." if len(parts) > 1 else first
    return {"initial": initial, "first": first, "anonymous": ANONYMOUS}


def _style_of(shown: str, names: dict[str, str]) -> str:
    return next((style for style, name in names.items() if name == shown), NAME_STYLES[0])


def message(field_key: str, reason: str) -> str:
    """A sentence for a field error: "The title is 151 characters long; the limit is 150."."""
    if reason.startswith("is "):
        return f"The {LABELS.get(field_key, field_key)} {reason}."
    return f"{reason[:1].upper()}{reason[1:]}."


def field_error(name: str, value: str) -> str | None:
    """The error of a title or body on its own, for inline checks while typing."""
    limit = LIMITS.get(name)
    length = len(clean_text(value, multiline=name == "body"))
    if limit is None or length <= limit:
        return None
    return message(name, f"is {length} characters long; the limit is {limit}")


def check_field(section: Section, name: str, value: str) -> None:
    """Put `value` in the section's title or body, with its error if it has one."""
    values = section.values
    section.values = replace(values, title=value) if name == "title" else replace(values, body=value)
    error = field_error(name, value)
    section.errors = {name: error} if error else {}


def entry_errors(entry: ReviewEntry, photos_kept: int = 0) -> dict[str, str]:
    errors = {name: error for name in LIMITS if (error := field_error(name, getattr(entry, name)))}
    if entry.rating is None:
        errors["rating"] = "Choose from 1 to 5 stars."
    if photos_kept + len(entry.photos) > MAX_PHOTOS:
        errors["photos"] = f"Add at most {MAX_PHOTOS} photos to a review."
    return errors


def editable(review: Review | None, now: datetime) -> bool:
    return review is None or now < review.submitted_at + EDIT_WINDOW


def _values(
    review: Review | None, photos: list[Photo], names: dict[str, str], rating: int | None
) -> ReviewEntry:
    if review is None:
        return ReviewEntry(rating=rating)
    return ReviewEntry(
        rating=review.rating,
        title=review.title,
        body=review.body,
        name_style=_style_of(review.display_name, names),
        feature_consent=any(photo.feature_consent_at for photo in photos),
    )


async def _names(visit: ReviewVisit) -> dict[str, str]:
    customer = await Customer.get_or_none(id=visit.order.customer_id)
    return display_names(customer.name if customer else "")


async def load_section(
    visit: ReviewVisit, product: Product, now: datetime, *, rating: int | None = None
) -> Section:
    review = await Review.get_or_none(order_id=visit.order.id, product_id=product.id)
    photos = list(await Photo.filter(review=review).order_by("id")) if review else []
    names = await _names(visit)
    return Section(
        product, review, photos, editable(review, now), _values(review, photos, names, rating), names
    )


async def load_sections(
    visit: ReviewVisit, now: datetime, *, chosen: tuple[int | None, int | None], saved: int | None = None
) -> list[Section]:
    """Every product's section; the product just saved carries the thank-you notice."""
    sections = []
    for product in visit.products:
        rating = chosen[1] if chosen[0] == product.id else None
        section = await load_section(visit, product, now, rating=rating)
        if saved == product.id and section.review is not None:
            section.notice = saved_notice(product)
        sections.append(section)
    return sections


def saved_notice(product: Product) -> str:
    return f"Thanks, your review of {product.name} is saved."


def product_of(visit: ReviewVisit, product_id: int) -> Product | None:
    """The product only if it belongs to the link's order."""
    return next((product for product in visit.products if product.id == product_id), None)


async def _prepared(entry: ReviewEntry) -> list[PreparedPhoto]:
    try:
        return await prepare_photos(list(entry.photos))
    except PhotoRejected as rejected:
        raise FormInvalid({"photos": f"{rejected}."}) from None


async def _store_text(
    settings: Settings,
    visit: ReviewVisit,
    section: Section,
    entry: ReviewEntry,
    ip: str | None,
    now: datetime,
) -> Review:
    name = section.names[entry.name_style]
    if section.review is not None:
        result = await edit_review(
            settings,
            section.review,
            rating=entry.rating,
            title=entry.title,
            body=entry.body,
            display_name=name,
            ip=ip,
            honeypot=entry.honeypot,
            now=now,
        )
        return result.review
    invitation = (
        await Invitation.get_or_none(id=visit.token.invitation_id) if visit.token.invitation_id else None
    )
    result = await submit_review(
        settings,
        product=section.product,
        rating=entry.rating,
        title=entry.title,
        body=entry.body,
        display_name=name,
        customer=await Customer.get_or_none(id=visit.order.customer_id),
        order=visit.order,
        invitation=invitation,
        verified_buyer=True,
        ip=ip,
        honeypot=entry.honeypot,
        submitted_at=now,
    )
    return result.review


async def save_entry(
    settings: Settings,
    visit: ReviewVisit,
    section: Section,
    entry: ReviewEntry,
    *,
    ip: str | None,
    now: datetime,
) -> Review:
    """Store a new review or an edit with its photos; `FormInvalid` with the errors otherwise."""
    if not section.editable:
        raise FormInvalid({"form": CLOSED}, status=403)
    errors = entry_errors(entry, len(section.photos))
    if errors:
        raise FormInvalid(errors)
    prepared = await _prepared(entry)
    try:
        review = await _store_text(settings, visit, section, entry, ip, now)
    except SubmissionError as refused:
        key = refused.field if refused.field in FIELD_SLOTS else "form"
        raise FormInvalid(
            {key: message(refused.field, refused.reason)}, status=429 if refused.field == "rate" else 400
        ) from None
    await store_photos(settings, review, prepared, consent=entry.feature_consent, now=now)
    await set_feature_consent(review, entry.feature_consent, now)
    if section.review is None:
        await reward_review(settings, review, now)
        await queue_review_thanks(settings, review, visit.order)
    return review


async def complete_if_done(visit: ReviewVisit, now: datetime) -> bool:
    """Whether every product of the order is reviewed; the invitation is completed when so."""
    wanted = {product.id for product in visit.products}
    reviewed = await Review.filter(order_id=visit.order.id, product_id__in=wanted).values_list(
        "product_id", flat=True
    )
    if set(reviewed) != wanted:
        return False
    if visit.token.invitation_id:
        await Invitation.filter(id=visit.token.invitation_id, completed_at=None).update(
            completed_at=now, status=InvitationStatus.COMPLETED.value
        )
    return True
