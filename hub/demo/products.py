"""The demo shop's catalogue: outdoor and home goods, some sold in sizes or colours."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hub.catalog.models import Product, ProductGroup
from hub.demo.context import Demo


@dataclass(frozen=True)
class ProductLine:
    name: str
    noun: str  # what reviews call it: "jacket", "pair of boots"
    category: str  # picks the review phrases, see `review_texts.FEATURES`
    price: str
    variants: tuple[str, ...] = ()
    popularity: float = 1.0


SIZES = ("S", "M", "L", "XL")
SIZE_SHARE = {"S": 0.2, "M": 0.35, "L": 0.3, "XL": 0.15}

LINES = (
    ProductLine("Trailhead Down Jacket", "jacket", "apparel", "189.00", SIZES, 2.2),
    ProductLine("Summit Hiking Boot", "pair of boots", "footwear", "149.00", ("Walnut", "Slate"), 2.0),
    ProductLine("Merino Base Layer Crew", "base layer", "apparel", "79.00", ("S", "M", "L"), 1.6),
    ProductLine(
        "Canyon Insulated Bottle 750 ml", "bottle", "drinkware", "34.00", ("Sage", "Sand", "Night"), 3.0
    ),
    ProductLine("Campfire Enamel Mug", "mug", "drinkware", "18.00", ("White", "Forest"), 2.4),
    ProductLine("Everyday Chore Coat", "coat", "apparel", "139.00", SIZES, 1.0),
    ProductLine("Ridgeline 2-Person Tent", "tent", "gear", "329.00", (), 1.1),
    ProductLine("Lakeside Wool Blanket", "blanket", "textile", "119.00", (), 1.5),
    ProductLine("Pine Ridge Headlamp", "headlamp", "light", "39.00", (), 2.1),
    ProductLine("Basecamp Rechargeable Lantern", "lantern", "light", "59.00", (), 1.4),
    ProductLine("Trail Runner Socks (3 pack)", "socks", "socks", "24.00", (), 2.6),
    ProductLine("Drift Packable Rain Shell", "rain shell", "apparel", "129.00", (), 1.2),
    ProductLine("Alpine Fleece Beanie", "beanie", "apparel", "28.00", (), 1.8),
    ProductLine("Cedar Camp Chair", "chair", "gear", "89.00", (), 1.0),
    ProductLine("Northstar Sleeping Bag", "sleeping bag", "gear", "219.00", (), 0.9),
    ProductLine("Featherlite Sleeping Pad", "sleeping pad", "gear", "99.00", (), 0.9),
    ProductLine("Daybreak 22 L Backpack", "backpack", "gear", "119.00", (), 1.6),
    ProductLine("Cascade Water Filter", "filter", "gear", "45.00", (), 0.8),
    ProductLine("Pour-Over Coffee Kit", "coffee kit", "kitchen", "42.00", (), 1.3),
    ProductLine("Cast Iron Camp Skillet", "skillet", "kitchen", "54.00", (), 1.0),
    ProductLine("Stoneware Dinner Set", "dinner set", "kitchen", "96.00", (), 0.7),
    ProductLine("Linen Throw Pillow Cover", "pillow cover", "textile", "32.00", (), 1.1),
    ProductLine("Soy Candle, Cedar and Smoke", "candle", "candle", "26.00", (), 1.9),
    ProductLine("Waffle Knit Bath Towel", "towel", "textile", "38.00", (), 1.2),
    ProductLine("Hanging Planter Set", "planter set", "decor", "44.00", (), 0.6),
    ProductLine("Trekking Poles (pair)", "pair of poles", "gear", "79.00", (), 0.8),
    ProductLine("Compact Camp Stove", "stove", "kitchen", "64.00", (), 0.9),
    ProductLine("Hammock with Straps", "hammock", "gear", "69.00", (), 1.0),
    ProductLine("Microfibre Trek Towel", "towel", "textile", "22.00", (), 1.3),
    ProductLine("Kids' Puddle Boots", "pair of boots", "footwear", "49.00", (), 0.7),
    ProductLine("Solar Power Bank", "power bank", "gear", "75.00", (), 0.9),
    ProductLine("Picnic Blanket Tote", "picnic blanket", "textile", "58.00", (), 0.8),
    ProductLine("Bamboo Serving Board", "board", "kitchen", "36.00", (), 0.9),
)


@dataclass(frozen=True)
class Item:
    """A product row with what the generator knows about it beyond the model."""

    product: Product
    line: ProductLine
    price: Decimal
    weight: float  # how often it sells, relative to the others


def build_products(demo: Demo) -> list[Item]:
    items: list[Item] = []
    for line in LINES:
        group = _group(demo, line)
        for variant in line.variants or ("",):
            items.append(_item(demo, line, variant, group, 1001 + len(items)))
    return items


def _group(demo: Demo, line: ProductLine) -> ProductGroup | None:
    if not line.variants:
        return None
    key = line.name.lower().replace("'", "").replace(" ", "-")
    return demo.add(ProductGroup, key=key, name=line.name)


def _item(demo: Demo, line: ProductLine, variant: str, group: ProductGroup | None, number: int) -> Item:
    sku = f"SKU-{number}"
    product = demo.add(
        Product,
        external_id=sku,
        name=f"{line.name} – {variant}" if variant else line.name,
        url=f"{demo.settings.store_url}/products/{sku}",
        image_url="",
        group_id=group.pk if group else None,
        created_at=demo.now - demo.days(760, 800),
    )
    return Item(product, line, Decimal(line.price), line.popularity * _share(line, variant))


def _share(line: ProductLine, variant: str) -> float:
    if not variant:
        return 1.0
    return SIZE_SHARE.get(variant, 1.0 / len(line.variants))
