"""The admin's import pages: upload, the dry run's preview, confirmation, progress and the report.

The upload is streamed to the data folder and only its header is read here; the worker
does the rest (`hub.transfer.jobs`), and the pages poll `import_status` while it works.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from hub.staff.models import Role
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.transfer.cells import DateOrder
from hub.transfer.formats import FORMATS as REVIEW_FORMATS
from hub.transfer.formats import REVIEW_FIELDS
from hub.transfer.imports import (
    ImportRefused,
    confirm_import,
    discard_import,
    format_label,
    read_options,
    store_upload,
)
from hub.transfer.models import MAX_ERRORS, ImportJob
from hub.urls import path_for
from hub.web.errors import InvalidInput

LISTED = 50


def _form_context(values: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "formats": [(name, fmt.label) for name, fmt in REVIEW_FORMATS.items()],
        "date_orders": [order.value for order in DateOrder],
        "review_fields": REVIEW_FIELDS,
        "values": values or {"kind": "orders"},
        "errors": {},
    }


async def _list_page(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    jobs = await ImportJob.all().order_by("-id").limit(LISTED).prefetch_related("uploaded_by")
    context = {**context, "jobs": jobs, "format_label": format_label}
    return render(request, "transfer/imports.html", context, status_code=status_code)


@require_staff(Role.ADMIN)
async def imports(request: Request) -> Response:
    return await _list_page(request, _form_context())


@require_staff(Role.ADMIN)
async def import_upload(request: Request) -> Response:
    async with request.form() as form:  # parsed by the CSRF check; closing it removes the temporary file
        values = {key: str(form.get(key, "")) for key in ("kind", "format", "date_order", "map", "strict")}
        try:
            options = read_options(form)
            job = await store_upload(
                request.app.state.settings, form.get("file"), options, staff(request), datetime.now(UTC)
            )
        except InvalidInput as error:
            context = _form_context(values)
            context["errors"] = {problem.path: problem.reason for problem in error.errors}
            return await _list_page(request, context, status_code=error.status)
    return RedirectResponse(path_for("import_detail", job_id=job.id), status_code=303)


async def _job(request: Request) -> ImportJob:
    job = await ImportJob.get_or_none(id=request.path_params["job_id"]).prefetch_related("uploaded_by")
    if job is None:
        raise HTTPException(404, "There is no such import.")
    return job


@require_staff(Role.ADMIN)
async def import_detail(request: Request) -> Response:
    job = await _job(request)
    context = {"job": job, "format_label": format_label(job), "max_errors": MAX_ERRORS}
    return render(request, "transfer/import.html", context)


@require_staff(Role.ADMIN)
async def import_status(request: Request) -> Response:
    job = await _job(request)
    return JSONResponse(job.status(), headers={"Cache-Control": "no-store"})


async def _act(request: Request, action: str) -> Response:
    job = await _job(request)
    settings, now = request.app.state.settings, datetime.now(UTC)
    try:
        if action == "confirm":
            await confirm_import(job, staff(request), now)
        else:
            await discard_import(settings, job, staff(request), now)
    except ImportRefused as error:
        raise HTTPException(error.status, f"This import {error.reason}.") from None
    return RedirectResponse(path_for("import_detail", job_id=job.id), status_code=303)


@require_staff(Role.ADMIN)
async def import_confirm(request: Request) -> Response:
    return await _act(request, "confirm")


@require_staff(Role.ADMIN)
async def import_discard(request: Request) -> Response:
    return await _act(request, "discard")
