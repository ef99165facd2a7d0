"""The admin's webhook pages (/admin/webhooks) and the endpoints API (/api/v1/webhook-endpoints)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from hub.staff.apikeys import require_scope
from hub.staff.models import Role
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.urls import path_for
from hub.web.errors import InvalidInput, problem
from hub.web.json_body import BadBody, invalid_body, json_body
from hub.webhooks import endpoints as service
from hub.webhooks.events import EVENTS, SLACK_EVENTS, iso
from hub.webhooks.models import EndpointKind, WebhookDelivery, WebhookEndpoint

NO_STORE = {"Cache-Control": "no-store"}


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


async def _list(request: Request, status_code: int = 200, **context: Any) -> Response:
    context.setdefault("error", None)
    context.update(
        endpoints=await service.list_endpoints(),
        events=EVENTS,
        slack_events=SLACK_EVENTS,
        kinds=[kind.value for kind in EndpointKind],
    )
    response = render(request, "webhooks/admin_list.html", context, status_code=status_code)
    response.headers.update(NO_STORE)
    return response


@require_staff(Role.ADMIN)
async def webhook_list(request: Request) -> Response:
    return await _list(request)


@require_staff(Role.ADMIN)
async def webhook_create(request: Request) -> Response:
    form = await request.form()
    try:
        created = await service.create_endpoint(
            request.app.state.settings,
            staff(request),
            name=_text(form, "name"),
            url=_text(form, "url"),
            events=[value for value in form.getlist("event") if isinstance(value, str)],
            kind=_text(form, "kind"),
        )
    except InvalidInput as error:
        return await _list(request, 422, error=error, form=form)
    return await _list(request, new_endpoint=created.endpoint, new_secret=created.secret)


async def _endpoint(request: Request) -> WebhookEndpoint:
    endpoint = await service.endpoint_by_id(request.path_params["endpoint_id"])
    if endpoint is None:
        raise HTTPException(404, "There is no such webhook endpoint.")
    return endpoint


async def _detail(
    request: Request, endpoint: WebhookEndpoint, status_code: int = 200, **context: Any
) -> Response:
    context.setdefault("error", None)
    context.update(endpoint=endpoint, deliveries=await service.recent_deliveries(endpoint))
    return render(request, "webhooks/admin_detail.html", context, status_code=status_code)


@require_staff(Role.ADMIN)
async def webhook_detail(request: Request) -> Response:
    return await _detail(request, await _endpoint(request))


@require_staff(Role.ADMIN)
async def webhook_action(request: Request) -> Response:
    endpoint, action = await _endpoint(request), request.path_params["action"]
    if action == "pause":
        await service.pause_endpoint(staff(request), endpoint, "paused by an admin")
        return await _detail(request, endpoint, notice="Paused: nothing is posted until you resume it.")
    if action == "resume":
        queued = await service.resume_endpoint(staff(request), endpoint)
        return await _detail(request, endpoint, notice=f"Resumed: {queued} held deliveries queued again.")
    if action == "delete":
        await service.delete_endpoint(staff(request), endpoint)
        return RedirectResponse(path_for("webhook_list"), status_code=303)
    raise HTTPException(404, "There is no such action.")


@require_staff(Role.ADMIN)
async def webhook_resend(request: Request) -> Response:
    delivery = await WebhookDelivery.get_or_none(id=request.path_params["delivery_id"])
    if delivery is None:
        raise HTTPException(404, "There is no such delivery.")
    endpoint = await WebhookEndpoint.get(id=delivery.endpoint_id)
    try:
        again = await service.resend_delivery(staff(request), delivery)
    except InvalidInput as error:
        return await _detail(request, endpoint, 422, error=error)
    return await _detail(request, endpoint, notice=f"Delivery {delivery.id} queued again as {again.id}.")


# The API, for scripted installs


def endpoint_json(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "name": endpoint.name,
        "url": endpoint.url,
        "kind": endpoint.kind,
        "events": list(endpoint.events or []),
        "paused": endpoint.is_paused,
        "paused_reason": endpoint.paused_reason or None,
        "created_at": iso(endpoint.created_at),
    }


@require_scope("webhooks:write")
async def api_endpoint_list(request: Request) -> Response:
    return JSONResponse({"endpoints": [endpoint_json(e) for e in await service.list_endpoints()]})


def _strings(body: dict[str, Any], name: str) -> list[str]:
    value = body.get(name)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput.one(name, "must be a list of event names")
    return value


def _string(body: dict[str, Any], name: str, required: bool = True) -> str:
    value = body.get(name, "" if not required else None)
    if not isinstance(value, str):
        raise InvalidInput.one(name, "must be a string")
    return value


@require_scope("webhooks:write")
async def api_endpoint_create(request: Request) -> Response:
    try:
        body = await json_body(request)
    except BadBody as error:
        return invalid_body(error)
    if not isinstance(body, dict):
        return problem(
            422, "The request is not valid.", [InvalidInput.one("", "must be a JSON object").errors[0]]
        )
    created = await service.create_endpoint(
        request.app.state.settings,
        None,
        name=_string(body, "name"),
        url=_string(body, "url"),
        events=_strings(body, "events"),
        kind=_string(body, "kind", required=False),
        source="api",
    )
    answer = {**endpoint_json(created.endpoint), "secret": created.secret}
    return JSONResponse(answer, status_code=201, headers=NO_STORE)


@require_scope("webhooks:write")
async def api_endpoint_delete(request: Request) -> Response:
    endpoint = await service.endpoint_by_id(request.path_params["endpoint_id"])
    if endpoint is None:
        return problem(404, "There is no such webhook endpoint.")
    await service.delete_endpoint(None, endpoint)
    return Response(status_code=204)
