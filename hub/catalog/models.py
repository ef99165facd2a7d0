"""Customers, products, orders and the webhook deliveries already seen."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model
from tortoise.queryset import QuerySet


class OrderSource(StrEnum):
    API = "api"
    SHOPIFY = "shopify"
    WOOCOMMERCE = "woocommerce"
    CSV = "csv"
    DEMO = "demo"


class MailKind(StrEnum):
    """Kinds of mail a customer can opt out of, one by one."""

    REVIEW_REQUESTS = "review_requests"
    THANKS = "thanks"
    OFFERS = "offers"
    SURVEYS = "surveys"


MAX_TAGS = 50
MAX_TAG = 64


def tag_text(tags: tuple[str, ...]) -> str:
    """Tags as `Customer.tags` keeps them: folded, deduplicated, between commas."""
    folded = tuple(dict.fromkeys(tag.strip().lower() for tag in tags if tag.strip()))
    return f",{','.join(folded)}," if folded else ""


def tag_list(stored: str) -> list[str]:
    return [tag for tag in stored.split(",") if tag]


class Customer(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200, default="")
    external_id = fields.CharField(max_length=64, null=True, db_index=True)
    locale = fields.CharField(max_length=16, default="en")
    # ISO 3166-1 alpha-2 of the last order's shipping (else billing) address, "" when unknown.
    country = fields.CharField(max_length=2, default="", db_default="")
    # The store's customer tags, folded to lower case, kept as ",vip,wholesale," (`tag_text`):
    # one column a segment matches with LIKE on SQLite and PostgreSQL alike.
    tags = fields.CharField(max_length=1000, default="", db_default="")
    marketing_consent_at = fields.DatetimeField(null=True)
    unsubscribed_at = fields.DatetimeField(null=True)
    # Kinds of mail (MailKind values) this customer turned off.
    mail_opt_outs: fields.JSONField[list[str]] = fields.JSONField(default=list)
    stage = fields.CharField(max_length=16, default="new", db_index=True)
    stage_since = fields.DatetimeField(null=True)
    advocate_score = fields.SmallIntField(default=0, db_index=True)
    # The VIP tier's name ("" for none), set by the nightly pass (hub.advocacy.tiers).
    tier = fields.CharField(max_length=32, default="", db_default="", db_index=True)
    tier_since = fields.DatetimeField(null=True)
    # ``MM-DD`` as the customer gave it on their preferences page (no year); hub.advocacy.birthdays.
    birthday = fields.CharField(max_length=5, null=True, db_index=True)
    profile_opt_in_at = fields.DatetimeField(null=True)
    profile_name = fields.CharField(max_length=80, default="")
    erased_at = fields.DatetimeField(null=True)
    # The name folded for search (`search_text`), kept by `save` and `bulk_create`: one
    # indexed column that compares the same on SQLite and PostgreSQL.
    search_name = fields.CharField(max_length=200, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "customer"
        # The admin's customer list: a name prefix is a range of this index (hub.advocacy.customer_search).
        indexes = (("search_name",), ("unsubscribed_at",))

    async def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, with ``search_name`` following ``name``."""
        self.search_name = search_text(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_name"]
        await super().save(*args, **kwargs)

    @classmethod
    def bulk_create(cls, objects: Iterable[Customer], *args: Any, **kwargs: Any) -> Any:
        """As Model.bulk_create, with every customer's ``search_name`` set (bulk writes skip save)."""
        customers = list(objects)
        for customer in customers:
            customer.search_name = search_text(customer.name)
        return super().bulk_create(customers, *args, **kwargs)

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""

    def accepts(self, kind: str) -> bool:
        """Whether this customer still wants mail of ``kind``."""
        return (
            self.unsubscribed_at is None
            and self.erased_at is None
            and (kind not in (self.mail_opt_outs or []))
        )


SEARCH_NAME_LENGTH = 200


def search_text(name: str) -> str:
    """A name as search compares it: case-folded, with single spaces between its words."""
    return " ".join(name.casefold().split())[:SEARCH_NAME_LENGTH]


EXTERNAL_ID_LENGTH = 64


def plausible_external_id(value: str) -> bool:
    """Whether ``value`` could be a stored external id (SKU, order id): a lookup with
    anything else can only miss, and too long or NUL-bearing text makes databases fail."""
    return 0 < len(value) <= EXTERNAL_ID_LENGTH and value.isprintable()


class ProductGroup(Model):
    """Variants of one product share their reviews through a group."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200, default="")

    class Meta:
        table = "product_group"


class Product(Model):
    id = fields.IntField(primary_key=True)
    external_id = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=255)
    url = fields.CharField(max_length=1000, default="")
    image_url = fields.CharField(max_length=1000, default="")
    group: fields.ForeignKeyNullableRelation[ProductGroup] = fields.ForeignKeyField(
        "hub.ProductGroup", related_name="products", null=True, on_delete=fields.SET_NULL
    )
    group_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "product"


class Order(Model):
    id = fields.IntField(primary_key=True)
    source = fields.CharField(max_length=16)
    external_id = fields.CharField(max_length=64)
    # Orders are kept for the shop's figures when a customer is erased: the
    # customer row is anonymised instead, so deleting one is refused.
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="orders", on_delete=fields.RESTRICT
    )
    customer_id: int
    currency = fields.CharField(max_length=3, default="USD")
    total = fields.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    placed_at = fields.DatetimeField(db_index=True)
    fulfilled_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    # What the shop gave back (the refunds' sum, at most the total), and when that became
    # the whole order: a fully refunded order is no purchase.
    refunded_total = fields.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0"), db_default=Decimal("0")
    )
    refunded_at = fields.DatetimeField(null=True)
    # Shopify discount codes run to 255 characters.
    referral_code = fields.CharField(max_length=255, null=True, db_index=True)
    # Every discount code the order used, as the store sent them (the first is ``referral_code``).
    discount_codes: fields.JSONField[list[str]] = fields.JSONField(default=list, db_default="[]")
    # Digests of the shipping address and phone (hub.advocacy.referral_rules.contact_key), when
    # the store sent them: a referral fraud rule compares them, the raw values are never kept.
    shipping_key = fields.CharField(max_length=64, default="", db_default="")
    phone_key = fields.CharField(max_length=64, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    lines: fields.ReverseRelation[OrderLine]
    refunds: fields.ReverseRelation[Refund]

    class Meta:
        table = "orders"
        unique_together = (("source", "external_id"),)
        # The admin's customer search finds an order by the shop's number alone.
        indexes = (("customer_id", "placed_at"), ("external_id",))

    @classmethod
    def purchases(cls) -> QuerySet[Order]:
        """Orders that count as bought (``is_purchase``)."""
        return cls.filter(cancelled_at__isnull=True, refunded_at__isnull=True)

    @property
    def is_purchase(self) -> bool:
        """Neither cancelled nor refunded in full: it counts as bought."""
        return self.cancelled_at is None and self.refunded_at is None

    @property
    def kept_revenue(self) -> Decimal:
        """What the shop kept of a purchase: the total less its refunds; nothing otherwise."""
        return max(self.total - self.refunded_total, Decimal("0")) if self.is_purchase else Decimal("0")

    @property
    def refunded_share(self) -> Decimal:
        """The part of the order given back, from 0 to 1; 1 once it is no purchase."""
        if not self.is_purchase:
            return Decimal("1")
        return min(self.refunded_total / self.total, Decimal("1")) if self.total > 0 else Decimal("0")


def purchase_sql(alias: str = "") -> str:
    """SQL for ``Order.is_purchase``; ``alias`` names the orders table in the query."""
    prefix = f"{alias}." if alias else ""
    return f"{prefix}cancelled_at IS NULL AND {prefix}refunded_at IS NULL"


def kept_revenue_sql(alias: str = "") -> str:
    """SQL for ``Order.kept_revenue`` of an order already known to be a purchase."""
    prefix = f"{alias}." if alias else ""
    return f"({prefix}total - {prefix}refunded_total)"


class OrderLine(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "hub.Order", related_name="lines", on_delete=fields.CASCADE
    )
    order_id: int
    # A product with sales is never deleted by accident.
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "hub.Product", related_name="order_lines", on_delete=fields.RESTRICT
    )
    product_id: int
    quantity = fields.IntField(default=1)
    unit_price = fields.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    # Summed from the order's refunds, at most the line's quantity and amount.
    refunded_quantity = fields.IntField(default=0, db_default=0)
    refunded_amount = fields.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0"), db_default=Decimal("0")
    )

    class Meta:
        table = "order_line"
        unique_together = (("order_id", "product_id"),)


class Refund(Model):
    """Money given back on an order, as the store reported it, kept by the store's id."""

    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "hub.Order", related_name="refunds", on_delete=fields.CASCADE
    )
    order_id: int
    external_id = fields.CharField(max_length=64)
    refunded_at = fields.DatetimeField()
    amount = fields.DecimalField(max_digits=12, decimal_places=2)
    # [{"product_id": <hub product id>, "quantity": n, "amount": "9.90"}]
    lines: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "order_refund"
        unique_together = (("order_id", "external_id"),)


class WebhookReceipt(Model):
    """A webhook delivery already handled, so that a repeat is a no-op."""

    id = fields.IntField(primary_key=True)
    source = fields.CharField(max_length=16)
    delivery_id = fields.CharField(max_length=128)
    received_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "webhook_receipt"
        unique_together = (("source", "delivery_id"),)
