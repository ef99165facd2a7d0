"""A demo product page that embeds the widget the way a store does, when demo data exists."""

from __future__ import annotations

from typing import Any

from hub.catalog.models import Order, OrderSource, Product

OTHER_PRODUCTS = 4


async def has_demo_data() -> bool:
    return await Order.exists(source=OrderSource.DEMO.value)


async def store_page(sku: str) -> dict[str, Any] | None:
    """The product and a few others for the demo page; None without demo data or product."""
    if not await has_demo_data():
        return None
    product = await Product.get_or_none(external_id=sku)
    if product is None:
        return None
    others = await Product.exclude(id=product.id).order_by("id").limit(OTHER_PRODUCTS)
    return {
        "product": product,
        "others": [{"sku": other.external_id, "name": other.name} for other in others],
    }
