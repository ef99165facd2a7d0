"""/healthz: is the database answering?"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise import connections


async def healthz(request: Request) -> JSONResponse:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as error:  # any failure means unhealthy; the cause goes to the log
        request.app.state.log.warning("healthz: database check failed: %s", type(error).__name__)
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})
