"""ProductRating follows the published reviews through publish, reject and edit."""

from __future__ import annotations

from hub.catalog.models import Product, ProductGroup
from hub.config import Settings
from hub.intake import submit as reviews
from hub.photos.models import Photo
from hub.reviews import moderation
from hub.reviews.aggregates import refresh_rating
from hub.reviews.models import ProductRating
from hub.staff.models import StaffUser
from hub.widget.queries import load_scope
from tests.review_fixtures import ReviewMaker


async def test_it_counts_published_reviews_per_star(make_review: ReviewMaker, product: Product) -> None:
    for rating in (5, 5, 4, 1):
        await make_review(rating=rating)
    figures = await ProductRating.get(product=product)
    assert (figures.count, figures.rating_sum, figures.histogram) == (4, 15, [1, 0, 0, 1, 2])
    assert figures.average == 3.75
    assert figures.version == 4


async def test_it_leaves_out_reviews_that_are_not_published(
    settings: Settings, make_review: ReviewMaker, product: Product
) -> None:
    await make_review(rating=5)
    await make_review(settings=settings.with_overrides(auto_publish=False), rating=1)
    await make_review(rating=2, honeypot="filled")
    figures = await ProductRating.get(product=product)
    assert (figures.count, figures.histogram) == (1, [0, 0, 0, 0, 1])


async def test_it_recounts_after_a_reject_and_an_approve(
    make_review: ReviewMaker, product: Product, carol: StaffUser
) -> None:
    kept, dropped = await make_review(rating=5), await make_review(rating=1)
    await moderation.moderate_review(carol, dropped.review.id, "reject", "off_topic")
    assert (await ProductRating.get(product=product)).histogram == [0, 0, 0, 0, 1]
    await moderation.moderate_review(carol, dropped.review.id, "approve")
    figures = await ProductRating.get(product=product)
    assert (figures.count, figures.rating_sum) == (2, 6)
    assert kept.review.id != dropped.review.id


async def test_it_recounts_after_an_edit(
    settings: Settings, make_review: ReviewMaker, product: Product
) -> None:
    first = await make_review(rating=5)
    await reviews.edit_review(settings, first.review, rating=2, title="", body="Smaller than I hoped.")
    figures = await ProductRating.get(product=product)
    assert (figures.count, figures.rating_sum, figures.histogram) == (1, 2, [0, 1, 0, 0, 0])


async def test_it_counts_approved_photos_of_published_reviews(
    make_review: ReviewMaker, product: Product
) -> None:
    result = await make_review(rating=5)
    await Photo.create(review=result.review, product=product, status="approved")
    await Photo.create(review=result.review, product=product, status="pending")
    assert (await refresh_rating(product.id)).photo_count == 1


async def test_it_adds_up_the_products_of_a_group(
    make_review: ReviewMaker, product: Product, group: ProductGroup
) -> None:
    sibling = await Product.create(external_id="tent-3p", name="Three-person tent", group=group)
    product.group = group  # type: ignore[assignment]
    await product.save()
    await make_review(rating=5)
    await make_review(product=sibling, rating=3)
    scope = await load_scope(product.external_id)
    assert scope is not None
    assert set(scope.product_ids) == {product.id, sibling.id}
    summary = scope.summary
    assert (summary.count, summary.rating_sum, summary.histogram) == (2, 8, [0, 0, 1, 0, 1])
    assert summary.average == 4.0
    assert await ProductRating.filter(product_id__in=[product.id, sibling.id]).count() == 2
