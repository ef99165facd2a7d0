"""The one detector of links, e-mail addresses and phone numbers, linear in the text's length."""

from __future__ import annotations

import pytest

from hub.feedback import contacts, spam


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Visit www.example.com for more", ("link",)),
        ("Is it like https://evil.example/tent?", ("link",)),
        ("Cheaper at other-shop.com.", ("link",)),
        ("See (bit.ly/abc) now", ("link",)),
        ("mailto:eve@example.org", ("link",)),
        ("Write to fay.b@example.org, thanks", ("email",)),
        ("Ring +44 20 7946 0958 today", ("phone",)),
        ("Call (555) 123-4567 or 555.123.4567", ("phone",)),
        ("Bought on 2024-05-01, size 10.5, e.g. for 2 adults", ()),
        ("Model AB1234567 and 1,299.00 dollars", ()),
        ("Hello.Is it warm? I'm 1.80 m tall", ()),
        ("@home it is fine", ()),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_it_finds_what_reaches_someone_and_nothing_else(text: str, kinds: tuple[str, ...]) -> None:
    assert contacts.kinds(text) == kinds


def test_it_says_where_each_one_is() -> None:
    text = "See www.a-shop.com. Or a@b.io"
    assert [(c.kind, text[c.start : c.end]) for c in contacts.find(text)] == [
        ("link", "www.a-shop.com"),
        ("email", "a@b.io"),
    ]


def test_spam_counts_links_with_the_same_detector() -> None:
    assert spam.count_links("www.a.com http://b.org c.net and d@e.com") == 3


# Inputs on which the old backtracking patterns took time growing with the square of the length.
@pytest.mark.parametrize(
    "text",
    [
        "a-" * 50_000,
        "a" * 100_000,
        "a." * 50_000,
        "1 " * 50_000 + "a",
        "(1" * 50_000,
        "a@" * 50_000,
        "www." * 25_000,
    ],
)
def test_hostile_inputs_are_read_in_one_pass(text: str) -> None:
    assert contacts.count_links(text) <= 1
    contacts.find(text)
