"""Links, e-mail addresses and phone numbers in customer text, found in linear time.

Every pattern here starts only where a run of its characters starts (a look-behind) and
takes that run whole (a possessive quantifier), so the engine never rescans a run from
each of its characters: a 5,000-character text costs what 50 short ones do, whatever it
holds (`bench/contact_details.py` measures it).
"""

from __future__ import annotations

import re

EMAIL_MASK = "[email removed]"
PHONE_MASK = "[phone removed]"

_URL = re.compile(r"(?:https?://|www\.)\S++", re.IGNORECASE)
_DOTTED_RUN = re.compile(r"(?<![@\w.-])[\w.-]++")
_BARE_DOMAIN = re.compile(
    r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|biz|ru|cn|xyz|top|io|co|shop|site)",
    re.IGNORECASE,
)
EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]++@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{5,}\d(?!\w)")
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_DIGIT_GROUP = re.compile(r"\d+")


def count_links(text: str) -> int:
    """Web addresses (``https://…``, ``www.…``) and bare domains such as ``cheap-pills.shop``."""
    urls = len(_URL.findall(text))
    rest = _URL.sub(" ", text)
    runs = (run.rstrip(".-") for run in _DOTTED_RUN.findall(rest))  # "… at spam.shop." counts
    return urls + sum(1 for run in runs if _BARE_DOMAIN.fullmatch(run))


def _is_phone(found: str) -> bool:
    digits = sum(char.isdigit() for char in found)
    longest = max(len(group) for group in _DIGIT_GROUP.findall(found))
    return 7 <= digits <= 15 and longest >= 3 and not _DATE.fullmatch(found.strip())


def _mask_phone(match: re.Match[str]) -> str:
    return PHONE_MASK if _is_phone(match.group(0)) else match.group(0)


def mask_personal_data(text: str) -> str:
    """E-mail addresses and phone numbers replaced by a marker."""
    return PHONE.sub(_mask_phone, EMAIL.sub(EMAIL_MASK, text))


def has_contact_details(text: str) -> bool:
    """Whether the text holds a link, an e-mail address or a phone number."""
    return (
        count_links(text) > 0
        or EMAIL.search(text) is not None
        or any(_is_phone(match.group(0)) for match in PHONE.finditer(text))
    )
