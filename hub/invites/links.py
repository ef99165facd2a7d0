"""Link pages and the review link.

Tokens themselves are hub.links's (one mechanism for every purpose). A *link page* is
any route whose path carries a ``{token}``: ``is_link_page`` and ``mask_link_tokens``
are the one place that knows what a token looks like in a URL. The rest of this module
is the review link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hub.catalog.models import Customer, Order, Product
from hub.config import Settings
from hub.invites.models import Invitation
from hub.links.models import LinkPurpose, LinkToken
from hub.links.tokens import LinkUnknown, issue_token, resolve_token
from hub.urls import external_url


def review_url(settings: Settings, raw: str, product_id: int | None = None, rating: int | None = None) -> str:
    """The review form; with a product and rating, that star arrives chosen."""
    query = {"product": product_id, "rating": rating} if product_id and rating else None
    return external_url(settings, "review_form", query=query, token=raw)


async def reissue_review_link(settings: Settings, order: Order, now: datetime | None = None) -> str:
    """A fresh review link for ``order``: stored mail holds only masked links, so a resend needs one."""
    invitation = await Invitation.get_or_none(order_id=order.id)
    customer = await Customer.get(id=order.customer_id)
    raw = await issue_token(
        LinkPurpose.REVIEW,
        customer=customer,
        order=order,
        invitation=invitation,
        ttl=settings.invite_expiry,
        now=now,
    )
    return review_url(settings, raw)


@dataclass(frozen=True)
class ReviewVisit:
    """What a valid review link opens: the order and exactly its products."""

    token: LinkToken
    order: Order
    products: list[Product]


async def open_review_link(raw: str, now: datetime | None = None) -> ReviewVisit:
    """Resolve a review link and note that the invitation was opened."""
    now = now or datetime.now(UTC)
    token = await resolve_token(raw, LinkPurpose.REVIEW, now=now)
    order = await Order.get_or_none(id=token.order_id) if token.order_id else None
    if order is None:
        raise LinkUnknown
    if token.invitation_id:
        await Invitation.filter(id=token.invitation_id, opened_at=None).update(opened_at=now)
    products = await Product.filter(order_lines__order_id=order.id).order_by("name", "id")
    return ReviewVisit(token=token, order=order, products=products)
