"""The admin's customer list: one search, its filters and keyset pages, newest customer first.

`search_customers` is the one entry point (the page and ``bench/triage.py`` call it).
Every lookup is an index read on SQLite and PostgreSQL alike:

- an e-mail address: the unique ``customer.email``, normalised as the hub stores it;
- an order number or the shop's customer id: ``orders.external_id`` and ``customer.external_id``;
- a name: a prefix of ``customer.search_name`` (the name case-folded), a range of its index;
  ``match="contains"`` finds it anywhere in the name, a scan that stops once the page is full.

Pages run by customer id, newest first: ``after`` an id for the next page, ``before`` one for
the previous; no OFFSET and no count of the whole table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from hub.advocacy.models import Stage
from hub.advocacy.movement import NOT_YET
from hub.advocacy.movement import STAGES as MOVEMENT_STAGES
from hub.catalog.models import Customer, Order, plausible_external_id, search_text
from hub.catalog.schema import normalise_email
from hub.mail.models import SuppressedAddress
from hub.reviews.models import Review
from hub.surveys.models import SurveyResponse
from hub.triage.models import ACTIVE_STATUSES, Case
from hub.web.columns import fits
from hub.web.params import Values, choice, day, identifier, text, whole

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
STAGES = tuple(stage.value for stage in Stage)
MATCHES = ("prefix", "contains")
MOVEMENT_DAYS = 90  # the movement report's default period (hub.advocacy.routes)
NO_TIER = "none"


class Flag:
    """What the list can filter on besides the stage, each answered from an index."""

    OPEN_CASE = "open_case"
    SUPPRESSED = "suppressed"
    UNSUBSCRIBED = "unsubscribed"
    # A review or survey answer of theirs that the flag engine marked as a bad experience.
    FLAGGED_FEEDBACK = "flagged_feedback"


FLAGS = (Flag.OPEN_CASE, Flag.FLAGGED_FEEDBACK, Flag.SUPPRESSED, Flag.UNSUBSCRIBED)


@dataclass(frozen=True)
class CustomerFilters:
    stage: str = ""
    flags: tuple[str, ...] = ()
    # A VIP tier's name (hub.advocacy.tiers), or ``NO_TIER`` for customers without one.
    tier: str = ""
    match: str = "prefix"
    # The movement report's cell: customers in ``from_stage`` on ``from_day`` and ``to_stage`` on
    # ``to_day`` (hub.advocacy.movement.movers), as ids the route reads first.
    among: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: the customers older than ``after``, or newer than ``before``."""

    after: int | None = None
    before: int | None = None


@dataclass(frozen=True)
class CustomerRow:
    id: int
    name: str
    email: str
    external_id: str | None
    stage: str
    tier: str
    advocate_score: int
    unsubscribed_at: datetime | None
    erased_at: datetime | None
    created_at: datetime

    @property
    def label(self) -> str:
        return self.name or self.email


@dataclass(frozen=True)
class CustomerPage:
    rows: list[CustomerRow]
    next_after: int | None
    previous_before: int | None


ROW_FIELDS = (
    "id",
    "name",
    "email",
    "external_id",
    "stage",
    "tier",
    "advocate_score",
    "unsubscribed_at",
    "erased_at",
    "created_at",
)


async def search_customers(
    query: str, filters: CustomerFilters, cursor: Cursor | None = None, limit: int = PAGE_SIZE
) -> CustomerPage:
    """One page of the customers matching ``query`` (see the module docstring) and ``filters``.

    Each way of matching is its own query, driven by its own index (an OR of them makes the
    planner walk the whole table); the page is the first ``limit`` of their union.
    """
    cursor = cursor or Cursor()
    backwards = cursor.before is not None
    found: dict[int, CustomerRow] = {}
    for matching in await _branches(query.strip(), filters.match):
        for row in await _one_page(filtered(matching, filters), cursor, limit + 1):
            found[row.id] = row
    rows = sorted(found.values(), key=lambda row: row.id, reverse=not backwards)
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    return _page(rows, more, cursor, backwards)


async def _one_page(found: QuerySet[Customer], cursor: Cursor, size: int) -> list[CustomerRow]:
    if cursor.before is not None:
        found = found.filter(id__gt=cursor.before).order_by("id")
    else:
        found = found.filter(id__lt=cursor.after) if cursor.after else found
        found = found.order_by("-id")
    return [CustomerRow(**row) for row in await found.limit(size).values(*ROW_FIELDS)]


def _page(rows: list[CustomerRow], more: bool, cursor: Cursor, backwards: bool) -> CustomerPage:
    if not rows:
        return CustomerPage([], None, None)
    came_from_elsewhere = cursor.after is not None or cursor.before is not None
    has_next = more if not backwards else True
    has_previous = more if backwards else came_from_elsewhere
    return CustomerPage(
        rows,
        next_after=rows[-1].id if has_next else None,
        previous_before=rows[0].id if has_previous else None,
    )


async def _branches(query: str, match: str) -> list[Q | None]:
    """The ways ``query`` names customers, each one index's worth; [None] for everyone."""
    if not query:
        return [None]
    if "@" in query:
        email = normalise_email(query)
        return [Q(email=email)] if fits(Customer, "email", email) else []
    branches: list[Q | None] = []
    if plausible_external_id(query):
        ids = await _ids_by_external_id(query)
        branches += [Q(id__in=ids)] if ids else []
    folded = search_text(query)
    return [*branches, _name(folded, match)] if folded else branches


async def _ids_by_external_id(value: str) -> list[int]:
    """Customers with this shop id, or with an order of this number (from any source)."""
    own = await Customer.filter(external_id=value).limit(MAX_PAGE_SIZE).values_list("id", flat=True)
    ordered = await Order.filter(external_id=value).limit(MAX_PAGE_SIZE).values_list("customer_id", flat=True)
    return sorted({int(str(i)) for i in [*own, *ordered]})


def _name(folded: str, match: str) -> Q:
    if match == "contains":
        return Q(search_name__contains=folded)
    # The index range finds the rows; ``startswith`` keeps only true prefixes wherever a
    # database's collation would put another name inside the range.
    return Q(search_name__gte=folded, search_name__lt=_after_prefix(folded), search_name__startswith=folded)


def _after_prefix(prefix: str) -> str:
    """The least string greater than every string starting with ``prefix``."""
    code = ord(prefix[-1]) + 1
    if 0xD800 <= code < 0xE000:  # no string holds a surrogate
        code = 0xE000
    return prefix[:-1] + chr(min(code, 0x10FFFF))


def filtered(matching: Q | None, filters: CustomerFilters) -> QuerySet[Customer]:
    """The customers ``matching`` (None: all) who pass ``filters``; segments build on it too."""
    found = Customer.all() if matching is None else Customer.filter(matching)
    if filters.stage:
        found = found.filter(stage=filters.stage)
    if filters.tier:
        found = found.filter(tier="" if filters.tier == NO_TIER else filters.tier)
    for flag in filters.flags:
        found = found.filter(_flag(flag))
    if filters.among is not None:
        found = found.filter(id__in=list(filters.among) or [0])
    return found


def _flag(flag: str) -> Q:
    if flag == Flag.OPEN_CASE:
        cases = Case.filter(status__in=ACTIVE_STATUSES, customer_id__not_isnull=True)
        return Q(id__in=Subquery(cases.values("customer_id")))
    if flag == Flag.FLAGGED_FEEDBACK:
        reviews = Review.filter(flagged=True, customer_id__not_isnull=True)
        answers = SurveyResponse.filter(flagged=True, customer_id__not_isnull=True)
        return Q(id__in=Subquery(reviews.values("customer_id"))) | Q(
            id__in=Subquery(answers.values("customer_id"))
        )
    if flag == Flag.SUPPRESSED:
        return Q(email__in=Subquery(SuppressedAddress.all().values("address")))
    return Q(unsubscribed_at__not_isnull=True)


@dataclass(frozen=True)
class CustomerSearch:
    """The list page's query string, read once: what `search_customers` takes, and the cell."""

    query: str
    filters: CustomerFilters
    cursor: Cursor
    limit: int
    # The movement report's cell (from_day, to_day, from_stage, to_stage), when the link names one.
    cell: tuple[date, date, str, str] | None

    @classmethod
    def parse(
        cls, params: Mapping[str, str], flags: list[str], today: date, tiers: tuple[str, ...] = ()
    ) -> CustomerSearch:
        """``tiers``: the names of the shop's tiers (``HUB_TIERS``), which the tier filter accepts."""
        values = Values(params)
        query = values.read(text, "q", max_length=254)
        filters = CustomerFilters(
            stage=values.read(choice, "stage", STAGES) or "",
            flags=_flags(values, flags),
            tier=tier_choice(values, tiers),
            match=values.read(choice, "match", MATCHES, default="prefix") or "prefix",
        )
        cursor = Cursor(values.read(identifier, "after"), values.read(identifier, "before"))
        if cursor.after and cursor.before:
            values.fail("before", "give after or before, not both")
        limit = values.read(whole, "limit", low=1, high=MAX_PAGE_SIZE, default=PAGE_SIZE) or PAGE_SIZE
        cell = _cell(values, today)
        values.check()
        return cls(query, filters, cursor, limit, cell)

    def link(self, **changes: object) -> str:
        """This search as a query string, with ``changes`` (``after=…``, ``before=…``) applied."""
        pairs: list[tuple[str, object]] = [
            ("q", self.query),
            ("stage", self.filters.stage),
            ("tier", self.filters.tier),
            *(("flag", flag) for flag in self.filters.flags),
            ("match", "" if self.filters.match == "prefix" else self.filters.match),
            ("limit", "" if self.limit == PAGE_SIZE else self.limit),
        ]
        if self.cell:
            pairs += zip(("from_day", "to_day", "from_stage", "to_stage"), self.cell, strict=True)
        pairs += list(changes.items())
        return urlencode([(name, str(value)) for name, value in pairs if value not in ("", None)])


def _flags(values: Values, given: list[str]) -> tuple[str, ...]:
    wanted = [flag.strip() for flag in given if flag.strip()]
    if any(flag not in FLAGS for flag in wanted):
        values.fail("flag", f"must be one of {', '.join(FLAGS)}")
        return ()
    return tuple(dict.fromkeys(wanted))


def tier_choice(values: Values, tiers: tuple[str, ...]) -> str:
    """The ``tier`` field: one of the shop's tiers or ``NO_TIER``; a 422 naming it otherwise."""
    wanted = values.read(text, "tier", max_length=64) or ""
    if not wanted or wanted in (*tiers, NO_TIER):
        return wanted
    if not tiers:
        values.fail("tier", "the shop defines no tiers (Admin → Settings → HUB_TIERS)")
    else:
        values.fail("tier", f"must be one of {', '.join((*tiers, NO_TIER))}")
    return ""


def _cell(values: Values, today: date) -> tuple[date, date, str, str] | None:
    before, after = values.source.get("from_stage", ""), values.source.get("to_stage", "")
    if not before and not after:
        return None
    if before not in (*MOVEMENT_STAGES, NOT_YET):
        values.fail("from_stage", f"must be one of {', '.join((*MOVEMENT_STAGES, NOT_YET))}")
    if after not in MOVEMENT_STAGES:
        values.fail("to_stage", f"must be one of {', '.join(MOVEMENT_STAGES)}")
    to_day = values.read(day, "to_day", default=today) or today
    from_day = values.read(day, "from_day", default=to_day - timedelta(days=MOVEMENT_DAYS)) or to_day
    return from_day, to_day, before, after
