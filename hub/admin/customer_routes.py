"""The customer page: who the customer is (one timeline of everything), and what staff can do for them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.admin.customer_timeline import customer_timeline
from hub.advocacy.badges import badge_label
from hub.advocacy.customer_page import customer_view
from hub.advocacy.stages import Thresholds
from hub.advocacy.tiers import early_access_customers
from hub.catalog.models import Customer
from hub.mail.suppression import suppress, suppression_of, unsuppress
from hub.staff.accounts import audit
from hub.staff.models import Role
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.transfer.export import csv_cell
from hub.triage.cases import open_manual_case
from hub.urls import path_for
from hub.web.errors import InvalidInput
from hub.web.params import form_text, moment, text

STOP_REASON_LENGTH = 200
NOTE_LENGTH = 20_000


async def _customer(request: Request) -> Customer:
    customer = await Customer.get_or_none(id=request.path_params["customer_id"])
    if customer is None:
        raise HTTPException(404, "There is no such customer.")
    return customer


async def _page(request: Request, error: InvalidInput | None = None, status_code: int = 200) -> Response:
    customer = await _customer(request)
    before = moment(request.query_params.get("before"), "before")
    view = await customer_view(
        customer.id, datetime.now(UTC).date(), Thresholds.from_settings(request.app.state.settings)
    )
    context = {
        "view": view,
        "timeline": await customer_timeline(customer, before),
        "suppression": await suppression_of(customer.email),
        "is_admin": staff(request).has_role(Role.ADMIN),
        "badge_label": badge_label,
        "error": error,
        "notice": request.query_params.get("done", ""),
    }
    return render(request, "advocacy/customer.html", context, status_code=status_code, block="timeline")


@require_staff()
async def customer_detail(request: Request) -> Response:
    return await _page(request)


def _back(customer: Customer, done: str) -> Response:
    return RedirectResponse(
        f"{path_for('customer_detail', customer_id=customer.id)}?done={done}", status_code=303
    )


@require_staff()
async def customer_stop_mail(request: Request) -> Response:
    customer = await _customer(request)
    try:
        reason = text(
            (await form_text(request)).get("reason"), "reason", max_length=STOP_REASON_LENGTH, required=True
        )
    except InvalidInput as error:
        return await _page(request, error, status_code=422)
    if await suppress(customer.email, f"stopped by staff: {reason}"):
        await audit(staff(request), "customer.mail_stopped", "customer", customer.id)
    return _back(customer, "mail_stopped")


@require_staff()
async def customer_resume_mail(request: Request) -> Response:
    customer = await _customer(request)
    if await unsuppress(customer.email):
        await audit(staff(request), "customer.mail_resumed", "customer", customer.id)
    return _back(customer, "mail_resumed")


@require_staff()
async def customer_open_case(request: Request) -> Response:
    customer = await _customer(request)
    try:
        note = text((await form_text(request)).get("note"), "note", max_length=NOTE_LENGTH, required=True)
    except InvalidInput as error:
        return await _page(request, error, status_code=422)
    case = await open_manual_case(request.app.state.settings, customer, staff(request), note)
    return RedirectResponse(str(path_for("case_detail", case_id=case.id)), status_code=303)


@require_staff()
async def early_access_export(request: Request) -> Response:
    """The early-access list as CSV: the customers whose tier has early access (HUB_TIERS)."""
    found = await early_access_customers(request.app.state.settings)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "name", "tier", "tier_since", "locale"])
    for c in found:
        since = c.tier_since.date().isoformat() if c.tier_since else ""
        writer.writerow([csv_cell(value) for value in (c.email, c.name, c.tier, since, c.locale)])
    headers = {"Content-Disposition": 'attachment; filename="early-access.csv"', "Cache-Control": "no-store"}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
