"""A segment: the customers a survey is sent to, on the customer list's own filters plus a few more.

The stage and the (not yet existing) tier are ``CustomerFilters``, read by
`hub.advocacy.customer_search.filtered`; a segment adds the last order's date, products
or product groups bought, the language (``Customer.locale``) and an NPS or CSAT answer
given in any survey. Each is a subquery on an indexed column, so that counting or paging a
segment of a hundred thousand customers stays one query. The hub keeps no country and no
tags for a customer: asking for either is refused (422) rather than matching nobody.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from hub.advocacy.customer_search import STAGES, CustomerFilters, filtered, tier_choice
from hub.catalog.models import Customer, Order, Product, ProductGroup
from hub.surveys.models import SurveyResponse
from hub.web.errors import InvalidInput
from hub.web.params import Values, choice, day, text, whole

MAX_PRODUCTS = 50
LOCALE_LENGTH = 16
SCALES = {"nps": (0, 10), "csat": (1, 5)}


@dataclass(frozen=True)
class Segment:
    stage: str = ""
    # A VIP tier's name, or ``NO_TIER`` (hub.advocacy.customer_search).
    tier: str = ""
    last_order_after: date | None = None
    last_order_before: date | None = None
    # Product ids or SKUs (``Product.external_id``), and product group keys.
    products: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    language: str = ""
    # ISO 3166-1 alpha-2 codes (the customer's last shipping country), and the store's tags.
    countries: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    nps_min: int | None = None
    nps_max: int | None = None
    csat_min: int | None = None
    csat_max: int | None = None

    @classmethod
    def parse(cls, form: Mapping[str, str], tiers: tuple[str, ...] = ()) -> Segment:
        """The segment a form or query string describes; `InvalidInput` (422) naming each bad field.

        ``tiers``: the names of the shop's tiers (``HUB_TIERS``), which the tier field accepts."""
        values = Values(form)
        segment = cls(
            stage=values.read(choice, "stage", STAGES) or "",
            tier=tier_choice(values, tiers),
            last_order_after=values.read(day, "last_order_after"),
            last_order_before=values.read(day, "last_order_before"),
            products=_words(values, "products"),
            groups=_words(values, "groups"),
            language=(values.read(text, "language", max_length=LOCALE_LENGTH) or "").lower(),
            countries=_countries(values),
            tags=tuple(tag.lower() for tag in _words(values, "tag")),
            **_scale(values, "nps"),
            **_scale(values, "csat"),
        )
        values.check()
        return segment

    def as_dict(self) -> dict[str, Any]:
        """For storing with a send (JSON); `from_dict` reads it back."""
        stored = asdict(self)
        for name in ("last_order_after", "last_order_before"):
            stored[name] = stored[name].isoformat() if stored[name] else None
        stored["products"], stored["groups"] = list(self.products), list(self.groups)
        return stored

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> Segment:
        known = {name: stored[name] for name in cls.__dataclass_fields__ if name in stored}
        for name in ("last_order_after", "last_order_before"):
            known[name] = date.fromisoformat(known[name]) if known.get(name) else None
        known["products"] = tuple(known.get("products") or ())
        known["groups"] = tuple(known.get("groups") or ())
        known["countries"] = tuple(known.get("countries") or ())
        known["tags"] = tuple(known.get("tags") or ())
        return cls(**known)

    def describe(self) -> list[str]:
        """The segment in words, for the admin's list of sends."""
        parts = [f"stage {self.stage}"] if self.stage else []
        if self.tier:
            parts.append(f"tier {self.tier}")
        if self.last_order_after:
            parts.append(f"last order after {self.last_order_after}")
        if self.last_order_before:
            parts.append(f"last order before {self.last_order_before}")
        if self.products:
            parts.append("bought " + ", ".join(self.products))
        if self.groups:
            parts.append("bought from group " + ", ".join(self.groups))
        if self.language:
            parts.append(f"language {self.language}")
        if self.countries:
            parts.append("country " + ", ".join(self.countries))
        if self.tags:
            parts.append("tagged " + ", ".join(self.tags))
        for kind in SCALES:
            low, high = getattr(self, f"{kind}_min"), getattr(self, f"{kind}_max")
            if low is not None or high is not None:
                parts.append(
                    f"{kind.upper()} {low if low is not None else '…'}–{high if high is not None else '…'}"
                )
        return parts or ["every customer"]


def _words(values: Values, name: str) -> tuple[str, ...]:
    raw = values.read(text, name, max_length=4000) or ""
    words = tuple(dict.fromkeys(word.strip() for word in raw.replace("\n", ",").split(",") if word.strip()))
    if len(words) > MAX_PRODUCTS:
        values.fail(name, f"name at most {MAX_PRODUCTS}")
        return ()
    if any(len(word) > 64 for word in words):
        values.fail(name, "each is at most 64 characters")
        return ()
    return words


def _countries(values: Values) -> tuple[str, ...]:
    codes = tuple(code.upper() for code in _words(values, "country"))
    if any(len(code) != 2 or not code.isalpha() for code in codes):
        values.fail("country", "give each country as its two-letter code (ISO 3166-1)")
        return ()
    return codes


def _scale(values: Values, kind: str) -> dict[str, int | None]:
    low, high = SCALES[kind]
    read = {
        f"{kind}_{end}": values.read(whole, f"{kind}_{end}", low=low, high=high) for end in ("min", "max")
    }
    low_read, high_read = read[f"{kind}_min"], read[f"{kind}_max"]
    if low_read is not None and high_read is not None and low_read > high_read:
        values.fail(f"{kind}_max", f"must not be below {kind}_min")
    return read


async def check_catalog(segment: Segment) -> None:
    """Every product and group the segment names exists; `InvalidInput` naming the first that does not."""
    ids = {word for word in segment.products if word.isdigit()}
    found = await Product.filter(
        Q(external_id__in=list(segment.products)) | Q(id__in=[int(i) for i in ids] or [0])
    )
    known = {p.external_id for p in found} | {str(p.id) for p in found}
    missing = [word for word in segment.products if word not in known]
    if missing:
        raise InvalidInput.one("products", f"no product has the id or SKU {missing[0]!r}")
    groups = set(await ProductGroup.filter(key__in=list(segment.groups)).values_list("key", flat=True))
    unknown = [key for key in segment.groups if key not in groups]
    if unknown:
        raise InvalidInput.one("groups", f"no product group has the key {unknown[0]!r}")


def _start(moment: date) -> datetime:
    return datetime.combine(moment, time.min, tzinfo=UTC)


def _bought(segment: Segment, orders: QuerySet[Order]) -> Q:
    numbers = [int(word) for word in segment.products if word.isdigit()]
    by_product = Q(lines__product__external_id__in=list(segment.products)) | Q(
        lines__product_id__in=numbers or [0]
    )
    chosen = Q(lines__product__group__key__in=list(segment.groups)) if segment.groups else Q()
    if segment.products and segment.groups:
        chosen = by_product | chosen
    elif segment.products:
        chosen = by_product
    return Q(id__in=Subquery(orders.filter(chosen).values("customer_id")))


def _answered(kind: str, low: int | None, high: int | None, within: dict[str, int]) -> Q | None:
    if low is None and high is None:
        return None
    bounds = {f"{kind}__gte": low, f"{kind}__lte": high}
    chosen = {name: value for name, value in bounds.items() if value is not None}
    answers = SurveyResponse.filter(customer_id__not_isnull=True, **chosen, **within)
    return Q(id__in=Subquery(answers.values("customer_id")))


def segment_query(segment: Segment, ids: tuple[int, int] | None = None) -> QuerySet[Customer]:
    """The customers in ``segment``, whether or not they may be mailed; ``ids`` = (after, up to)
    keeps one range of customer ids, pushed into every subquery so that a batch reads only its
    own customers' orders and answers (the (customer_id, placed_at) index)."""
    within = {"customer_id__gt": ids[0], "customer_id__lte": ids[1]} if ids else {}
    found = filtered(None, CustomerFilters(stage=segment.stage, tier=segment.tier))
    if ids:
        found = found.filter(id__gt=ids[0], id__lte=ids[1])
    orders = Order.purchases().filter(**within)
    if segment.last_order_after:
        recent = orders.filter(placed_at__gte=_start(segment.last_order_after))
        found = found.filter(id__in=Subquery(recent.values("customer_id")))
    if segment.last_order_before:
        since = orders.filter(placed_at__gte=_start(segment.last_order_before))
        before = orders.filter(placed_at__lt=_start(segment.last_order_before))
        found = found.filter(id__in=Subquery(before.values("customer_id"))).exclude(
            id__in=Subquery(since.values("customer_id"))
        )
    if segment.products or segment.groups:
        found = found.filter(_bought(segment, orders))
    if segment.language:
        found = found.filter(Q(locale=segment.language) | Q(locale__istartswith=f"{segment.language}-"))
    if segment.countries:
        found = found.filter(country__in=segment.countries)
    if segment.tags:  # any of them
        found = found.filter(Q(*(Q(tags__contains=f",{tag},") for tag in segment.tags), join_type="OR"))
    for kind in SCALES:
        low, high = getattr(segment, f"{kind}_min"), getattr(segment, f"{kind}_max")
        answered = _answered(kind, low, high, within)
        if answered is not None:
            found = found.filter(answered)
    return found


async def last_customer_id() -> int:
    """The highest customer id: where a walk over ranges of ids ends."""
    last = await Customer.all().order_by("-id").first().values_list("id", flat=True)
    return int(str(last)) if last is not None else 0
