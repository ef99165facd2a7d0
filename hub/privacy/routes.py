"""The privacy pages: find a customer, download their data, erase them."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.catalog.models import Customer
from hub.privacy import erasure as privacy
from hub.privacy.data import data_counts
from hub.staff.models import Role
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.urls import path_for

LOCAL_HOSTS = frozenset({"127.0.0.1", "::1"})
ERASE_WORD = "ERASE"


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


@require_staff(Role.ADMIN)
async def privacy_page(request: Request) -> Response:
    return render(request, "privacy/privacy.html", {"error": "", "email": ""})


@require_staff(Role.ADMIN)
async def privacy_lookup(request: Request) -> Response:
    email = str((await request.form()).get("email", "")).strip()
    customer = await privacy.find_customer(email) if email else None
    if customer is None:
        context = {"error": "No customer has this email address.", "email": email}
        return render(request, "privacy/privacy.html", context, status_code=404)
    target = path_for("customer_privacy", customer_id=customer.id)
    return RedirectResponse(str(target), status_code=303)


async def _customer(request: Request) -> Customer:
    customer = await Customer.get_or_none(id=request.path_params["customer_id"])
    if customer is None:
        raise HTTPException(404, "There is no such customer.")
    return customer


async def _customer_page(
    request: Request, customer: Customer, error: str = "", status_code: int = 200
) -> Response:
    context = {
        "customer": customer,
        "counts": await data_counts(customer),
        "error": error,
        "erase_word": ERASE_WORD,
        "erased": request.query_params.get("erased") == "1",
    }
    return render(request, "privacy/customer_privacy.html", context, status_code=status_code)


@require_staff(Role.ADMIN)
async def customer_privacy(request: Request) -> Response:
    return await _customer_page(request, await _customer(request))


@require_staff(Role.ADMIN)
async def customer_privacy_export(request: Request) -> Response:
    customer = await _customer(request)
    data = await privacy.export_customer(staff(request), customer, channel="web")
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return Response(body, media_type="application/json", headers=_attachment(f"customer-{customer.id}.json"))


@require_staff(Role.ADMIN)
async def customer_privacy_erase(request: Request) -> Response:
    customer = await _customer(request)
    form = await request.form()
    if str(form.get("confirm", "")).strip() != ERASE_WORD:
        return await _customer_page(request, customer, f"Type {ERASE_WORD} to confirm.", 400)
    await privacy.erase_customer(
        request.app.state.settings,
        staff(request),
        customer,
        delete_reviews=form.get("delete_reviews") == "yes",
        channel="web",
    )
    target = path_for("customer_privacy", customer_id=customer.id)
    return RedirectResponse(f"{target}?erased=1", status_code=303)
