"""Keep secrets and customer text out of the logs.

Access lines show /r/…, never a link's token, and never the query string
(a search term or an address). Tracebacks keep their frames but not the exception's
message: a database error quotes the values it refused ("Key (email)=(dana@…)"),
and a validation error the text that was too long.
"""

from __future__ import annotations

import logging
import re
import traceback
from pathlib import Path

from hub.links.pages import mask_path_token

QUERY = re.compile(r"\?.*$", re.S)
WITHHELD = "(message withheld: it may quote request or customer text)"
REDACTED_LOGGERS = ("hub", "uvicorn", "uvicorn.error", "uvicorn.asgi")
# Tortoise's ValidationError starts with the field's name: "subject: Length of '…' 300 > 255".
FIELD_PREFIX = re.compile(r"^([a-z_][a-z0-9_]{0,63}):")
HUB_DIR = Path(__file__).resolve().parent


def describe(error: BaseException) -> str:
    """An error in one line for the log: its type, the field it names, where the hub raised it.

    Never its message: a database error quotes the values it refused.
    """
    name = type(error).__name__
    named = FIELD_PREFIX.match(str(error)) if name == "ValidationError" else None
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(str(HUB_DIR))]
    place = ""
    if frames:
        place = f" at {Path(frames[-1].filename).relative_to(HUB_DIR.parent)}:{frames[-1].lineno}"
    return f"{name}{f' ({named.group(1)})' if named else ''}{place}"


def redact_path(path: str) -> str:
    """The link service knows which paths hold a token (every route with ``{token}``)."""
    return mask_path_token(path, "…")


def loggable_path(path: str) -> str:
    """A request target for the log: the token of a link hidden, the query string left out."""
    return QUERY.sub("?…", redact_path(path))


def redacted_traceback(error: BaseException) -> str:
    """The traceback of ``error`` and of its causes: every frame, no message."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        parts.insert(0, f"Traceback (most recent call last):\n{frames}{_qualified(current)} {WITHHELD}")
        current = current.__cause__ or current.__context__
    return "\n\nDuring handling of the above exception, another exception occurred:\n\n".join(parts)


def _qualified(error: BaseException) -> str:
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


class RedactTokens(logging.Filter):
    """Rewrites the path argument of uvicorn's access lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            args[2] = loggable_path(str(args[2]))
            record.args = tuple(args)
        return True


class RedactExceptions(logging.Filter):
    """Replaces a record's traceback by `redacted_traceback`: the frames without the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redacted_traceback(record.exc_info[1])
            record.exc_info = None
        return True


def _add_once(target: logging.Logger | logging.Handler, kind: type[logging.Filter]) -> None:
    if not any(isinstance(f, kind) for f in target.filters):
        target.addFilter(kind())


def install() -> None:
    """Filter the access log, and every traceback of the hub's and uvicorn's loggers.

    A logger's filter sees only records logged on it, so the handlers of the root logger
    (where the hub's module loggers end up) get the traceback filter too.
    """
    _add_once(logging.getLogger("uvicorn.access"), RedactTokens)
    for name in REDACTED_LOGGERS:
        _add_once(logging.getLogger(name), RedactExceptions)
    for logger in (logging.getLogger(), logging.getLogger("uvicorn"), logging.getLogger("uvicorn.error")):
        for handler in logger.handlers:
            _add_once(handler, RedactExceptions)
