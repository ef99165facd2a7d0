"""The code pool: discount codes the shop created in its store and uploaded, each issued once.

The public interface, used by points redemption, review rewards and win-back offers:
``issue_code(pool, customer, reason)``, ``pool_left(pool)``, ``pool_figures()``,
``low_pools(threshold)`` and ``upload_codes(...)``. A code is claimed with one conditional
UPDATE (``… WHERE issued_at IS NULL``): only the caller whose update changed the row holds
it, so two workers or two web processes never hand out the same code.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from tortoise.functions import Count

from hub.advocacy.models import PoolCode
from hub.catalog.models import Customer
from hub.config import Settings
from hub.web.errors import FieldError, InvalidInput

POOL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
MAX_CODES = 50_000
MAX_ERRORS = 20


class Kind(StrEnum):
    FIXED = "fixed"
    PERCENT = "percent"


@dataclass(frozen=True)
class CodeTerms:
    """What every code of one upload gives: the kind, its value and the minimum order."""

    kind: Kind
    value: Decimal
    currency: str = "USD"
    minimum_order: Decimal = Decimal("0")

    def describe(self) -> str:
        off = (
            f"{self.value.normalize():f}% off"
            if self.kind == Kind.PERCENT
            else f"{self.value} {self.currency} off"
        )
        if self.minimum_order > 0:
            return f"{off} an order of {self.minimum_order} {self.currency} or more"
        return off


def terms_of(code: PoolCode) -> CodeTerms:
    return CodeTerms(Kind(code.kind), Decimal(code.value), code.currency, Decimal(code.minimum_order))


@dataclass(frozen=True)
class PoolFigures:
    pool: str
    left: int
    issued: int
    terms: CodeTerms | None  # of the next code to go; None when the pool is empty


def check_terms(pool: str, kind: str, value: str, currency: str, minimum_order: str) -> CodeTerms:
    """The upload form's values read; ``InvalidInput`` names each bad field."""
    errors: list[FieldError] = []
    if not POOL_NAME.fullmatch(pool):
        errors.append(FieldError("pool", "use 1–32 lower-case letters, digits, - or _"))
    if kind not in {k.value for k in Kind}:
        errors.append(FieldError("kind", "must be fixed or percent"))
    amount = _decimal(value, "value", errors)
    minimum = _decimal(minimum_order or "0", "minimum_order", errors)
    if kind == Kind.PERCENT and amount is not None and amount > 100:
        errors.append(FieldError("value", "a percentage must be at most 100"))
    if not re.fullmatch(r"[A-Z]{3}", currency):
        errors.append(FieldError("currency", "must be a three-letter code such as USD"))
    if errors or amount is None or minimum is None:
        raise InvalidInput(errors)
    return CodeTerms(Kind(kind), amount, currency, minimum)


def _decimal(text: str, field: str, errors: list[FieldError]) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0 or number >= 100_000_000:
        errors.append(FieldError(field, "must be a number from 0 to 99999999.99"))
        return None
    return number.quantize(Decimal("0.01"))


def read_codes(text: str) -> list[str]:
    """The codes of an upload: one per line, or a CSV with a ``code`` column.

    ``InvalidInput`` names each bad line (``line 4``) and why: not a code, or a repeat."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    column = header.index("code") if "code" in header else None
    start = 1 if column is not None else 0
    codes: list[str] = []
    seen: dict[str, int] = {}
    errors: list[FieldError] = []
    for number, row in enumerate(rows[start:], start=start + 1):
        cell = (row[column] if column is not None and column < len(row) else ",".join(row)).strip()
        if not row or not "".join(row).strip():
            continue
        reason = _bad_code(cell, seen)
        if reason:
            errors.append(FieldError(f"line {number}", reason))
            continue
        seen[cell.upper()] = number
        codes.append(cell)
    if errors:
        raise InvalidInput(errors[:MAX_ERRORS])
    if not codes:
        raise InvalidInput.one("codes", "holds no code")
    if len(codes) > MAX_CODES:
        raise InvalidInput.one("codes", f"holds more than {MAX_CODES} codes")
    return codes


def _bad_code(cell: str, seen: dict[str, int]) -> str:
    if not CODE.fullmatch(cell):
        return f"{cell[:40]!r} is not a code: 1–64 letters, digits, - or _"
    if cell.upper() in seen:
        return f"{cell} repeats line {seen[cell.upper()]}"
    return ""


async def upload_codes(pool: str, terms: CodeTerms, text: str) -> int:
    """Add the codes in ``text`` to ``pool``; none is added if a line is bad or a code is known."""
    codes = read_codes(text)
    known = {str(code) for code in await PoolCode.filter(code__in=codes).values_list("code", flat=True)}
    if known:
        errors = [FieldError(f"line {n}", f"{c} is uploaded already") for n, c in _lines_of(text, known)]
        raise InvalidInput(errors[:MAX_ERRORS] or [FieldError("codes", "holds codes uploaded already")])
    rows = [
        PoolCode(
            pool=pool,
            code=code,
            kind=terms.kind.value,
            value=terms.value,
            currency=terms.currency,
            minimum_order=terms.minimum_order,
        )
        for code in codes
    ]
    await PoolCode.bulk_create(rows, batch_size=1000)
    return len(rows)


def _lines_of(text: str, codes: set[str]) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for cell in line.split(","):
            if cell.strip() in codes:
                found.append((number, cell.strip()))
    return found


async def issue_code(
    pool: str, customer: Customer | None, reason: str, now: datetime | None = None
) -> PoolCode | None:
    """Give ``customer`` the next free code of ``pool``; None when the pool is empty. A referred
    friend's welcome code goes to no customer yet (``None``).

    Each try claims one free row with a conditional UPDATE; a row another caller claimed
    first changes nothing here, and the next free one is tried."""
    when = now or datetime.now(UTC)
    while True:
        candidates = await PoolCode.filter(pool=pool, issued_at__isnull=True).order_by("id").limit(5)
        if not candidates:
            return None
        for code in candidates:
            claimed = await PoolCode.filter(id=code.id, issued_at__isnull=True).update(
                issued_at=when, issued_to_id=customer.id if customer else None, reason=reason[:64]
            )
            if claimed:
                return await PoolCode.get(id=code.id)


async def pool_left(pool: str) -> int:
    return await PoolCode.filter(pool=pool, issued_at__isnull=True).count()


async def _counts(issued: bool) -> dict[str, int]:
    rows = (
        await PoolCode.filter(issued_at__isnull=not issued)
        .annotate(count=Count("id"))
        .group_by("pool")
        .values("pool", "count")
    )
    return {row["pool"]: row["count"] for row in rows}


async def pool_figures() -> list[PoolFigures]:
    """Every pool with its codes left and issued, by name."""
    left, issued = await _counts(issued=False), await _counts(issued=True)
    figures = []
    for pool in sorted(left.keys() | issued.keys()):
        nxt = await PoolCode.filter(pool=pool, issued_at__isnull=True).order_by("id").first()
        terms = terms_of(nxt) if nxt else None
        figures.append(PoolFigures(pool, left.get(pool, 0), issued.get(pool, 0), terms))
    return figures


async def low_pools(threshold: int, wanted: set[str] | None = None) -> list[PoolFigures]:
    """Pools with fewer than ``threshold`` codes left: those uploaded, and the ``wanted`` ones
    (a reward or setting names them) even if empty or never uploaded."""
    figures = {f.pool: f for f in await pool_figures()}
    for pool in wanted or set():
        figures.setdefault(pool, PoolFigures(pool, 0, 0, None))
    return [f for _, f in sorted(figures.items()) if f.left < threshold]


def named_pools(settings: Settings) -> set[str]:
    """The pools the shop's settings hand codes out of: points, review, referral and win-back rewards."""
    named = {*settings.points_rewards, settings.review_reward_pool, settings.photo_review_reward_pool}
    named |= {settings.referral_welcome_pool, settings.referral_reward_pool, settings.win_back_pool}
    return {pool for pool in named if pool}
