from __future__ import annotations

import logging

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from tortoise.exceptions import IntegrityError

from hub.app import server_error
from hub.logredact import RedactExceptions, RedactTokens, install, redact_path


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/r/AbC123_secret-token", "/r/…"),
        ("/r/AbC123_secret-token/thanks", "/r/…/thanks"),
        ("/s/tok?x=1", "/s/…?x=1"),
        ("/u/eyJhbGciOi.sig/preferences", "/u/…/preferences"),
        ("/profile/signed.token", "/profile/…"),
        ("/q/AbC123_confirm-token", "/q/…"),
        ("/admin/cases", "/admin/cases"),
    ],
)
def test_it_hides_the_token_of_a_signed_link(path: str, shown: str) -> None:
    assert redact_path(path) == shown


def test_it_rewrites_uvicorns_access_line() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/r/secret", "1.1", 200),
        None,
    )
    RedactTokens().filter(record)
    assert "secret" not in record.getMessage()


def test_the_access_line_leaves_out_the_query_string() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/admin/cases?q=dana@example.net", "1.1", 200),
        None,
    )
    RedactTokens().filter(record)
    assert record.getMessage() == '127.0.0.1:5 - "GET /admin/cases?… HTTP/1.1" 200'


CUSTOMER_TEXT = "dana.buyer@example.net wrote: the tent leaked"


def _database_error() -> Exception:
    try:
        try:
            raise ValueError(f"Key (email)=({CUSTOMER_TEXT}) already exists.")
        except ValueError as inner:
            raise IntegrityError(f"duplicate key: {CUSTOMER_TEXT}") from inner
    except IntegrityError as error:
        return error


def _formatted(record: logging.LogRecord) -> str:
    return logging.Formatter("%(levelname)s %(name)s %(message)s").format(record)


def test_a_logged_traceback_keeps_its_frames_but_no_customer_text() -> None:
    error = _database_error()
    record = logging.LogRecord(
        "uvicorn.error",
        logging.ERROR,
        __file__,
        1,
        "Exception in ASGI application",
        None,
        (type(error), error, error.__traceback__),
    )
    RedactExceptions().filter(record)
    text = _formatted(record)
    assert "_database_error" in text and "tortoise.exceptions.IntegrityError (message withheld" in text
    assert "ValueError (message withheld" in text
    assert "dana" not in text and "leaked" not in text


def test_installing_puts_the_traceback_filter_on_uvicorns_error_log() -> None:
    install()
    record = logging.LogRecord(
        "uvicorn.error",
        logging.ERROR,
        __file__,
        1,
        "Exception in ASGI application",
        None,
        (IntegrityError, _database_error(), None),
    )
    assert all(f.filter(record) for f in logging.getLogger("uvicorn.error").filters)
    assert "dana" not in _formatted(record)


async def test_the_server_error_handler_logs_the_error_type_and_frames_but_no_request_text(
    app: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/r/secret-token",
        "query_string": b"q=dana",
        "headers": [],
        "app": app,
        "router": app.router,
        "session": {},
    }
    with caplog.at_level(logging.ERROR):
        response = await server_error(Request(scope), _database_error())
    assert response.status_code == 500
    assert "unhandled error on POST /r/…: IntegrityError" in caplog.text
    assert "_database_error" in caplog.text
    assert "dana" not in caplog.text and "secret-token" not in caplog.text
