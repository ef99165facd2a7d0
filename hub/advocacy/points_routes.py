"""The customer's points page, reached from the signed link in every mail (beside the mail
preferences): balance, pending, history, the rewards on offer, and redeeming one."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hub.advocacy.points import balance_of, history
from hub.advocacy.redeem import Redemption, redeem, rewards_on_offer
from hub.catalog.models import Customer
from hub.mail.preferences import customer_for_token
from hub.templating import render
from hub.web.csrf import csrf_protect
from hub.web.errors import InvalidInput
from hub.web.params import text


async def _customer(request: Request) -> Customer:
    customer = await customer_for_token(request.app.state.settings, request.path_params["token"])
    if customer is None:
        raise HTTPException(404)
    return customer


async def _page(
    request: Request,
    customer: Customer,
    redeemed: Redemption | None = None,
    error: InvalidInput | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "token": request.path_params["token"],
        "balance": await balance_of(customer.id),
        "entries": await history(customer.id),
        "rewards": await rewards_on_offer(request.app.state.settings),
        "request_id": secrets.token_urlsafe(18),  # one per form shown: a double click spends once
        "redeemed": redeemed,
        "error": error,
    }
    return render(request, "advocacy/points.html", context, status_code=status_code)


async def points_page(request: Request) -> Response:
    return await _page(request, await _customer(request))


@csrf_protect
async def points_redeem(request: Request) -> Response:
    customer = await _customer(request)
    form = await request.form()
    try:
        pool = text(form.get("reward"), "reward", max_length=32, required=True)
        request_id = text(form.get("request_id"), "request_id", max_length=64)
        done = await redeem(request.app.state.settings, customer, pool, request_id, datetime.now(UTC))
    except InvalidInput as error:
        return await _page(request, customer, error=error, status_code=422)
    return await _page(request, customer, redeemed=done)
