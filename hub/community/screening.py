"""Questions and answers through the review moderation pipeline: clean, spam, profanity, PII.

The pipeline judges a `CleanText`; a question or an answer is its body alone. They carry
no rating: a neutral one keeps the star rules of the sentiment step out of the way (and
the publish state never depends on sentiment anyway).
"""

from __future__ import annotations

import re

from hub.config import Settings
from hub.feedback.normalise import CleanText, SubmissionError, clean_name, clean_text, limited
from hub.feedback.pipeline import Decision, decide
from hub.feedback.spam import IpWindow

QUESTION_LIMIT = 1000
ANSWER_LIMIT = 2000
MIN_LENGTH = 5
NEUTRAL_RATING = 3
EMAIL_LIMIT = 254
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")

# Per process and per salted address hash, like the review limit.
ask_window = IpWindow()

__all__ = ["Decision", "SubmissionError", "ask_window", "clean_body", "clean_email", "clean_name",
           "screen"]


def clean_body(field: str, body: str, limit: int) -> str:
    text = limited(field, clean_text(body or ""), limit)
    if len(text) < MIN_LENGTH:
        raise SubmissionError(field, f"write at least {MIN_LENGTH} characters")
    return text


def clean_email(email: str) -> str:
    address = clean_text(email or "", multiline=False).lower()
    if len(address) > EMAIL_LIMIT or not _EMAIL.match(address):
        raise SubmissionError("email", "enter an email address such as name@example.com")
    return address


def screen(settings: Settings, body: str, *, honeypot: str = "", duplicate: bool = False) -> Decision:
    """The pipeline's verdict on already-cleaned text: status, reason and masked text."""
    text = CleanText(rating=NEUTRAL_RATING, title="", body=body)
    return decide(settings, text, honeypot=honeypot, duplicate=duplicate)


def allow_ip(settings: Settings, ip: str | None) -> None:
    if ip and not ask_window.allow(settings.secret_key, ip):
        raise SubmissionError("rate", "too many questions from this address; try again later")
