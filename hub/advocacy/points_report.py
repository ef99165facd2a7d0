"""The points liability and flows for the retention report: what the shop owes in points."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tortoise.functions import Sum

from hub.advocacy.models import PointsEntry
from hub.advocacy.points import Source
from hub.config import Settings

EARNED = tuple(s.value for s in Source if s not in (Source.REFUND, Source.EXPIRY, Source.REDEEM))


@dataclass(frozen=True)
class PointsFigures:
    matured: int  # earned, matured, and not spent, expired or reversed: the liability
    pending: int  # in a return window
    issued: int
    reversed: int
    redeemed: int
    expired: int
    point_value: Decimal

    @property
    def liability(self) -> Decimal:
        """The matured unspent points at the shop's redemption rate (``point_value``)."""
        return (max(self.matured, 0) * self.point_value).quantize(Decimal("0.01"))

    @property
    def redemption_rate(self) -> float | None:
        """Share of the points that stood (issued less reversed) that customers spent."""
        stood = self.issued - self.reversed
        return self.redeemed / stood if stood > 0 else None


async def _total(**filters: object) -> int:
    rows = await PointsEntry.filter(**filters).annotate(total=Sum("points")).values("total")
    return int(rows[0]["total"] or 0) if rows else 0


async def points_figures(settings: Settings) -> PointsFigures:
    return PointsFigures(
        matured=await _total(pending_until__isnull=True),
        pending=await _total(pending_until__isnull=False),
        issued=await _total(source__in=EARNED, points__gt=0),
        reversed=-await _total(source=Source.REFUND.value),
        redeemed=-await _total(source=Source.REDEEM.value),
        expired=-await _total(source=Source.EXPIRY.value),
        point_value=Decimal(str(settings.point_value)),
    )
