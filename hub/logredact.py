"""Keep signed-link tokens out of the logs: access lines show /r/…, never the token."""

from __future__ import annotations

import logging

from hub.invites.links import mask_path_token


def redact_path(path: str) -> str:
    """The link service knows which paths hold a token (every route with ``{token}``)."""
    return mask_path_token(path, "…")


class RedactTokens(logging.Filter):
    """Rewrites the path argument of uvicorn's access lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            args[2] = redact_path(str(args[2]))
            record.args = tuple(args)
        return True


def install() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in access.filters):
        access.addFilter(RedactTokens())
