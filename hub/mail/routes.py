"""Routes of the mail domain: the customer's unsubscribe and preference page."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from hub.catalog.models import Customer
from hub.mail import preferences
from hub.templating import render
from hub.web.csrf import csrf_protect
from hub.web.errors import InvalidInput

KIND_LABELS = {
    "review_requests": ("Review requests", "A request to rate what you bought, and one reminder."),
    "thanks": ("Thank-you notes", "Thanks for a review, and replies to it."),
    "offers": ("Offers and news", "Rewards, referral offers and news from the shop."),
    "surveys": ("Surveys", "A few questions about the shop now and then, and one reminder."),
}


async def _customer(request: Request) -> Customer:
    settings = request.app.state.settings
    customer = await preferences.customer_for_token(settings, request.path_params["token"])
    if customer is None:
        raise HTTPException(404)
    return customer


def _preferences_page(
    request: Request, customer: Customer, saved: bool = False, error: InvalidInput | None = None
) -> Response:
    context = {
        "token": request.path_params["token"],
        "kinds": KIND_LABELS,
        "wanted": preferences.wanted_kinds(customer),
        "saved": saved,
        "months": preferences.MONTHS,
        "birthday": preferences.birthday_parts(customer),
        "error": error,
    }
    return render(request, "mail/preferences.html", context, status_code=error.status if error else 200)


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
    form = await request.form()
    wanted = [str(kind) for kind in form.getlist("kind")]
    try:
        birthday = preferences.parse_birthday(
            str(form.get("birthday_month") or ""), str(form.get("birthday_day") or "")
        )
    except InvalidInput as error:  # nothing is saved: the page shows the choices as stored
        return _preferences_page(request, customer, error=error)
    await preferences.save_choices(customer, wanted, datetime.now(UTC), birthday)
    return _preferences_page(request, customer, saved=True)
