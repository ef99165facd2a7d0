"""The admin outbox: every message the hub sent or will send, one message, and a retry."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.mail import outbox
from hub.mail.models import MessageStatus, OutboxMessage
from hub.staff.web import require_staff
from hub.templating import render
from hub.urls import path_for
from hub.web.params import choice, whole


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
    target = path_for("outbox_message", message_id=message_id)
    return RedirectResponse(str(target), status_code=303)
