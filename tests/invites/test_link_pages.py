"""Every customer link page, taken from the route table: private headers, and CSRF on every post."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hub.surveys.models import Survey
from starlette.routing import Route

from hub.app import all_routes
from hub.catalog.models import Customer, Order, OrderLine, Product
from hub.community.models import Answer, Question
from hub.community.profiles import profile_settings_url
from hub.community.share import photo_share_link
from hub.config import Settings
from hub.invites.links import is_link_page, issue_token, review_url
from hub.invites.models import LinkPurpose
from hub.mail.outbox import unsubscribe_url
from hub.staff.onboarding import invite_staff
from hub.surveys.surveys import issue_survey_link

PRIVATE = {"cache-control": "no-store", "referrer-policy": "no-referrer"}
# RFC 8058: a mail client posts List-Unsubscribe=One-Click with no session, so no CSRF token.
WITHOUT_CSRF = {"unsubscribe_one_click"}


def _link_routes() -> list[tuple[str, str, str]]:
    """(route name, method, path with a made-up token) for every link page of the app."""
    found = []
    for route in all_routes():
        if is_link_page(route):
            assert isinstance(route, Route)
            params = {name: "made-up-token" if name == "token" else "1" for name in route.param_convertors}
            path = route.url_path_for(route.name, **params)
            methods = sorted(set(route.methods or ()) - {"HEAD"})
            found += [(route.name, method, str(path)) for method in methods]
    return found


LINK_ROUTES = _link_routes()
POSTS = [(name, path) for name, method, path in LINK_ROUTES if method == "POST" and name not in WITHOUT_CSRF]


def test_the_route_table_names_every_kind_of_customer_link() -> None:
    prefixes = {path.split("/")[1] for _, _, path in LINK_ROUTES}
    assert {"r", "s", "u", "a", "share", "profile"} <= prefixes


@pytest.mark.parametrize(("name", "method", "path"), LINK_ROUTES, ids=[f"{m} {n}" for n, m, _ in LINK_ROUTES])
async def test_a_link_page_is_private_even_when_the_link_is_dead(
    client: httpx.AsyncClient, name: str, method: str, path: str
) -> None:
    answer = await client.request(method, path)
    assert answer.status_code >= 400
    assert {key: answer.headers.get(key) for key in PRIVATE} == PRIVATE


Links = dict[str, str]


@pytest.fixture
async def links(settings: Settings, db: str) -> Links:
    """A working link of each kind for Dana, by the first segment of its path."""
    dana = await Customer.create(email="dana@example.net", name="Dana Buyer")
    tent = await Product.create(external_id="tent-2p", name="Two-person tent")
    order = await Order.create(source="api", external_id="1001", customer=dana, placed_at=datetime.now(UTC))
    await OrderLine.create(order=order, product=tent)
    survey = await Survey.create(slug="fit", name="Fit")
    question = await Question.create(
        product=tent, asker_email="erin@example.org", body="Roomy?", status="published"
    )
    answer = await issue_token(
        LinkPurpose.ANSWER.value,
        customer=dana,
        subject_type="question",
        subject_id=question.id,
        ttl=timedelta(days=1),
    )
    review = await issue_token(LinkPurpose.REVIEW.value, customer=dana, order=order, ttl=timedelta(days=1))
    confirm = await issue_token(
        LinkPurpose.CONFIRM_ASKER.value,
        customer=None,
        subject_type="question",
        subject_id=question.id,
        ttl=timedelta(days=1),
    )
    _invited, staff_invite = await invite_staff(settings, None, "gus@example.com", ["agent"])
    urls = {
        "r": review_url(settings, review),
        "s": await issue_survey_link(settings, survey, dana, order),
        "u": unsubscribe_url(settings, dana.id),
        "a": settings.base_url + f"/a/{answer}",
        "share": await photo_share_link(settings, dana, order),
        "profile": profile_settings_url(settings, dana.id),
        "q": settings.base_url + f"/q/{confirm}",
        "login": staff_invite,
    }
    return {kind: url.removeprefix(settings.base_url) for kind, url in urls.items()}


GET_PAGES = sorted({path.split("/")[1] for _, method, path in LINK_ROUTES if method == "GET"})


@pytest.mark.parametrize("kind", GET_PAGES)
async def test_a_working_link_page_is_private(client: httpx.AsyncClient, links: Links, kind: str) -> None:
    page = await client.get(links[kind])
    assert page.status_code == 200
    assert {key: page.headers.get(key) for key in PRIVATE} == PRIVATE


async def test_pages_that_are_not_link_pages_keep_the_usual_policy(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    assert page.headers["referrer-policy"] == "same-origin" and "no-store" not in page.headers.get(
        "cache-control", ""
    )


@pytest.mark.parametrize(("name", "path"), POSTS, ids=[name for name, _ in POSTS])
async def test_every_post_on_a_link_page_needs_the_csrf_token(
    client: httpx.AsyncClient, name: str, path: str
) -> None:
    for body in ({"data": {"x": "1"}}, {"files": {"photo": ("a.png", b"x", "image/png")}}):
        answer = await client.post(path, **body)  # type: ignore[arg-type]
        assert answer.status_code == 403, name
        assert {key: answer.headers.get(key) for key in PRIVATE} == PRIVATE


CsrfPost = Callable[[str, dict[str, str]], Awaitable[httpx.Response]]


@pytest.fixture
def post_without_csrf(client: httpx.AsyncClient) -> CsrfPost:
    """Open the page (so the session has a token), then post the form without it."""

    async def post(path: str, data: dict[str, str]) -> httpx.Response:
        assert (await client.get(path)).status_code == 200
        return await client.post(path, data=data)

    return post


async def test_an_answer_without_the_csrf_token_changes_nothing(
    post_without_csrf: CsrfPost, links: Links
) -> None:
    answer = await post_without_csrf(links["a"], {"body": "Yes, two adults fit with their packs."})
    assert answer.status_code == 403 and not await Answer.exists()


async def test_a_profile_without_the_csrf_token_changes_nothing(
    post_without_csrf: CsrfPost, links: Links
) -> None:
    answer = await post_without_csrf(links["profile"], {"opt_in": "yes", "display_name": "Dana the Hiker"})
    dana = await Customer.get(email="dana@example.net")
    assert answer.status_code == 403 and dana.profile_opt_in_at is None and not dana.profile_name


async def test_preferences_without_the_csrf_token_change_nothing(
    client: httpx.AsyncClient, links: Links
) -> None:
    assert (await client.get(links["u"])).status_code == 200
    answer = await client.post(links["u"] + "/preferences", data={"kind": "offers"})
    dana = await Customer.get(email="dana@example.net")
    assert answer.status_code == 403 and dana.mail_opt_outs == [] and dana.unsubscribed_at is None
