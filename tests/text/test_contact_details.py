"""Links, addresses and phone numbers found in customer text, whatever its shape."""

from __future__ import annotations

import pytest

from hub.text.contact_details import count_links, has_contact_details, mask_personal_data


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("Compare http://a.example with www.b.example before buying.", 2),
        ("Cheap pills at cheap-pills.shop and best-deals.xyz today", 2),
        ("I got mine from amazon.com.", 1),
        ("Go to buyhttps://spam.example/now", 1),
        ("Mail dana@example.com about it", 0),
        ("Version 2.0 fits, size 10.5 too", 0),
        ("a-" * 2500, 0),
        ("a." * 2500, 0),
    ],
)
def test_it_counts_web_addresses_and_bare_domains(text: str, links: int) -> None:
    assert count_links(text) == links


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Mail me at dana.b+tents@example.co.uk please", "Mail me at [email removed] please"),
        ("Call 555-123-4567 or +44 20 7946 0958", "Call [phone removed] or [phone removed]"),
        ("Bought 2024-05-01 in sizes 10 12 14", "Bought 2024-05-01 in sizes 10 12 14"),
        ("x" * 3000 + " no address here", "x" * 3000 + " no address here"),
    ],
)
def test_it_masks_addresses_and_phone_numbers(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Does it fit a 2 m sleeping pad?", False),
        ("Does it fit? Write to me: sam@example.org", True),
        ("Call me on 0161 496 0000", True),
        ("See www.other-shop.example for a cheaper one", True),
        ("Is the 2024-05-01 model waterproof?", False),
    ],
)
def test_it_tells_whether_a_text_holds_contact_details(text: str, found: bool) -> None:
    assert has_contact_details(text) is found
