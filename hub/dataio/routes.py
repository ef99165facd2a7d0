"""Admin downloads (exports, a customer's data), the privacy pages and /metrics."""

from __future__ import annotations

import hmac
import json
from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from hub.admin.metrics import SCOPE_KEY, RequestMetrics, queue_lines, request_lines
from hub.catalog.models import Customer
from hub.privacy import erasure as privacy
from hub.privacy.data import data_counts
from hub.staff.models import Role
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.transfer.export import FORMATS, KINDS, MEDIA_TYPES, ExportError, file_name, start_export

LOCAL_HOSTS = frozenset({"127.0.0.1", "::1"})
ERASE_WORD = "ERASE"


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


@require_staff(Role.ADMIN)
async def exports(request: Request) -> Response:
    return render(request, "transfer/exports.html", {"kinds": list(KINDS), "formats": FORMATS})


@require_staff(Role.ADMIN)
async def export_download(request: Request) -> Response:
    kind, fmt = request.path_params["kind"], request.path_params["fmt"]
    try:
        lines = await start_export(staff(request), kind, fmt, channel="web")
    except ExportError as error:
        raise HTTPException(404, str(error)) from None
    name = file_name(kind, fmt, datetime.now(UTC).date())
    return StreamingResponse(lines, media_type=MEDIA_TYPES[fmt], headers=_attachment(name))


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
    target = request.app.url_path_for("customer_privacy", customer_id=customer.id)
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
    target = request.app.url_path_for("customer_privacy", customer_id=customer.id)
    return RedirectResponse(f"{target}?erased=1", status_code=303)


def may_read_metrics(request: Request, token: str) -> bool:
    """A bearer token equal to ``token`` (compared in constant time), or a local client."""
    sent = request.headers.get("authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    return request.client is not None and request.client.host in LOCAL_HOSTS


async def metrics(request: Request) -> Response:
    if not may_read_metrics(request, request.app.state.settings.metrics_token):
        return PlainTextResponse("Forbidden", status_code=403)
    counted = request.scope.get(SCOPE_KEY) or RequestMetrics()
    lines = [*request_lines(counted), *await queue_lines(datetime.now(UTC))]
    return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4; charset=utf-8")


CUSTOMER = "/admin/customers/{customer_id:id}/privacy"

routes: list[BaseRoute] = [
    Route("/admin/exports", exports, methods=["GET"], name="exports"),
    Route("/admin/exports/{kind:str}.{fmt:str}", export_download, methods=["GET"], name="export_download"),
    Route("/admin/privacy", privacy_page, methods=["GET"], name="privacy"),
    Route("/admin/privacy", privacy_lookup, methods=["POST"], name="privacy_lookup"),
    Route(CUSTOMER, customer_privacy, methods=["GET"], name="customer_privacy"),
    Route(CUSTOMER + "/export", customer_privacy_export, methods=["GET"], name="customer_privacy_export"),
    Route(CUSTOMER + "/erase", customer_privacy_erase, methods=["POST"], name="customer_privacy_erase"),
    Route("/metrics", metrics, methods=["GET"], name="metrics"),
]
