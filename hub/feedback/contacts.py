"""The one detector of ways to reach someone in text: links, e-mail addresses, phone numbers.

Linear in the text's length, whatever the text: it is cut into runs once by patterns that
cannot backtrack (one character class each, nothing after it), and each run is judged by
plain string tests. Spam rules, the question hold and the mail filters all ask it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LINK, EMAIL, PHONE = "link", "email", "phone"
KINDS = (LINK, EMAIL, PHONE)
# Bare domains count as links only with these endings ("size 10.5" and "e.g." do not).
TLDS = frozenset(
    [
        "com",
        "net",
        "org",
        "info",
        "biz",
        "ru",
        "cn",
        "xyz",
        "top",
        "io",
        "co",
        "shop",
        "site",
        "online",
        "store",
        "link",
        "click",
        "app",
        "me",
        "ly",
        "gl",
        "to",
        "uk",
        "de",
        "fr",
        "eu",
        "nl",
        "be",
        "es",
        "it",
        "us",
        "ca",
        "au",
        "tk",
        "ml",
        "ga",
        "cf",
        "gg",
    ]
)
_RUN = re.compile(r"[^\s<>\"'()\[\]{},;!|]+")
_DIGITS = re.compile(r"[+(]?\d[\d ().-]*")
_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_TRAILING = ".:?"


@dataclass(frozen=True, slots=True)
class Contact:
    kind: str
    start: int
    end: int


def _is_domain(host: str, tlds: frozenset[str] | None = TLDS) -> bool:
    labels = host.split(".")
    if len(labels) < 2 or not all(labels) or not all(set(label) <= _LABEL_CHARS for label in labels):
        return False
    return labels[-1] in tlds if tlds is not None else labels[-1].isalpha() and len(labels[-1]) >= 2


def _host(word: str) -> str:
    for mark in "/?#:":
        word = word.split(mark, 1)[0]
    return word


def _kind(word: str) -> str | None:
    lower = word.lower()
    if "://" in lower or "www." in lower or lower.startswith("mailto:"):
        return LINK
    local, at, domain = lower.rpartition("@")
    if at:
        return EMAIL if local and _is_domain(_host(domain), None) else None
    return LINK if _is_domain(_host(lower)) else None


def _words(text: str) -> list[Contact]:
    found = []
    for run in _RUN.finditer(text):
        word = run.group().rstrip(_TRAILING)
        kind = _kind(word) if word else None
        if kind is not None:
            found.append(Contact(kind, run.start(), run.start() + len(word)))
    return found


def _is_phone(number: str) -> bool:
    digits = sum(char.isdigit() for char in number)
    if not 7 <= digits <= 15 or _DATE.fullmatch(number):
        return False
    return max(len(group) for group in re.findall(r"\d+", number)) >= 3


def _phones(text: str) -> list[Contact]:
    found = []
    for run in _DIGITS.finditer(text):
        number = run.group().rstrip(" ().-")
        start, end = run.start(), run.start() + len(number)
        inside_word = (start > 0 and (text[start - 1].isalnum() or text[start - 1] in "+_")) or (
            end < len(text) and (text[end].isalnum() or text[end] == "_")
        )
        if not inside_word and _is_phone(number):
            found.append(Contact(PHONE, start, end))
    return found


def find(text: str) -> list[Contact]:
    """Every link, address and phone number in `text`, in the order they appear."""
    return sorted(_words(text) + _phones(text), key=lambda contact: (contact.start, contact.end))


def kinds(text: str) -> tuple[str, ...]:
    """Which of link, email and phone `text` holds, in that order."""
    present = {contact.kind for contact in find(text)}
    return tuple(kind for kind in KINDS if kind in present)


def count_links(text: str) -> int:
    return sum(contact.kind == LINK for contact in _words(text))
