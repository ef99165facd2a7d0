"""The admin's code pool page: upload codes created in the store, see what is left."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from hub.advocacy.codes import check_terms, low_pools, named_pools, pool_figures, upload_codes
from hub.staff.accounts import audit
from hub.staff.models import Role
from hub.staff.web import require_staff, staff
from hub.templating import render
from hub.web.errors import InvalidInput
from hub.web.params import text

MAX_UPLOAD_BYTES = 2_000_000


async def _page(
    request: Request, error: InvalidInput | None = None, notice: str = "", status_code: int = 200
) -> Response:
    settings = request.app.state.settings
    wanted = named_pools(settings)
    context = {
        "pools": await pool_figures(),
        "low": await low_pools(settings.code_pool_low, wanted),
        "threshold": settings.code_pool_low,
        "error": error,
        "notice": notice,
    }
    return render(request, "advocacy/code_pools.html", context, status_code=status_code)


@require_staff(Role.ADMIN)
async def code_pools(request: Request) -> Response:
    return await _page(request)


async def _upload_text(value: object) -> str:
    if isinstance(value, UploadFile):
        data = await value.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise InvalidInput.one("file", "is larger than 2 MB")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput.one("file", "is not UTF-8 text") from None
    return text(value, "codes", max_length=MAX_UPLOAD_BYTES, strip=False)


@require_staff(Role.ADMIN)
async def code_pool_upload(request: Request) -> Response:
    async with request.form() as form:
        try:
            pool = text(form.get("pool"), "pool", max_length=32, required=True)
            terms = check_terms(
                pool,
                text(form.get("kind"), "kind", max_length=8),
                text(form.get("value"), "value", max_length=16),
                text(form.get("currency"), "currency", max_length=3, default="USD").upper(),
                text(form.get("minimum_order"), "minimum_order", max_length=16),
            )
            upload = form.get("file")
            has_file = isinstance(upload, UploadFile) and upload.filename
            added = await upload_codes(
                pool, terms, await _upload_text(upload if has_file else form.get("codes"))
            )
        except InvalidInput as error:
            return await _page(request, error, status_code=422)
    await audit(staff(request), "codes.upload", "code_pool", pool, codes=added)
    return await _page(request, notice=f"Added {added} codes to the pool {pool}.")
