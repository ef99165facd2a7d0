"""Finding the complaint and urgency phrases of `sentiment_phrases` in a text, fast.

All codes' patterns are scanned in one pass. Python's regex engine skips an alternative
cheaply only when it starts with a plain letter, so the alternatives are regrouped by first
letter. Where a phrase starts, each code's own pattern is then tried, to name its codes
(one phrase may carry two: "never arrived" is `delivery` and `urgent`) and their extent.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from hub.sentiment.phrases import PHRASES, URGENT_CODES

__all__ = ["URGENT_CODES", "Match", "find"]

# "not disappointed", "no holes", "won't regret it", "wasn't see-through" are praise.
_NEGATED = re.compile(
    r"(?:\b(?:not|no|never|without|nor|zero|nothing)|n't)(?:[ '\"-]+\w+){0,2}[ '\"-]+$",
    re.IGNORECASE,
)
_SELF_NEGATING = re.compile(r"(?:\b(?:not|no|never)|n't|nt)\b", re.IGNORECASE)
_LEADING_WORDS = re.compile(r"\(\?:([a-z' ]+(?:\|[a-z' ]+)+)\)(?![?*+{])")


class Match(NamedTuple):
    start: int
    end: int
    code: str


def _alternatives(pattern: str) -> list[str]:
    """Top-level alternatives of `pattern`, without their leading `\\b`."""
    parts: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = pattern.index("]", i + 1) + 1
            continue
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return [part.removeprefix(r"\b") for part in parts]


def _spread(alternative: str) -> list[str]:
    """`(?:fell|came) apart` as `fell apart` and `came apart`, each starting with a letter."""
    leading = _LEADING_WORDS.match(alternative)
    if leading is None:
        return [alternative]
    return [word + alternative[leading.end() :] for word in leading.group(1).split("|")]


def _by_first_letter(alternatives: list[str]) -> str:
    buckets: dict[str, list[str]] = {}
    others: list[str] = []
    for alternative in alternatives:
        if len(alternative) > 1 and alternative[0].isalnum() and alternative[1] not in "?*+{":
            buckets.setdefault(alternative[0], []).append(alternative[1:])
        else:
            others.append(alternative)
    grouped = [f"{letter}(?:{'|'.join(rests)})" for letter, rests in sorted(buckets.items())]
    return r"\b(?:" + "|".join(grouped + others) + ")"


def _compile_all(flags: int) -> re.Pattern[str]:
    every = [
        spread
        for patterns in PHRASES.values()
        for pattern in patterns
        for alternative in _alternatives(pattern)
        for spread in _spread(alternative)
    ]
    return re.compile(_by_first_letter(every), flags)


_LOWER, _CASELESS = _compile_all(0), _compile_all(re.IGNORECASE)
_EACH = {code: re.compile("|".join(patterns), re.IGNORECASE) for code, patterns in PHRASES.items()}


def find(text: str) -> list[Match]:
    """Every complaint or urgency phrase in `text` (normalised), in text order."""
    lowered = text.lower()
    # a few letters ("İ") grow when lower-cased; offsets must stay those of `text`
    pattern, subject = (_LOWER, lowered) if len(lowered) == len(text) else (_CASELESS, text)
    found: list[Match] = []
    ends: dict[str, int] = {}  # phrases of one code do not overlap; of different codes may
    position = 0
    while (match := pattern.search(subject, position)) is not None:
        start, end = match.span()
        position = start + 1
        if _negated(subject, start, end):
            continue
        for code, each in _EACH.items():
            here = each.match(subject, start) if start >= ends.get(code, 0) else None
            if here is not None:
                found.append(Match(start, here.end(), code))
                ends[code] = here.end()
    return found


def _negated(text: str, start: int, end: int) -> bool:
    if _SELF_NEGATING.search(text, start, end):
        return False
    return _NEGATED.search(text, max(0, start - 30), start) is not None
