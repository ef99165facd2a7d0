"""The flagged phrases of a text, marked up safely: every piece of customer text is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape


def _spans(evidence: Sequence[Sequence[Any]], length: int) -> list[tuple[int, int, str]]:
    """Valid, in-range, non-overlapping spans in order; anything malformed is dropped."""
    spans: list[tuple[int, int, str]] = []
    for span in evidence:
        if len(span) < 2 or not all(isinstance(v, int) for v in span[:2]):
            continue
        start, end = max(0, span[0]), min(length, span[1])
        reason = str(span[2]) if len(span) > 2 else ""
        if start < end:
            spans.append((start, end, reason))
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans):
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def highlight(text: str, evidence: Sequence[Sequence[Any]]) -> Markup:
    """``text`` escaped, with each evidence span [start, end, reason] in a <mark>."""
    parts: list[str] = []
    position = 0
    for start, end, reason in _spans(evidence, len(text)):
        parts.append(escape(text[position:start]))
        label = escape(reason.replace("_", " "))
        parts.append(Markup('<mark title="{}">{}</mark>').format(label, text[start:end]))
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
