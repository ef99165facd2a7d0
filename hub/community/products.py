"""A SKU and the variants that share its questions, answers and gallery."""

from __future__ import annotations

from hub.catalog.models import OrderLine, Product, ProductGroup, plausible_external_id
from hub.web.columns import fits


async def product_for(sku: str) -> Product | None:
    if not plausible_external_id(sku):
        return None
    return await Product.get_or_none(external_id=sku)


async def variant_ids(product: Product) -> list[int]:
    """The product's id, or every id of its group."""
    group_id: int | None = product.group_id
    if group_id is None:
        return [product.id]
    return [int(pk) for pk in await Product.filter(group_id=group_id).values_list("id", flat=True)]  # type: ignore[call-overload]


async def group_ids(key: str) -> list[int] | None:
    group = await ProductGroup.get_or_none(key=key) if fits(ProductGroup, "key", key) else None
    if group is None:
        return None
    ids = await Product.filter(group_id=group.id).values_list("id", flat=True)
    return [int(pk) for pk in ids]  # type: ignore[call-overload]


async def bought(customer_id: int, product_ids: list[int]) -> bool:
    return await OrderLine.exists(
        order__customer_id=customer_id, product_id__in=product_ids, order__cancelled_at=None
    )
