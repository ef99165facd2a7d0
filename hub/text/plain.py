"""Text that strangers wrote, as mail quotes it: plain text that no mail client makes a link.

Questions, answers and names reach a customer's inbox in the brand's name, so nothing in
them may be a link or look like one; the links the hub adds itself are the only clickable
ones. Two Jinja filters, one per part of a mail:

- ``defanged`` (text part): each word in which the hub's one detector
  (`hub.text.contact_details`) finds a link or an e-mail address is written
  ``example[.]com``, ``name[at]example[.]com``, ``https[:]//…``, as security teams write
  indicators, so a client's auto-linker has nothing to take.
- ``inert`` (HTML part): the same text HTML-escaped, and every ``.``, ``@``, ``:`` and
  ``/`` wrapped in its own ``<span>``, so even a pattern the detector missed is never one
  text node that Gmail, Outlook or Apple Mail would turn into a link. No zero-width
  characters: copied text stays the text.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from hub.text.contact_details import EMAIL, count_links

_DEFANG = {".": "[.]", "@": "[at]", "://": "[:]//"}
_DEFANG_PATTERN = re.compile(r"://|[.@]")
_SPACES = re.compile(r"(\s+)")
_TRAILING = ".,;:!?)]}'\""
_BREAKS = re.compile(r"([.@:/])")
_SPAN = Markup("<span>{}</span>")


def _defang_one(match: re.Match[str]) -> str:
    return _DEFANG[match.group()]


def _defang_word(word: str) -> str:
    core = word.rstrip(_TRAILING)  # "… at example.com." keeps its full stop
    if not core or not (count_links(core) or EMAIL.search(core)):
        return word
    return _DEFANG_PATTERN.sub(_defang_one, core) + word[len(core) :]


def defanged(value: object) -> str:
    """The text with every link and e-mail address it holds written so it cannot be followed."""
    words = _SPACES.split("" if value is None else str(value))  # word, spaces, word … word
    return "".join(piece if index % 2 else _defang_word(piece) for index, piece in enumerate(words))


def inert(value: object) -> Markup:
    """`defanged` text for an HTML part: escaped, and broken up so no client auto-links it."""
    pieces = _BREAKS.split(defanged(value))  # text, a break, text, a break … text
    return Markup("").join(_SPAN.format(piece) if index % 2 else piece for index, piece in enumerate(pieces))
