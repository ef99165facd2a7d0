"""Markup a customer sends, as entities or not, never comes out live: not stored, not in JSON-LD."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from hub.reviews.models import Review

from tests.widget.conftest import Shop
from tests.widget.test_keyed_api import KeyMaker, bearer, review_body

PAYLOADS = [
    "Love it &lt;/script&gt;&lt;svg onload=alert(1)&gt;",
    "Love it </script><svg onload=alert(1)>",
    "Love it &amp;lt;/script&amp;gt;&amp;lt;svg onload=alert(1)&amp;gt;",
    'Love it "><img src=x onerror=alert(1)>',
    "Love it <\u200bscript>alert(1)<\u200b/script>",
    "Love it &#60;/script&#62;&#x3c;svg/onload=alert(1)&#x3e;",
    "Love it <<svg>svg onload=alert(1)>",
]
TAG = re.compile(r"<[a-zA-Z/!?]")


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_a_store_form_review_keeps_no_tag_in_any_text_it_stores(
    client: httpx.AsyncClient, shop: Shop, api_key: KeyMaker, payload: str
) -> None:
    body = review_body(title=payload, display_name=payload, body=f"Warm and dry. {payload}")
    response = await client.post("/api/v1/reviews", json=body, headers=bearer(await api_key("reviews:write")))
    assert response.status_code == 201, response.text
    review = await Review.get(id=response.json()["id"])
    for text in (review.title, review.display_name, review.body):
        assert text.startswith(("Love it", "Warm and dry. Love it")) and not TAG.search(text)


async def test_the_jsonld_escapes_what_an_old_row_still_holds(client: httpx.AsyncClient, shop: Shop) -> None:
    title = "Love it </script><svg onload=alert(1)>"
    await Review.filter(id=shop.reviews[0].id).update(title=title, display_name="</SCRIPT ><b>&amp;")
    text = (await client.get("/widget/products/tent-2p/jsonld")).text
    assert "<" not in text and ">" not in text and "&" not in text
    newest = json.loads(text)["review"][0]
    assert (newest["name"], newest["author"]["name"]) == (title, "</SCRIPT ><b>&amp;")
