"""JSON that may be inlined in HTML: the one serialiser for markup a page embeds.

A store puts the JSON-LD in ``<script type="application/ld+json">``; there a ``</script>``
inside a review title would close the tag and whatever follows would run. Jinja's
``htmlsafe_json_dumps`` (its ``|tojson``) writes ``<``, ``>``, ``&`` and ``'`` as ``\\u003c``,
``\\u003e``, ``\\u0026`` and ``\\u0027``: the same JSON to a parser, inert to an HTML one.
"""

from __future__ import annotations

from typing import Any

from jinja2.utils import htmlsafe_json_dumps


def html_safe_json(document: Any) -> bytes:
    """``document`` as compact UTF-8 JSON that no HTML parser reads as markup."""
    return str(htmlsafe_json_dumps(document, ensure_ascii=False, separators=(",", ":"))).encode()
