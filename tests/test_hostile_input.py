"""A hostile value in each parameter of each route answers 4xx, never 5xx.

The routes come from the app's own route table (`all_routes`), so a new route is
attacked without being listed here. For each route and method, each path parameter,
the query parameters and form fields the route's module reads (found in its source)
plus a fixed set of common names, and the JSON bodies of the API and the webhooks get
the values that broke hubs before: "²", "-1", a 20-digit number, 10,000 characters, a
NUL byte, an empty value, a year 9999, text where an object was expected. Requests
carry a logged-in admin, a valid CSRF token, a valid API key and signed webhook
bodies, and the database holds a shop (a product with reviews, an order, a case, a
survey, a question with an answer, a photo, a mail, every kind of signed link), so
the requests reach the code behind the checks.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from starlette.routing import BaseRoute, Mount, Route

from hub.advocacy.models import ReferralCode
from hub.app import all_routes
from hub.catalog.models import Customer, Order, OrderLine, Product
from hub.community.asking import answer_url
from hub.community.models import Answer, Question
from hub.community.profiles import profile_settings_url
from hub.community.share import photo_share_link
from hub.config import Settings
from hub.intake.submit import submit_review
from hub.links.models import LinkPurpose
from hub.links.tokens import issue_token
from hub.mail.outbox import enqueue, unsubscribe_url
from hub.orders.shopify import signature_of
from hub.photos.models import Photo
from hub.staff.apikeys import SCOPES, create_api_key
from hub.staff.models import StaffUser
from hub.surveys.models import Survey, SurveyQuestion
from hub.surveys.surveys import issue_survey_link
from hub.triage.cases import open_case
from hub.triage.models import CannedResponse
from tests.conftest import csrf_from, log_in

SHOPIFY_SECRET, WOOCOMMERCE_SECRET = "shpss_hostile", "wc_hostile"
ORDER_TESTS = Path(__file__).parent / "orders"
HUB = Path(__file__).parent.parent / "hub"

HOSTILE: tuple[str, ...] = (
    "²",
    "-1",
    "99999999999999999999",
    "x" * 10_000,
    "a\x00b",
    "",
    "9999-12-31",
    "9999-12-31T23:59:59Z",
    "ü" * 300,
    "{}",
    " ",
    "../../etc/passwd",
)
# Sent one field at a time: the values a parser most often mistakes.
SHARP: tuple[str, ...] = ("²", "-1", "99999999999999999999", "x" * 10_000, "a\x00b", "9999-12-31")
HOSTILE_JSON: tuple[Any, ...] = (
    "x" * 10_000,
    "a\x00b",
    "",
    -1,
    10**20,
    1.5,
    True,
    None,
    [],
    {},
    ["x"],
    {"a": "b"},
    "9999-12-31T23:59:59Z",
    "²",
)
COMMON_NAMES = (
    "page",
    "limit",
    "sort",
    "q",
    "status",
    "rating",
    "product",
    "id",
    "ids",
    "before",
    "after",
    "from",
    "to",
    "since",
    "cursor",
    "group",
    "customer",
    "stage",
    "email",
    "name",
    "body",
    "title",
    "reason",
    "action",
    "next",
    "priority",
    "assignee",
    "score",
    "points",
    "badge",
    "kind",
    "format",
    "with_photos",
    "frame",
    "part",
    "saved",
    "field",
    "product_id",
)
GET_NAME = re.compile(r"""\.get(?:list)?\(\s*f?["']([A-Za-z_][\w-]{0,40})["']""")
URL_ROOM = 12_000  # below the request-line limits of uvicorn and common proxies
NOT_HERE = {"logout"}  # would end the admin's session for the routes after it


@dataclass(frozen=True)
class Endpoint:
    path: str
    method: str
    name: str
    module: str


def _walk(routes: list[BaseRoute], prefix: str = "") -> Iterator[Endpoint]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _walk(list(route.routes or []), prefix + route.path)
        elif isinstance(route, Route):
            module = getattr(inspect.unwrap(route.endpoint), "__module__", "") or ""
            for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                yield Endpoint(prefix + route.path, method, route.name, module)


ENDPOINTS = [e for e in _walk(all_routes()) if e.name not in NOT_HERE]
MODULES = sorted({e.module for e in ENDPOINTS})


def names_read_by(module: str) -> tuple[str, ...]:
    """The parameter names the module (and the package's other modules) read from a mapping."""
    source = inspect.getsource(__import__(module, fromlist=["_"]))
    return tuple(dict.fromkeys(GET_NAME.findall(source)))


def actions_of_package(module: str) -> tuple[str, ...]:
    """Every value of the package's ``ACTIONS`` and ``*_ACTIONS`` constants: what ``{action}`` takes."""
    package = HUB / Path(*module.split(".")[1:-1])
    found: list[str] = []
    for path in sorted(package.glob("*.py")):
        loaded = importlib.import_module(".".join([*module.split(".")[:-1], path.stem]))
        for name, value in vars(loaded).items():
            if name.endswith("ACTIONS") and isinstance(value, dict | tuple | set | frozenset):
                found.extend(str(action) for action in value)
    return tuple(dict.fromkeys(found))


def names_of_package(module: str) -> tuple[str, ...]:
    package = HUB / Path(*module.split(".")[1:-1])
    found = [GET_NAME.findall(path.read_text()) for path in sorted(package.glob("*.py"))]
    return tuple(dict.fromkeys(name for names in found for name in names))


@dataclass
class Shop:
    """The rows and links a route needs to get past its lookups."""

    path_values: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    api_key: str = ""
    csrf: str = ""
    # Fields whose names hold an id (a survey's q<id>, the review form's rating-<product id>).
    field_names: tuple[str, ...] = ()


def _token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


async def _links(
    settings: Settings, shop: Shop, customer: Customer, order: Order, question: Question, survey: Survey
) -> None:
    review = await issue_token(LinkPurpose.REVIEW, customer=customer, order=order, ttl=settings.invite_expiry)
    shop.tokens.update(
        r=review,
        u=_token_of(await unsubscribe_url(settings, customer)),
        s=_token_of(await issue_survey_link(settings, survey, customer, order)),
        a=_token_of(await answer_url(settings, question, customer, datetime.now(UTC))),
        share=_token_of(await photo_share_link(settings, customer, order)),
        profile=_token_of(await profile_settings_url(settings, customer)),
    )


async def build_shop(settings: Settings, alice: StaffUser) -> Shop:
    tent = await Product.create(external_id="tent-2p", name="Trail Tent", url="https://shop.example/t")
    dana = await Customer.create(email="dana@example.net", name="Dana Buyer")
    order = await Order.create(
        source="api", external_id="1001", customer=dana, placed_at=datetime(2025, 5, 1, tzinfo=UTC)
    )
    await OrderLine.create(order=order, product=tent)
    result = await submit_review(
        settings,
        product=tent,
        rating=1,
        title="Broken",
        body="The pole snapped on the first night, very disappointed.",
        display_name="Dana",
        customer=dana,
        order=order,
    )
    review = result.review
    case = await open_case(
        settings,
        reasons=["low_rating"],
        priority="high",
        customer=dana,
        review=review,
        order=order,
        product=tent,
    )
    survey = await Survey.create(slug="after", name="After your order", purpose="post_purchase")
    prompt = await SurveyQuestion.create(survey=survey, kind="nps", prompt="Recommend us?", position=1)
    question = await Question.create(
        product=tent,
        asker_email="erin@example.org",
        asker_name="Erin",
        body="Does it fit two?",
        status="published",
        published_at=datetime.now(UTC),
    )
    answer = await Answer.create(question=question, customer=dana, body="Yes.", status="published")
    photo = await Photo.create(
        review=review,
        product=tent,
        status="pending",
        web_name="p.webp",
        thumb_name="p-t.webp",
        width=10,
        height=10,
    )
    canned = await CannedResponse.create(title="Sorry", body="We are sorry.")
    message = await enqueue(
        settings,
        kind="review_request",
        template="test_message",
        context={"name": "Dana"},
        to=dana.email,
        customer=dana,
    )
    await ReferralCode.create(customer=dana, code="DANA-1")
    _key, raw_key = await create_api_key("hostile", list(SCOPES))
    per_product = ("rating", "title", "body", "name_style", "consent", "photos", "website")
    shop = Shop(
        api_key=raw_key, field_names=(f"q{prompt.id}", *(f"{name}-{tent.id}" for name in per_product))
    )
    shop.path_values.update(
        sku="tent-2p",
        review_id=str(review.id),
        case_id=str(case.id),
        survey_id=str(survey.id),
        question_id=str(question.id),
        answer_id=str(answer.id),
        photo_id=str(photo.id),
        customer_id=str(dana.id),
        canned_id=str(canned.id),
        code="DANA-1",
        name="p.webp",
        message_id=str(message.id if message else 1),
        kind="reviews",
        fmt="csv",
        action="note",
        survey_question_id=str(prompt.id),
    )
    await _links(settings, shop, dana, order, question, survey)
    return shop


PATH_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def good_path_value(shop: Shop, endpoint: Endpoint, name: str) -> str:
    if name == "token":
        prefix = endpoint.path.split("/")[1]
        return shop.tokens.get(prefix, "")
    if name == "question_id" and endpoint.path.startswith("/admin/surveys"):
        return shop.path_values["survey_question_id"]
    return shop.path_values.get(name, "1")


def fill_path(shop: Shop, endpoint: Endpoint, hostile: tuple[str, str] | None = None) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        raw = hostile[1] if hostile and hostile[0] == name else good_path_value(shop, endpoint, name)
        return quote(raw, safe="")

    return PATH_PARAM.sub(value, endpoint.path)


def _where(error: Exception) -> str:
    """The error and the last line of the hub's own code it passed: what to fix."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f"{HUB}/" in f.filename]
    place = f" at {Path(frames[-1].filename).relative_to(HUB)}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{place}"


@dataclass
class Attack:
    client: httpx.AsyncClient
    shop: Shop
    failures: list[str] = field(default_factory=list)

    def headers(self, endpoint: Endpoint) -> dict[str, str]:
        headers = {"Origin": "https://shop.example"}
        if endpoint.path.startswith("/api/"):
            headers["Authorization"] = f"Bearer {self.shop.api_key}"
        return headers

    async def send(self, endpoint: Endpoint, url: str, what: str, **options: Any) -> None:
        headers = {**self.headers(endpoint), **options.pop("headers", {})}
        try:
            response = await self.client.request(endpoint.method, url, headers=headers, **options)
        except Exception as error:  # the transport re-raises what the app's 500 handler logged
            self.failures.append(f"{endpoint.method} {endpoint.path} {what}: {_where(error)}")
            return
        if response.status_code >= 500:
            self.failures.append(f"{endpoint.method} {endpoint.path} {what}: {response.status_code}")

    async def form(self, endpoint: Endpoint, url: str, values: dict[str, str], what: str) -> None:
        if endpoint.method == "GET":
            room = URL_ROOM // max(1, len(values)) // 6  # httpx refuses a query past 64 KiB; %XX
            await self.send(endpoint, url, what, params={k: v[:room] for k, v in values.items()})
            return
        await self.send(endpoint, url, what, data={**values, "csrf_token": self.shop.csrf})


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list) and value:
        yield from _leaves(value[0], (*path, 0))


def _replaced(document: Any, path: tuple[Any, ...], new: Any) -> Any:
    copied = copy.deepcopy(document)
    target = copied
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return copied


def sample_body(endpoint: Endpoint) -> Any:
    """A valid JSON body for the route, whose every field then gets each hostile value."""
    order = {
        "id": "2001",
        "customer": {"email": "erin@example.org", "name": "Erin"},
        "placed_at": "2025-03-01T10:00:00Z",
        "referral_code": "DANA-1",
        "lines": [{"product": {"id": "tent-2p", "name": "Trail Tent"}, "quantity": 1, "price": "199.90"}],
    }
    samples: dict[str, Any] = {
        "api_orders": order,
        "api_orders_batch": {"orders": [order]},
        "api_review_create": {
            "sku": "tent-2p",
            "rating": 5,
            "title": "Good",
            "body": "A fine tent.",
            "display_name": "Erin",
            "order_id": "1001",
            "email": "dana@example.net",
        },
        "api_review_vote": {"voter": "v" * 16, "helpful": True},
        "api_answer_vote": {"voter": "v" * 16, "helpful": True},
        "api_question_create": {"email": "erin@example.org", "name": "Erin", "body": "Is it warm?"},
        "webhook_shopify": json.loads((ORDER_TESTS / "shopify_order.json").read_text()),
        "webhook_woocommerce": json.loads((ORDER_TESTS / "woocommerce_order.json").read_text()),
    }
    return samples.get(endpoint.name, {name: "x" for name in names_read_by(endpoint.module)})


def signed(endpoint: Endpoint, body: bytes) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if endpoint.name == "webhook_shopify":
        headers.update(
            {
                "X-Shopify-Topic": "orders/create",
                "X-Shopify-Webhook-Id": "h-1",
                "X-Shopify-Hmac-Sha256": signature_of(SHOPIFY_SECRET, body),
            }
        )
    if endpoint.name == "webhook_woocommerce":
        headers.update(
            {
                "X-WC-Webhook-Topic": "order.updated",
                "X-WC-Webhook-Delivery-ID": "h-1",
                "X-WC-Webhook-Signature": signature_of(WOOCOMMERCE_SECRET, body),
            }
        )
    return headers


async def attack_json(attack: Attack, endpoint: Endpoint, url: str) -> None:
    sample = sample_body(endpoint)
    documents: list[tuple[str, Any]] = [(f"body={v!r:.20}", v) for v in HOSTILE_JSON]
    documents += [
        (f"{'/'.join(map(str, p))}={v!r:.20}", _replaced(sample, p, v))
        for p in _leaves(sample)
        for v in HOSTILE_JSON
    ]
    for what, document in documents:
        body = json.dumps(document).encode()
        await attack.send(endpoint, url, what, content=body, headers=signed(endpoint, body))


async def attack_endpoint(attack: Attack, endpoint: Endpoint) -> None:
    for name in PATH_PARAM.findall(endpoint.path):
        for value in HOSTILE:
            url = fill_path(attack.shop, endpoint, (name, value))
            await attack.send(endpoint, url, f"{name}={value!r:.20}")
    if "{action" not in endpoint.path:
        await attack_fields(attack, endpoint, fill_path(attack.shop, endpoint))
        return
    for action in actions_of_package(endpoint.module):
        await attack_fields(attack, endpoint, fill_path(attack.shop, endpoint, ("action", action)))


async def attack_fields(attack: Attack, endpoint: Endpoint, url: str) -> None:
    every = (*COMMON_NAMES, *attack.shop.field_names, *names_of_package(endpoint.module))
    for value in HOSTILE:
        await attack.form(endpoint, url, dict.fromkeys(every, value), f"every field={value!r:.20}")
    link_fields = attack.shop.field_names if "{token" in endpoint.path else ()
    for name in (*names_read_by(endpoint.module), *link_fields):
        for value in SHARP:
            await attack.form(endpoint, url, {name: value}, f"{name}={value!r:.20}")
    if endpoint.method == "POST":
        await attack.send(endpoint, url, "a non-ASCII CSRF token", data={"csrf_token": "jeton-é-" + "ü" * 40})
        await attack.send(
            endpoint, url, "a non-ASCII CSRF header", headers={"X-CSRF-Token": "é".encode("latin-1")}
        )  # type: ignore[dict-item]
    if endpoint.method == "POST" and endpoint.path.startswith(("/api/", "/webhooks/")):
        await attack_json(attack, endpoint, url)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    off = {group: (0, 60) for group in ("api", "widget", "review", "survey", "unsubscribe", "login")}
    return settings.with_rate_limits(**off).with_overrides(
        shopify_secret=SHOPIFY_SECRET,
        woocommerce_secret=WOOCOMMERCE_SECRET,
        store_origins=("https://shop.example",),
        embedded_worker=False,
    )


@pytest.mark.parametrize("module", MODULES)
async def test_no_route_answers_a_server_error_to_a_hostile_value(
    client: httpx.AsyncClient, settings: Settings, alice: StaffUser, module: str
) -> None:
    shop = await build_shop(settings, alice)
    await log_in(client, alice)
    shop.csrf = await csrf_from(client, "/admin/settings")
    attack = Attack(client, shop)
    for endpoint in (e for e in ENDPOINTS if e.module == module):
        await attack_endpoint(attack, endpoint)
    assert not attack.failures, "\n".join(dict.fromkeys(attack.failures))
