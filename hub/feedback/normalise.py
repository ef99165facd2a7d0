"""Customer text clean-up: the first step of the moderation pipeline.

HTML is stripped (nh3 with no tags allowed, then entities unescaped), control characters
dropped, curly quotes straightened, whitespace normalised. Text over its limit is refused
with a field error, never silently cut.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

import nh3

TITLE_LIMIT = 150
BODY_LIMIT = 5000
NAME_LIMIT = 80
RATINGS = range(1, 6)

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00a0": " "})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")


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


def strip_html(text: str) -> str:
    return html.unescape(nh3.clean(text, tags=set()))


def clean_text(text: str, *, multiline: bool = True) -> str:
    """Plain, tidy text: no HTML, no control characters, straight quotes, single spaces."""
    text = unicodedata.normalize("NFC", strip_html(text).replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text).translate(_QUOTES)
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
