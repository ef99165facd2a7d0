from __future__ import annotations

import httpx

from hub.config import Settings
from hub.staff.models import StaffUser
from hub.triage.highlight import highlight
from tests.conftest import log_in, make_customer, make_order, make_product
from tests.triage.conftest import make_case


def test_it_marks_each_evidence_span_and_escapes_the_rest() -> None:
    text = "<b>Bad</b> & broken"
    marked = highlight(text, [[13, 19, "broken_item"], [0, 3, "html"], [100, 120, "out_of_range"]])
    assert str(marked) == (
        '<mark title="html">&lt;b&gt;</mark>Bad&lt;/b&gt; &amp; <mark title="broken item">broken</mark>'
    )


def test_it_ignores_overlapping_and_malformed_spans() -> None:
    marked = highlight("never arrived", [[0, 13, "a"], [6, 13, "b"], ["x", 2], [5, 2, "c"]])
    assert str(marked) == '<mark title="a">never arrived</mark>'


async def test_the_case_page_highlights_evidence_without_rendering_customer_markup(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    body = "<script>alert(1)</script> It never arrived."
    start = body.index("never arrived")
    case = await make_case(settings, body=body, evidence=((start, start + 13, "not_delivered"),))
    await log_in(client, bob)
    page = await client.get(f"/admin/cases/{case.id}")
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert '<mark title="not delivered">never arrived</mark>' in page.text


async def test_the_case_page_shows_the_order_the_history_and_the_timeline(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    customer = await make_customer(name="Dana Buyer")
    await make_order(customer, await make_product("Camp Stove"), total="30.50")
    earlier = await make_case(settings, customer=customer)
    case = await make_case(settings, customer=customer, order_id="SHOP-9")
    await log_in(client, bob)
    page = (await client.get(f"/admin/cases/{case.id}")).text
    assert "Order SHOP-9" in page and "Trail Tent" in page
    assert '<dd id="lifetime-value">270.50 USD</dd>' in page
    assert earlier.reference in page
    assert "created" in page and "Timeline" in page


async def test_an_unknown_case_is_not_found(client: httpx.AsyncClient, bob: StaffUser) -> None:
    await log_in(client, bob)
    assert (await client.get("/admin/cases/999")).status_code == 404
