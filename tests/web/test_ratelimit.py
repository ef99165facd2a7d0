from __future__ import annotations

import httpx
import pytest

from hub.config import Settings
from hub.web.ratelimit import DEFAULT_LIMITS, Limit, RateLimiter, parse_limits, path_group, upload_group


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    limits = getattr(request, "param", {"login": (2, 60), "widget": (0, 60)})
    return settings.with_rate_limits(**limits)


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


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


def test_the_window_opens_with_the_first_hit_and_counts_each_key_on_its_own() -> None:
    clock = Clock(120.0)
    limiter = RateLimiter(clock=clock)
    limit = Limit(2, 60)
    for second in (120.0, 121.0):
        clock.now = second
        assert limiter.hit("login", limit, "203.0.113.1") is None
    clock.now = 130.0
    assert limiter.hit("login", limit, "203.0.113.1") == 50.0
    assert limiter.hit("login", limit, "203.0.113.2") is None
    assert limiter.hit("review", limit, "203.0.113.1") is None, "another group counts on its own"
    clock.now = 180.0
    assert limiter.hit("login", limit, "203.0.113.1") is None


def test_a_limit_of_zero_turns_a_group_off() -> None:
    limiter = RateLimiter(clock=Clock(0.0))
    assert all(limiter.hit("widget", Limit(0, 60), "203.0.113.1") is None for _ in range(1000))


def test_it_keeps_no_key_in_the_clear_and_forgets_ended_windows() -> None:
    clock = Clock(1000.0)
    limiter = RateLimiter(clock=clock)
    limiter.hit("question_address", Limit(5, 60), "erin@example.org")
    assert "erin@example.org" not in repr(limiter.__dict__)
    clock.now = 2000.0
    limiter.hit("question_address", Limit(5, 60), "fay@example.net")
    assert len(limiter) == 1


def test_limits_are_read_from_text_over_the_defaults() -> None:
    limits = parse_limits("login=30/60, review=0/60")
    assert (limits["login"], limits["review"]) == (Limit(30, 60), Limit(0, 60))
    assert limits["api"] == DEFAULT_LIMITS["api"]
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
    limits = parse_limits("question_address=2/60,login=5/60")
    assert limits["question_address"] == Limit(2, 60)
    clock = Clock(100.0)
    limiter = RateLimiter(clock=clock)
    assert [limiter.allows(limits, "question_address", "erin@example.org") for _ in range(3)] == [
        True,
        True,
        False,
    ]
    assert limiter.hit("question_address", limits["question_address"], "erin@example.org") == 60.0
    assert limiter.allows(limits, "question_address", "fay@example.net")
    clock.now = 160.0
    assert limiter.allows(limits, "question_address", "erin@example.org")


def test_settings_change_only_the_groups_they_name() -> None:
    settings = Settings().with_rate_limits(login=(5, 60))
    assert settings.rate_limits["login"] == Limit(5, 60)
    assert settings.rate_limits["api"] == DEFAULT_LIMITS["api"]
    with pytest.raises(ValueError, match="no rate limit group everything"):
        Settings().with_rate_limits(everything=(1, 1))
