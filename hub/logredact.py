"""Keep signed-link tokens out of the logs: access lines show /r/…, never the token."""

from __future__ import annotations

import logging
import re

TOKEN_PATH = re.compile(r"^(/(?:r|s|u|a|q|answer|share|profile)/)[^/?\s]+")


def redact_path(path: str) -> str:
    return TOKEN_PATH.sub(r"\1…", path)


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
