"""Customer text clean-up: the first step of the moderation pipeline.

Entities are decoded once, control characters dropped and curly quotes straightened;
then every tag is dropped, and nothing is decoded or removed after that, so the stored
text holds no markup: ``&lt;/script&gt;`` is decoded to the ``</script>`` it spells and
dropped as a tag, instead of being decoded after the cleaner ran and stored live. Pages
and JSON escape what they show all the same. Whitespace is normalised last. Text over
its limit is refused with a field error, never silently cut.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

TITLE_LIMIT = 150
BODY_LIMIT = 5000
NAME_LIMIT = 80
RATINGS = range(1, 6)

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00a0": " ",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_HIDDEN_CONTENT = frozenset({"script", "style"})
_TAG_START = re.compile(r"<[a-zA-Z/!?]")


class SubmissionError(ValueError):
    """A submission the hub refuses: `field` names the input, `reason` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class CleanText:
    rating: int
    title: str
    body: str


class _TextOnly(HTMLParser):
    """The text of an HTML fragment: tags, comments and script or style contents left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in _HIDDEN_CONTENT

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_CONTENT and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    def text_of(self, fragment: str) -> str:
        self.feed(fragment)
        # Left unparsed: an unfinished tag at the end (`<svg onload=…`), dropped, or a lone `<`.
        if not _TAG_START.match(self.rawdata):
            self.handle_data(self.rawdata)
        # A `<` before a dropped tag may now touch a letter (`<<b>i`): it stays text.
        return _TAG_START.sub(lambda start: "< " + start[0][1], "".join(self.parts))


def strip_tags(text: str) -> str:
    """``text`` (already decoded) without tags; every ``&`` is escaped so nothing is decoded twice."""
    return _TextOnly().text_of(text.replace("&", "&amp;"))


def clean_text(text: str, *, multiline: bool = True) -> str:
    """Plain, tidy text: no HTML, no control characters, straight quotes, single spaces.

    Entities are decoded and characters dropped before the tags go, never after: so
    neither `&lt;script&gt;` nor `<\u200bscript>` can come out as `<script>`.
    """
    text = unicodedata.normalize("NFC", html.unescape(text).replace("\r\n", "\n").replace("\r", "\n"))
    text = strip_tags(_CONTROL.sub("", text).translate(_QUOTES))
    if not multiline:
        return " ".join(text.split())
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def limited(field: str, text: str, limit: int) -> str:
    if len(text) > limit:
        raise SubmissionError(field, f"is {len(text)} characters long; the limit is {limit}")
    return text


def valid_rating(rating: object) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATINGS:
        raise SubmissionError("rating", "choose from 1 to 5 stars")
    return rating


def clean_submission(rating: object, title: str, body: str) -> CleanText:
    """The rating checked and the title and body cleaned, or a `SubmissionError`."""
    return CleanText(
        rating=valid_rating(rating),
        title=limited("title", clean_text(title or "", multiline=False), TITLE_LIMIT),
        body=limited("body", clean_text(body or ""), BODY_LIMIT),
    )


def clean_name(name: str) -> str:
    return limited("display_name", clean_text(name or "", multiline=False), NAME_LIMIT)
