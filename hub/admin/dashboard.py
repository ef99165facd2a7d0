"""The figures on the admin's first page."""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.advocacy.codes import PoolFigures, low_pools, named_pools
from hub.catalog.models import Customer, Order, Product
from hub.config import Settings
from hub.mail.models import MessageStatus, OutboxMessage
from hub.reviews.models import Review, ReviewStatus
from hub.triage.models import Case


@dataclass(frozen=True)
class Dashboard:
    customers: int
    products: int
    orders: int
    reviews_by_status: dict[str, int]
    open_cases: int
    queued_mail: int
    newest_reviews: list[Review]
    # Needs attention: code pools running low (hub.advocacy.codes).
    low_pools: list[PoolFigures] = field(default_factory=list)

    @property
    def reviews(self) -> int:
        return sum(self.reviews_by_status.values())


async def _reviews_by_status() -> dict[str, int]:
    return {status.value: await Review.filter(status=status.value).count() for status in ReviewStatus}


async def load_dashboard(settings: Settings) -> Dashboard:
    newest = await Review.all().order_by("-submitted_at").limit(10).select_related("product")
    return Dashboard(
        customers=await Customer.all().count(),
        products=await Product.all().count(),
        orders=await Order.all().count(),
        reviews_by_status=await _reviews_by_status(),
        open_cases=await Case.active().count(),
        queued_mail=await OutboxMessage.filter(status=MessageStatus.QUEUED).count(),
        newest_reviews=newest,
        low_pools=await low_pools(settings.code_pool_low, named_pools(settings)),
    )
