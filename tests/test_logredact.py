from __future__ import annotations

import logging

import pytest

from hub.logredact import RedactTokens, redact_path


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
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d', ("127.0.0.1:5", "GET", "/r/secret", "1.1", 200),
                               None)
    RedactTokens().filter(record)
    assert "secret" not in record.getMessage()
