"""The demo's community: questions with buyer and brand answers, a photo gallery, profiles.

Runs after the rest of the demo is written (it reads the products, orders and reviews
back). Photos are drawn with Pillow and go through the real photo pipeline, so their web
and thumbnail files exist under `settings.media_dir`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO

import anyio.to_thread
from PIL import Image, ImageDraw

from hub.catalog.models import Customer, OrderLine, Product
from hub.community.answers import after_publish, public_name
from hub.community.models import Answer, Question
from hub.config import Settings
from hub.photos.models import Photo, PhotoStatus
from hub.photos.uploads import PhotoUpload, prepare_photo, write_files
from hub.reviews.models import Review, ReviewStatus
from hub.staff.models import StaffUser

PUBLISHED = ReviewStatus.PUBLISHED.value
# (question, a buyer's answer, the brand's answer)
QUESTIONS = (
    (
        "Is it true to size?",
        "I took my usual size and it fits well.",
        "It runs true to size; our size guide is on the page.",
    ),
    (
        "How does it hold up in the rain?",
        "Used it through a wet weekend, stayed dry.",
        "It is water resistant; we recommend re-proofing it once a year.",
    ),
    (
        "Is it heavy to carry?",
        "Light enough for a day hike, I barely noticed it.",
        "It is one of the lightest in its range.",
    ),
    (
        "How long did delivery take?",
        "Mine came in three days.",
        "Most orders arrive within 2 to 4 working days.",
    ),
)
ASKERS = ("Sam", "Priya", "Jonas", "Mei", "Tom", "Ines")
COLOURS = ((46, 125, 50), (21, 101, 192), (230, 81, 0), (106, 27, 154), (0, 131, 143), (194, 24, 91))
PRODUCTS_WITH_QUESTIONS = 6
GALLERY_PHOTOS = 12
PROFILES = 4


@dataclass(frozen=True)
class CommunitySummary:
    questions: int
    answers: int
    photos: int
    profiles: int


async def build_community(settings: Settings, rng: random.Random, now: datetime) -> CommunitySummary:
    """Add the community rows to a freshly written demo; the same for the same `rng` and `now`."""
    products = await Product.all().order_by("id").limit(PRODUCTS_WITH_QUESTIONS * 2)
    brand = await StaffUser.filter(roles__contains="moderator").order_by("id").first()
    questions = answers = 0
    for product in products[:PRODUCTS_WITH_QUESTIONS]:
        added = await _questions_for(settings, product, brand, rng, now)
        questions, answers = questions + added[0], answers + added[1]
    photos = await _gallery(settings, products, rng, now)
    return CommunitySummary(questions, answers, photos, await _profiles(now))


async def _buyers(product: Product) -> list[Customer]:
    ids = (
        await OrderLine.filter(product_id=product.id)
        .order_by("id")
        .limit(20)
        .values_list("order__customer_id", flat=True)
    )
    return await Customer.filter(id__in=list(dict.fromkeys(ids))).order_by("id")


async def _questions_for(
    settings: Settings, product: Product, brand: StaffUser | None, rng: random.Random, now: datetime
) -> tuple[int, int]:
    buyers, answers = await _buyers(product), 0
    for index, (body, buyer_text, brand_text) in enumerate(rng.sample(QUESTIONS, 2)):
        asked = now - timedelta(days=rng.uniform(3, 90))
        question = await Question.create(
            product=product,
            asker_email=f"shopper{product.id}-{index}@example.org",
            asker_name=rng.choice(ASKERS),
            body=body,
            status=PUBLISHED,
            status_reason="clean",
            published_at=asked,
            asker_notified_at=asked,
            buyers_asked_at=asked,
        )
        if buyers:
            answers += await _buyer_answer(question, rng.choice(buyers), buyer_text, rng, asked)
        if brand is not None and (index == 0 or not buyers):
            await Answer.create(
                question=question,
                staff=brand,
                body=brand_text,
                is_brand=True,
                display_name=settings.brand_name,
                status=PUBLISHED,
                status_reason="brand",
                published_at=asked + timedelta(hours=5),
            )
            answers += 1
    return 2, answers


async def _buyer_answer(
    question: Question, buyer: Customer, text: str, rng: random.Random, asked: datetime
) -> int:
    answer = await Answer.create(
        question=question,
        customer=buyer,
        body=text,
        display_name=public_name(buyer),
        status=PUBLISHED,
        status_reason="clean",
        verified_buyer=True,
        helpful_count=rng.randint(0, 12),
        published_at=asked + timedelta(days=rng.uniform(1, 3)),
    )
    await after_publish(answer)
    return 1


def product_picture(rng: random.Random) -> bytes:
    """A simple product-like drawing: a coloured box with a lid and a label on a light floor."""
    image = Image.new("RGB", (640, 480), (236, 239, 241))
    draw = ImageDraw.Draw(image)
    colour = rng.choice(COLOURS)
    left, top = rng.randint(120, 220), rng.randint(110, 170)
    draw.ellipse((left - 40, 380, left + 360, 440), fill=(207, 216, 220))
    draw.rectangle((left, top, left + 300, 400), fill=colour)
    draw.rectangle((left - 10, top - 30, left + 310, top), fill=tuple(c // 2 for c in colour))
    draw.ellipse((left + 110, top + 80, left + 190, top + 160), fill=(255, 255, 255))
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def _gallery(settings: Settings, products: list[Product], rng: random.Random, now: datetime) -> int:
    product_ids = [product.id for product in products]
    reviews = await (
        Review.public()
        .filter(customer_id__isnull=False, product_id__in=product_ids)
        .order_by("-rating", "id")
        .limit(GALLERY_PHOTOS)
    )
    for review in reviews:
        upload = PhotoUpload("demo.png", product_picture(rng))
        prepared = await anyio.to_thread.run_sync(prepare_photo, upload)
        web, thumb = await anyio.to_thread.run_sync(write_files, settings.media_dir, prepared)
        await Photo.create(
            review=review,
            customer_id=review.customer_id,
            product_id=review.product_id,
            status=PhotoStatus.APPROVED.value,
            web_name=web,
            thumb_name=thumb,
            width=prepared.width,
            height=prepared.height,
            feature_consent_at=now - timedelta(days=rng.uniform(1, 60)),
            moderated_at=now,
        )
        await Review.filter(id=review.id).update(has_photos=True)
    return len(reviews)


async def _profiles(now: datetime) -> int:
    """The most prolific reviewers get a public profile, as if they had opted in."""
    rows = await (
        Review.public()
        .filter(customer_id__isnull=False)
        .order_by("customer_id")
        .values_list("customer_id", flat=True)
    )
    counts: dict[int, int] = {}
    for customer_id in rows:
        counts[int(customer_id)] = counts.get(int(customer_id), 0) + 1  # type: ignore[call-overload]
    top = sorted(counts, key=lambda customer_id: (-counts[customer_id], customer_id))[:PROFILES]
    for customer in await Customer.filter(id__in=top):
        customer.profile_name = public_name(customer)
        customer.profile_opt_in_at = now
        await customer.save(update_fields=["profile_name", "profile_opt_in_at", "updated_at"])
    return len(top)
