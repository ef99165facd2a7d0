"""Text clean-up and tokenising for the sentiment scorer.

Customer text arrives with curly quotes, HTML entities and odd spaces. Scoring works on a
normalised copy; `Normalised.span` maps positions in that copy back to the original text so
that evidence can be highlighted where the customer actually typed it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_CHARS = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u00a0": " ",
    }
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")

# Words (with inner apostrophes and hyphens: "don't", "see-through"), the punctuation that
# ends a negation's reach, and line breaks, which end a title or heading.
TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*|[.!?;:,()]|\n")


@dataclass(frozen=True, slots=True)
class Normalised:
    """A normalised text and, when entities were expanded, where each character came from."""

    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the span [start, end) of the normalised text onto the original text."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def normalise(text: str) -> Normalised:
    """Expand HTML entities and straighten quotes, keeping a map back to `text`."""
    if "&" not in text:
        return Normalised(text.translate(_CHARS))
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _ENTITY.finditer(text):
        _append(pieces, starts, ends, text[position : match.start()], position, None)
        _append(pieces, starts, ends, html.unescape(match.group()), match.start(), match.end())
        position = match.end()
    _append(pieces, starts, ends, text[position:], position, None)
    return Normalised("".join(pieces).translate(_CHARS), tuple(starts), tuple(ends))


def _append(
    pieces: list[str], starts: list[int], ends: list[int], piece: str, at: int, end: int | None
) -> None:
    pieces.append(piece)
    for offset in range(len(piece)):
        starts.append(at if end is not None else at + offset)
        ends.append(end if end is not None else at + offset + 1)


def tokens(text: str) -> list[str]:
    """Lower-case word and punctuation tokens of an already normalised text."""
    return TOKEN.findall(text.lower())
