"""Schemathesis drives every operation of `/openapi.json` against the app in-process.

Each operation gets generated inputs (valid and edge cases); no answer may be a 5xx
or contradict the document. The database holds a product with reviews, and about half
of the cases are pointed at that product and one of its reviews so that the 200
answers are exercised too, not only the 404s. Keyed operations carry a valid key.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from schemathesis import Case  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.python.asgi import shutdown_lifespans  # noqa: E402
from schemathesis.schemas import BaseSchema  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from hub import db as hub_db  # noqa: E402
from hub.app import create_app  # noqa: E402
from hub.catalog.models import Customer, Order, OrderLine, Product  # noqa: E402
from hub.config import Settings  # noqa: E402
from hub.intake.submit import submit_review  # noqa: E402
from hub.staff.apikeys import create_api_key  # noqa: E402
from hub.widget.openapi import openapi_document  # noqa: E402

SKU = "tent-2p"
STORE = "https://shop.example"
EXAMPLES = 25
BODIES = (
    "Pitched it in five minutes and it stayed dry all night.",
    "Roomy for two, light enough to carry up a mountain.",
    "The zip stuck on day two; support sent a new one quickly.",
)
_turns = itertools.count()


@dataclass(frozen=True)
class Shop:
    key: str
    review_id: int


async def fill_shop(hub_settings: Settings) -> Shop:
    await hub_db.connect(hub_settings.database_url)
    try:
        product = await Product.create(external_id=SKU, name="Two-person tent")
        review_ids = [await _review(hub_settings, product, n) for n in range(len(BODIES))]
        _key, raw = await create_api_key("fuzz", ["reviews:read", "reviews:write"])
    finally:
        await hub_db.disconnect()
    return Shop(raw, review_ids[0])


async def _review(hub_settings: Settings, product: Product, number: int) -> int:
    buyer = await Customer.create(email=f"buyer{number}@example.net", name=f"Buyer {number} Fuzz")
    order = await Order.create(
        source="api", external_id=f"F{number}", customer=buyer, placed_at=datetime(2025, 5, 1, tzinfo=UTC)
    )
    await OrderLine.create(order=order, product=product)
    result = await submit_review(
        hub_settings,
        product=product,
        rating=number + 3,
        title="Good tent",
        body=BODIES[number],
        display_name="Buyer",
        customer=buyer,
        order=order,
    )
    return int(result.review.id)


@pytest.fixture
def shop(settings: Settings) -> Shop:
    return asyncio.run(fill_shop(settings.with_overrides(store_origins=(STORE,))))


def operations() -> list[tuple[str, str]]:
    paths = openapi_document(Settings())["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item]


@pytest.fixture
def api_schema(settings: Settings, shop: Shop) -> Iterator[BaseSchema]:
    app = create_app(settings.with_overrides(store_origins=(STORE,)))
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    shutdown_lifespans()


def aim_at_the_shop(case: Case, shop: Shop) -> None:
    """Every other case asks for the real product and review instead of a random one."""
    if next(_turns) % 2:
        return
    if "sku" in (case.path_parameters or {}):
        case.path_parameters["sku"] = SKU
    if "review_id" in (case.path_parameters or {}):
        case.path_parameters["review_id"] = shop.review_id


def check(case: Case, shop: Shop) -> None:
    headers = {"Authorization": f"Bearer {shop.key}", "Origin": STORE}
    case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])


@pytest.mark.parametrize(("method", "path"), operations())
def test_no_operation_answers_a_server_error_or_contradicts_the_document(
    api_schema: BaseSchema, shop: Shop, method: str, path: str
) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def run(case: Case) -> None:
        aim_at_the_shop(case, shop)
        check(case, shop)

    run()


def test_a_vote_for_a_review_id_past_64_bits_is_not_a_server_error(
    api_schema: BaseSchema, shop: Shop
) -> None:
    operation = api_schema["/api/v1/reviews/{review_id}/votes"]["POST"]
    check(operation.Case(path_parameters={"review_id": 2**70}, body={"voter": "v" * 16}), shop)


@pytest.mark.parametrize(
    ("method", "path", "given"),
    [
        ("GET", "/api/v1/products/{sku}/summary", {"path_parameters": {"sku": "x" * 65}}),
        ("GET", "/api/v1/products/{sku}/reviews", {"path_parameters": {"sku": "x" * 65}}),
        ("GET", "/api/v1/reviews", {"query": {"product": "x" * 65}}),
        ("GET", "/api/v1/reviews/export", {"query": {"product": "x" * 65}}),
        ("POST", "/api/v1/reviews", {"body": {"sku": "x" * 65, "rating": 5, "body": "A fine tent."}}),
    ],
)
def test_a_sku_longer_than_64_characters_is_not_a_server_error(
    api_schema: BaseSchema, shop: Shop, method: str, path: str, given: dict[str, Any]
) -> None:
    check(api_schema[path][method].Case(**given), shop)


@pytest.mark.parametrize(
    ("method", "path", "given"),
    [
        ("GET", "/api/v1/reviews", {"query": {"product": "\x00"}}),
        ("GET", "/api/v1/reviews/export", {"query": {"product": "\x00"}}),
    ],
)
def test_a_sku_with_a_nul_byte_is_not_a_server_error(
    api_schema: BaseSchema, shop: Shop, settings: Settings, method: str, path: str, given: dict[str, Any]
) -> None:
    check(api_schema[path][method].Case(**given), shop)
