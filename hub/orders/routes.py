"""Routes of the catalog domain: the orders API and the store webhooks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise.exceptions import IntegrityError, ValidationError

from hub.catalog.models import Order, OrderSource, Product, plausible_external_id
from hub.catalog.schema import FieldError, InvalidOrder, OrderIn, parse_order, parse_refund
from hub.orders import shopify, woocommerce
from hub.orders.ingest import (
    MAX_BATCH,
    ingest_batch,
    ingest_order,
    ingest_refund,
    ingest_webhook,
    once_per_delivery,
)
from hub.staff.apikeys import require_scope
from hub.web.errors import problem
from hub.web.json_body import BadBody, invalid_body, json_body, parse_json

log = logging.getLogger(__name__)


@require_scope("orders:write")
async def post_order(request: Request) -> Response:
    try:
        order = parse_order(await json_body(request), OrderSource.API.value)
    except BadBody as error:
        return invalid_body(error)
    except InvalidOrder as error:
        return problem(422, "The order is not valid.", error.errors)
    outcome = await ingest_order(request.app.state.settings, order)
    return JSONResponse(outcome.as_dict(), status_code=201 if outcome.created else 200)


@require_scope("orders:write")
async def post_refund(request: Request) -> Response:
    """A refund of an order sent through the API, merged by the refund's id."""
    order_id = request.path_params["order_id"]
    order = None
    if plausible_external_id(order_id):
        order = await Order.get_or_none(source=OrderSource.API.value, external_id=order_id)
    if order is None:
        return problem(404, "No order with this id was sent through the API.")
    try:
        refund = parse_refund(await json_body(request), datetime.now(UTC))
    except BadBody as error:
        return invalid_body(error)
    except InvalidOrder as error:
        return problem(422, "The refund is not valid.", error.errors)
    products = set(await Product.filter(order_lines__order_id=order.id).values_list("external_id", flat=True))
    strangers = [
        FieldError(f"lines/{i}/product_id", "is not a product of the order's lines")
        for i, line in enumerate(refund.lines)
        if line.product_id not in products
    ]
    if strangers:
        return problem(422, "The refund is not valid.", strangers)
    outcome = await ingest_refund(request.app.state.settings, OrderSource.API.value, order_id, refund)
    if outcome is None:  # the order was deleted meanwhile
        return problem(404, "No order with this id was sent through the API.")
    return JSONResponse(outcome.as_dict())


def _batch_orders(body: Any) -> list[Any]:
    orders = body.get("orders") if isinstance(body, dict) else None
    if not isinstance(orders, list) or not orders:
        raise InvalidOrder([FieldError("orders", "must be a list of at least one order")])
    if len(orders) > MAX_BATCH:
        raise InvalidOrder([FieldError("orders", f"must hold at most {MAX_BATCH} orders")])
    return orders


@require_scope("orders:write")
async def post_order_batch(request: Request) -> Response:
    try:
        orders = _batch_orders(await json_body(request))
    except BadBody as error:
        return invalid_body(error)
    except InvalidOrder as error:
        return problem(422, "The batch is not valid.", error.errors)
    results = await ingest_batch(request.app.state.settings, orders, OrderSource.API.value)
    return JSONResponse({"results": results})


async def _webhook(
    request: Request, source: OrderSource, delivery_id: str | None, to_order: Callable[[Any], OrderIn]
) -> Response:
    try:
        order = to_order(parse_json(await request.body()))
    except BadBody as error:
        return invalid_body(error)
    except InvalidOrder as error:
        # Stores retry failed deliveries and then disable the webhook: take it and say why.
        log.warning("%s order skipped: %s", source.value, [e.path for e in error.errors])
        return JSONResponse({"status": "skipped", "errors": [e.as_dict() for e in error.errors]})
    if order.notes:
        log.warning(
            "%s order %s stored cut: %s", source.value, order.external_id, [str(note) for note in order.notes]
        )
    try:
        outcome = await ingest_webhook(request.app.state.settings, source.value, delivery_id, order)
    except (ValidationError, IntegrityError) as error:
        # A row the database refused is not cured by a retry: answer 2xx with the reason.
        log.warning("%s order %s skipped: %s", source.value, order.external_id, type(error).__name__)
        return JSONResponse({"status": "skipped", "errors": [{"path": "", "reason": "not storable"}]})
    body: dict[str, Any] = outcome.as_dict() if outcome else {"status": "duplicate"}
    if order.notes:
        body["notes"] = [note.as_dict() for note in order.notes]
    return JSONResponse(body)


def ignored(topic: str) -> JSONResponse:
    """A topic the hub does not use: 200, so that the store keeps the webhook, and say so."""
    return JSONResponse(
        {"status": "ignored", "topic": topic[:64], "reason": "the hub does not use this topic"}
    )


async def shopify_webhook(request: Request) -> Response:
    settings = request.app.state.settings
    if not shopify.signature_matches(
        settings.shopify_secret, await request.body(), request.headers.get("X-Shopify-Hmac-Sha256")
    ):
        raise HTTPException(401, "The webhook signature does not match.")
    topic = request.headers.get("X-Shopify-Topic", "")
    if topic == shopify.REFUND_TOPIC:
        return await _shopify_refund(request)
    if topic not in shopify.ORDER_TOPICS:
        return ignored(topic)
    return await _webhook(
        request,
        OrderSource.SHOPIFY,
        request.headers.get("X-Shopify-Webhook-Id"),
        lambda payload: shopify.to_order(payload, topic),
    )


async def _shopify_refund(request: Request) -> Response:
    """``refunds/create``: the refund joins its order; one for an order never sent is skipped
    (the order's own webhooks carry its refunds when it comes)."""
    try:
        order_id, refund = shopify.to_refund(parse_json(await request.body()))
    except BadBody as error:
        return invalid_body(error)
    except InvalidOrder as error:
        log.warning("shopify refund skipped: %s", [e.path for e in error.errors])
        return JSONResponse({"status": "skipped", "errors": [e.as_dict() for e in error.errors]})
    settings, source = request.app.state.settings, OrderSource.SHOPIFY.value

    async def record() -> dict[str, Any]:
        outcome = await ingest_refund(settings, source, order_id, refund)
        if outcome is None:
            return {"status": "skipped", "errors": [{"path": "order_id", "reason": "no such order here"}]}
        return outcome.as_dict()

    body = await once_per_delivery(source, request.headers.get("X-Shopify-Webhook-Id"), record)
    return JSONResponse(body or {"status": "duplicate"})


async def woocommerce_webhook(request: Request) -> Response:
    settings = request.app.state.settings
    body = await request.body()
    if woocommerce.is_ping(body, request.headers.get("content-type", "")):
        return JSONResponse({"status": "pong"})
    if not woocommerce.signature_matches(
        settings.woocommerce_secret, body, request.headers.get("X-WC-Webhook-Signature")
    ):
        raise HTTPException(401, "The webhook signature does not match.")
    topic = request.headers.get("X-WC-Webhook-Topic", "order.updated")
    if topic not in woocommerce.ORDER_TOPICS:
        return ignored(topic)
    return await _webhook(
        request,
        OrderSource.WOOCOMMERCE,
        request.headers.get("X-WC-Webhook-Delivery-ID"),
        woocommerce.to_order,
    )
