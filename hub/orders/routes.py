"""Routes of the catalog domain: the orders API and the store webhooks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise.exceptions import IntegrityError, ValidationError

from hub.catalog.models import OrderSource
from hub.catalog.schema import FieldError, InvalidOrder, OrderIn, parse_order
from hub.orders import shopify, woocommerce
from hub.orders.ingest import MAX_BATCH, ingest_batch, ingest_order, ingest_webhook
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


async def shopify_webhook(request: Request) -> Response:
    settings = request.app.state.settings
    if not shopify.signature_matches(
        settings.shopify_secret, await request.body(), request.headers.get("X-Shopify-Hmac-Sha256")
    ):
        raise HTTPException(401, "The webhook signature does not match.")
    topic = request.headers.get("X-Shopify-Topic", "")
    if topic not in shopify.ORDER_TOPICS:
        return JSONResponse({"status": "ignored"})
    return await _webhook(
        request,
        OrderSource.SHOPIFY,
        request.headers.get("X-Shopify-Webhook-Id"),
        lambda payload: shopify.to_order(payload, topic),
    )


async def woocommerce_webhook(request: Request) -> Response:
    settings = request.app.state.settings
    body = await request.body()
    if woocommerce.is_ping(body, request.headers.get("content-type", "")):
        return JSONResponse({"status": "pong"})
    if not woocommerce.signature_matches(
        settings.woocommerce_secret, body, request.headers.get("X-WC-Webhook-Signature")
    ):
        raise HTTPException(401, "The webhook signature does not match.")
    if request.headers.get("X-WC-Webhook-Topic", "order.updated") not in woocommerce.ORDER_TOPICS:
        return JSONResponse({"status": "ignored"})
    return await _webhook(
        request,
        OrderSource.WOOCOMMERCE,
        request.headers.get("X-WC-Webhook-Delivery-ID"),
        woocommerce.to_order,
    )


routes: list[BaseRoute] = [
    Route("/api/v1/orders", post_order, methods=["POST"], name="api_orders"),
    Route("/api/v1/orders/batch", post_order_batch, methods=["POST"], name="api_orders_batch"),
    Route("/webhooks/shopify", shopify_webhook, methods=["POST"], name="webhook_shopify"),
    Route("/webhooks/woocommerce", woocommerce_webhook, methods=["POST"], name="webhook_woocommerce"),
]
