"""The admin's exports page and its downloads."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from hub.staff.models import Role
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.transfer.export import FORMATS, KINDS, MEDIA_TYPES, ExportError, file_name, start_export


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
