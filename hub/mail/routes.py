"""Routes of the mail domain: the customer's unsubscribe and preference page, the admin outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from hub.catalog.models import Customer
from hub.mail import outbox, preferences
from hub.mail.models import MessageStatus, OutboxMessage
from hub.staff.web import require_staff
from hub.templating import render
from hub.web.csrf import csrf_protect
from hub.web.params import choice, whole

KIND_LABELS = {
    "review_requests": ("Review requests", "A request to rate what you bought, and one reminder."),
    "thanks": ("Thank-you notes", "Thanks for a review, and replies to it."),
    "offers": ("Offers and news", "Rewards, referral offers and news from the shop."),
}


async def _customer(request: Request) -> Customer:
    settings = request.app.state.settings
    customer = await preferences.customer_for_token(settings, request.path_params["token"])
    if customer is None:
        raise HTTPException(404)
    return customer


def _preferences_page(request: Request, customer: Customer, saved: bool = False) -> Response:
    context = {
        "token": request.path_params["token"],
        "kinds": KIND_LABELS,
        "wanted": preferences.wanted_kinds(customer),
        "saved": saved,
    }
    return render(request, "mail/preferences.html", context)


async def preferences_page(request: Request) -> Response:
    return _preferences_page(request, await _customer(request))


async def one_click_unsubscribe(request: Request) -> Response:
    """RFC 8058: a mail client posts ``List-Unsubscribe=One-Click``, with no session or CSRF."""
    customer = await _customer(request)
    form = await request.form()
    if form.get("List-Unsubscribe") != "One-Click":
        raise HTTPException(400, "Expected List-Unsubscribe=One-Click.")
    await preferences.unsubscribe(customer, datetime.now(UTC))
    return PlainTextResponse("You are unsubscribed.")


@csrf_protect
async def save_preferences(request: Request) -> Response:
    customer = await _customer(request)
    wanted = [str(kind) for kind in (await request.form()).getlist("kind")]
    await preferences.save_choices(customer, wanted, datetime.now(UTC))
    return _preferences_page(request, customer, saved=True)


def _page_number(request: Request) -> int:
    return whole(request.query_params.get("page"), "page", low=1, default=1) or 1


@require_staff("admin")
async def outbox_list(request: Request) -> Response:
    status = choice(request.query_params.get("status"), "status", [s.value for s in MessageStatus]) or ""
    page = await outbox.list_messages(status or None, _page_number(request))
    context = {"page": page, "status": status, "statuses": [s.value for s in MessageStatus]}
    return render(request, "mail/outbox.html", context, block="messages")


@require_staff("admin")
async def outbox_message(request: Request) -> Response:
    message = await OutboxMessage.get_or_none(id=request.path_params["message_id"])
    if message is None:
        raise HTTPException(404)
    message.mask_links(request.app.state.settings.base_url)  # shown, never saved: unsent mail stays live
    return render(request, "mail/message.html", {"message": message})


@require_staff("admin")
async def outbox_retry(request: Request) -> Response:
    message_id = request.path_params["message_id"]
    if not await outbox.retry_failed(message_id, datetime.now(UTC)):
        raise HTTPException(409, "Only a failed message can be retried.")
    target = request.app.url_path_for("outbox_message", message_id=message_id)
    return RedirectResponse(str(target), status_code=303)


routes: list[BaseRoute] = [
    Route("/u/{token}", preferences_page, methods=["GET"], name="unsubscribe"),
    Route("/u/{token}", one_click_unsubscribe, methods=["POST"], name="unsubscribe_one_click"),
    Route("/u/{token}/preferences", save_preferences, methods=["POST"], name="mail_preferences"),
    Route("/admin/outbox", outbox_list, methods=["GET"], name="outbox"),
    Route("/admin/outbox/{message_id:id}", outbox_message, methods=["GET"], name="outbox_message"),
    Route("/admin/outbox/{message_id:id}/retry", outbox_retry, methods=["POST"], name="outbox_retry"),
]
