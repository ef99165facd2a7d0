"""The figures on the admin's first page."""

from __future__ import annotations

from dataclasses import dataclass

from hub.catalog.models import Customer, Order, Product
from hub.mail.models import MessageStatus, OutboxMessage
from hub.reviews.models import Review, ReviewStatus
from hub.triage.models import Case, CaseStatus


@dataclass(frozen=True)
class Dashboard:
    customers: int
    products: int
    orders: int
    reviews_by_status: dict[str, int]
    open_cases: int
    queued_mail: int
    newest_reviews: list[Review]

    @property
    def reviews(self) -> int:
        return sum(self.reviews_by_status.values())


async def _reviews_by_status() -> dict[str, int]:
    return {status.value: await Review.filter(status=status.value).count() for status in ReviewStatus}


async def load_dashboard() -> Dashboard:
    newest = await Review.all().order_by("-submitted_at").limit(10).select_related("product")
    return Dashboard(
        customers=await Customer.all().count(),
        products=await Product.all().count(),
        orders=await Order.all().count(),
        reviews_by_status=await _reviews_by_status(),
        open_cases=await Case.filter(status__in=[CaseStatus.OPEN, CaseStatus.PENDING]).count(),
        queued_mail=await OutboxMessage.filter(status=MessageStatus.QUEUED).count(),
        newest_reviews=newest,
    )
