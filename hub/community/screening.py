"""Questions and answers through the review moderation pipeline: clean, spam, profanity, PII.

The pipeline judges a `CleanText`; a question or an answer is its body alone. They carry
no rating: a neutral one keeps the star rules of the sentiment step out of the way (and
the publish state never depends on sentiment anyway).

A question is mailed to past buyers in the brand's name, so on top of the pipeline it is
held for a moderator (`hold_reasons`) when its text or name holds a link, an e-mail
address or a phone number, whoever asks, and when the asker is not a known customer.
Asking is limited per client address, per asker's e-mail address and per product.
"""

from __future__ import annotations

import re

from hub.config import Settings
from hub.dataio.ratelimit import keyed_limits
from hub.reviews.models import ReviewStatus
from hub.reviews.pipeline import Decision, decide
from hub.reviews.spam import IpWindow
from hub.text.contact_details import has_contact_details
from hub.text.normalise import CleanText, SubmissionError, clean_name, clean_text, limited

QUESTION_LIMIT = 1000
ANSWER_LIMIT = 2000
MIN_LENGTH = 5
NEUTRAL_RATING = 3
EMAIL_LIMIT = 254
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
CONTACT_DETAILS = "contact_details"
UNKNOWN_ASKER = "unknown_asker"
REASON_LENGTH = 32  # Question.status_reason

# Per process and per salted address hash, like the review limit.
ask_window = IpWindow()

__all__ = [
    "Decision",
    "SubmissionError",
    "allow_asking",
    "ask_window",
    "clean_body",
    "clean_email",
    "clean_name",
    "hold_reasons",
    "question_verdict",
    "screen",
]


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


def allow_asking(settings: Settings, email: str, product_id: int) -> None:
    """Refuse a question over the per-address or per-product limit (the `rate_limits` setting)."""
    limits = settings.extra.get("rate_limits")
    if keyed_limits.hit(limits, "question_address", email) is not None:
        raise SubmissionError("rate", "too many questions from this e-mail address; try again later")
    if keyed_limits.hit(limits, "question_product", str(product_id)) is not None:
        raise SubmissionError("rate", "this product has had many questions lately; try again later")


def hold_reasons(body: str, name: str, *, known_asker: bool) -> list[str]:
    """Why a question waits for a moderator, whatever the pipeline says: contacts, a stranger."""
    reasons = [CONTACT_DETAILS] if has_contact_details(f"{name}\n{body}") else []
    return reasons if known_asker else [*reasons, UNKNOWN_ASKER]


def _joined(codes: list[str]) -> str:
    kept: list[str] = []
    for code in dict.fromkeys(codes):
        if len(",".join([*kept, code])) <= REASON_LENGTH:
            kept.append(code)
    return ",".join(kept)


def question_verdict(decision: Decision, holds: list[str]) -> tuple[ReviewStatus, str]:
    """The pipeline's spam verdict stands; anything else with a hold reason waits, with every reason."""
    if decision.status is ReviewStatus.SPAM or not holds:
        return decision.status, decision.reason
    pipeline = [decision.reason] if decision.status is ReviewStatus.PENDING else []
    return ReviewStatus.PENDING, _joined([*holds, *pipeline])
