"""Staff pages of inbound mail: a message as it came, and its attachments."""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from hub.staff.models import Role
from hub.staff.web import require_staff
from hub.templating import render
from hub.triage.inbound.attachments import stored_path
from hub.triage.inbound.models import AttachmentKind, InboundAttachment, InboundStatus
from hub.triage.inbound.view import list_mail, load_message
from hub.web.params import choice, whole

PRIVATE = {"Cache-Control": "private, no-store"}


@require_staff(Role.AGENT)
async def inbound_list(request: Request) -> Response:
    """Every message read from the support mailbox; ``?status=unreadable`` those kept unread."""
    statuses = [s.value for s in InboundStatus]
    status = choice(request.query_params.get("status"), "status", statuses) or ""
    page = whole(request.query_params.get("page"), "page", low=1, default=1) or 1
    context = {"page": await list_mail(status or None, page), "status": status, "statuses": statuses}
    return render(request, "triage/inbound_list.html", context, block="messages")


@require_staff(Role.AGENT)
async def inbound_message(request: Request) -> Response:
    view = await load_message(request.app.state.settings, request.path_params["message_id"])
    if view is None:
        raise HTTPException(404, "There is no such message.")
    return render(request, "triage/inbound_message.html", {"view": view})


async def _attachment(request: Request) -> InboundAttachment:
    attachment = await InboundAttachment.get_or_none(id=request.path_params["attachment_id"])
    if attachment is None or attachment.kind == AttachmentKind.REFUSED:
        raise HTTPException(404, "There is no such attachment.")
    return attachment


def _file(path: Path | None) -> Path:
    if path is None:
        raise HTTPException(404, "There is no such attachment.")
    return path


@require_staff(Role.AGENT)
async def inbound_attachment(request: Request) -> Response:
    """An image inline (re-encoded, so safe to show); any other file only as a download."""
    attachment = await _attachment(request)
    path = _file(stored_path(request.app.state.settings, attachment.stored_name))
    if attachment.kind == AttachmentKind.IMAGE:
        return FileResponse(path, media_type="image/webp", headers=PRIVATE)
    return FileResponse(
        path,
        media_type="application/octet-stream",
        filename=attachment.filename,
        content_disposition_type="attachment",
        headers=PRIVATE,
    )


@require_staff(Role.AGENT)
async def inbound_thumbnail(request: Request) -> Response:
    attachment = await _attachment(request)
    if attachment.kind != AttachmentKind.IMAGE:
        raise HTTPException(404, "There is no such image.")
    path = _file(stored_path(request.app.state.settings, attachment.thumb_name))
    return FileResponse(path, media_type="image/webp", headers=PRIVATE)
