from __future__ import annotations

import httpx
import pytest

from hub.config import Settings
from hub.dataio.ratelimit import FixedWindow, KeyedLimiter, parse_limits, path_group, upload_group, windows


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    limits = getattr(request, "param", {"login": (2, 60), "widget": (0, 60)})
    return settings.with_overrides(extra={"rate_limits": limits})


async def test_a_client_over_the_limit_gets_429_with_retry_after(client: httpx.AsyncClient) -> None:
    assert [(await client.get("/login")).status_code for _ in range(2)] == [200, 200]
    refused = await client.get("/login")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert (await client.get("/healthz")).status_code == 200


def test_only_public_paths_are_grouped_and_api_writes_are_not_limited() -> None:
    assert path_group("GET", "/api/v1/products/x/reviews") == "api"
    assert path_group("POST", "/api/v1/orders") is None
    assert path_group("POST", "/r/abc") == "review"
    assert path_group("GET", "/admin/cases") is None


def test_the_window_resets_and_counts_each_client_on_its_own() -> None:
    window = FixedWindow(limit=2, seconds=60)
    assert [window.hit("203.0.113.1", 120.0 + i) for i in range(2)] == [None, None]
    assert window.hit("203.0.113.1", 130.0) == 50.0
    assert window.hit("203.0.113.2", 130.0) is None
    assert window.hit("203.0.113.1", 180.0) is None


def test_a_limit_of_zero_turns_a_group_off() -> None:
    limits = windows({"widget": (0, 60), "login": (5, 10)})
    assert "widget" not in limits and (limits["login"].limit, limits["login"].seconds) == (5, 10)


def test_limits_are_read_from_text() -> None:
    assert parse_limits("login=30/60, review=0/60") == {"login": (30, 60), "review": (0, 60)}
    with pytest.raises(ValueError, match="'login=lots': use GROUP=REQUESTS/SECONDS"):
        parse_limits("login=lots")


def _post(path: str, content_type: str, method: str = "POST") -> dict[str, object]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(b"content-type", content_type.encode())],
    }


def test_every_post_that_can_carry_files_counts_as_an_upload_except_on_staff_pages() -> None:
    multipart = "multipart/form-data; boundary=x"
    assert upload_group(_post("/share/abc", multipart)) == "upload"
    assert upload_group(_post("/r/abc", "Multipart/Form-Data; boundary=x")) == "upload"
    assert upload_group(_post("/r/abc", "application/x-www-form-urlencoded")) is None
    assert upload_group(_post("/share/abc", multipart, method="GET")) is None
    assert upload_group(_post("/admin/import", multipart)) is None


@pytest.mark.parametrize("settings", [{"upload": (2, 600)}], indirect=True)
async def test_a_client_over_the_upload_limit_gets_429_before_anything_is_stored(
    client: httpx.AsyncClient,
) -> None:
    files = {"photo": ("a.png", b"x", "image/png")}
    answers = [await client.post(f"/share/link-{n}", files=files) for n in range(3)]
    assert [a.status_code for a in answers[:2]] == [403, 403]  # counted, then refused for CSRF
    assert answers[2].status_code == 429 and int(answers[2].headers["retry-after"]) >= 1
    assert (await client.get("/share/link-0")).status_code == 404, "reading the page is not an upload"


def test_a_service_limits_by_a_key_of_its_own_set_in_the_same_setting() -> None:
    parsed = parse_limits("question_address=3/600,login=5/60")
    assert parsed == {"question_address": (3, 600), "login": (5, 60)}
    clock = [100.0]
    limiter = KeyedLimiter(clock=lambda: clock[0])
    limits = {"question_address": (2, 60)}
    assert [limiter.hit(limits, "question_address", "erin@example.org") for _ in range(2)] == [None, None]
    assert limiter.hit(limits, "question_address", "erin@example.org") == 20.0
    assert limiter.hit(limits, "question_address", "fay@example.net") is None
    clock[0] = 120.0
    assert limiter.hit(limits, "question_address", "erin@example.org") is None
    assert all(limiter.hit({"question_product": (0, 60)}, "question_product", "7") is None for _ in range(9))
