"""Stranger text as mail quotes it: no part of it can become a link, in either part."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markupsafe import escape

from hub.text.plain import defanged, inert

HOSTILE = [
    "http://evil.example/win",
    "HTTPS://EVIL.EXAMPLE",
    "www.evil.example",
    "evil.example/path?x=1",
    "eve@evil.example",
    "javascript:alert(1)",
    '<a href="https://evil.example">win</a>',
    "<script>alert('x')</script> & more",
]


class _Nodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


@pytest.mark.parametrize("text", HOSTILE)
def test_the_html_part_is_escaped_text_in_which_no_mark_shares_a_text_node(text: str) -> None:
    nodes = _Nodes()
    nodes.feed(str(inert(text)))
    assert nodes.tags <= {"span"}, "only the hub's own spans, never the stranger's tags"
    assert "".join(nodes.texts) == defanged(text)
    for node in nodes.texts:
        assert len(node) == 1 or not set(node) & set(".@:/"), node


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("See http://evil.example/win now.", "See http[:]//evil[.]example/win now."),
        ("www.evil.example", "www[.]evil[.]example"),
        ("Mail eve@evil.example", "Mail eve[at]evil[.]example"),
        ("Fine. Really fine.", "Fine. Really fine."),
        ("Cheaper (at cheap-pills.shop), really.", "Cheaper (at cheap-pills[.]shop), really."),
    ],
)
def test_the_text_part_defangs_links_and_addresses_only(text: str, shown: str) -> None:
    assert defanged(text) == shown


def test_plain_text_without_links_reads_the_same_in_html() -> None:
    assert str(inert("Tom & Jerry's tent")) == str(escape("Tom & Jerry's tent"))
    assert defanged(None) == "" and str(inert("")) == ""


def test_a_long_hostile_text_is_read_in_one_pass() -> None:
    text = "a-" * 50_000 + " www.evil.example"
    assert defanged(text).endswith(" www[.]evil[.]example")
    assert str(inert(text)).endswith("www[<span>.</span>]evil[<span>.</span>]example")
