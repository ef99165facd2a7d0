"""The thank-you mail after a customer's first review of an order.

It carries the two invitations that turn a reviewer into a contributor: share a
photo of what they bought (asked for with explicit consent), and choose a public
profile. Rewards and wording never depend on the rating.
"""

from __future__ import annotations

from hub.catalog.models import Customer, MailKind, Order
from hub.config import Settings
from hub.mail.outbox import enqueue
from hub.reviews.models import Review, ReviewStatus


async def queue_review_thanks(settings: Settings, review: Review, order: Order) -> bool:
    """One thank-you per order, to a customer who still wants this kind of mail."""
    from hub.community.profiles import profile_settings_url
    from hub.community.share import photo_share_link

    customer = await Customer.get_or_none(id=order.customer_id)
    if customer is None or not customer.accepts(MailKind.THANKS.value):
        return False
    context = {
        "customer": customer,
        "published": review.status == ReviewStatus.PUBLISHED.value,
        "share_url": await photo_share_link(settings, customer, order),
        "profile_url": profile_settings_url(settings, customer.id),
    }
    queued = await enqueue(
        settings,
        kind="review_thanks",
        template="review_thanks",
        context=context,
        to=customer.email,
        customer=customer,
        dedupe_key=f"review_thanks:{order.id}",
    )
    return queued is not None
