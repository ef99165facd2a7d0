"""The one moderation pipeline for the review form, the API and imports.

    clean → spam (honeypot, links, duplicate) → profanity (hold or mask) → personal data
    → sentiment and flags → publish state, with one reason code.

Flag, never gate: the publish state depends on the content checks and
`settings.auto_publish` alone, never on the rating or the sentiment. A flag opens a
case beside publishing (see `hub.intake.submit`).

`status_reason` codes, first match wins:
    spam       `honeypot`, `links`, `duplicate`
    pending    `profanity` (held), `auto_publish_off`
    published  `pii_masked`, `profanity_masked`, `clean`
`Decision.reasons` keeps every content code that applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub.config import Settings
from hub.reviews import spam
from hub.reviews.models import ReviewStatus
from hub.sentiment import profanity
from hub.sentiment.scoring import Assessment, assess
from hub.text.contact_details import mask_personal_data
from hub.text.normalise import CleanText, SubmissionError, clean_submission

SPAM_REASONS = ("honeypot", "links", "duplicate")

__all__ = ["Decision", "SubmissionError", "mask_personal_data", "moderate", "screen"]


@dataclass(frozen=True, slots=True)
class Decision:
    status: ReviewStatus
    reason: str
    reasons: tuple[str, ...]
    text: CleanText
    assessment: Assessment

    @property
    def published(self) -> bool:
        return self.status is ReviewStatus.PUBLISHED

    @property
    def opens_case(self) -> bool:
        return self.assessment.flagged and self.status is not ReviewStatus.SPAM


def _spam_reasons(text: CleanText, honeypot: str, duplicate: bool) -> list[str]:
    checks = (
        ("honeypot", bool(honeypot.strip())),
        ("links", spam.too_many_links(f"{text.title}\n{text.body}")),
        ("duplicate", duplicate),
    )
    return [code for code, applies in checks if applies]


def _without_personal_data(text: CleanText) -> tuple[CleanText, list[str]]:
    title, body = mask_personal_data(text.title), mask_personal_data(text.body)
    changed = (title, body) != (text.title, text.body)
    return CleanText(text.rating, title, body), ["pii_masked"] if changed else []


def _profanity(settings: Settings, text: CleanText) -> tuple[CleanText, list[str]]:
    if not profanity.find(settings, f"{text.title}\n{text.body}"):
        return text, []
    if settings.profanity_action != "mask":
        return text, ["profanity"]
    masked = CleanText(text.rating, profanity.mask(settings, text.title), profanity.mask(settings, text.body))
    return masked, ["profanity_masked"]


def _status(settings: Settings, reasons: list[str]) -> tuple[ReviewStatus, str]:
    for code in SPAM_REASONS:
        if code in reasons:
            return ReviewStatus.SPAM, code
    if "profanity" in reasons:
        return ReviewStatus.PENDING, "profanity"
    if not settings.auto_publish:
        return ReviewStatus.PENDING, "auto_publish_off"
    return ReviewStatus.PUBLISHED, next(iter(reasons), "clean")


def assess_text(text: CleanText) -> Assessment:
    return assess("\n".join(part for part in (text.title, text.body) if part), rating=text.rating)


def decide(settings: Settings, text: CleanText, *, honeypot: str = "", duplicate: bool = False) -> Decision:
    """The publish state of already-cleaned text."""
    reasons = _spam_reasons(text, honeypot, duplicate)
    text, pii = _without_personal_data(text)
    assessment = assess_text(text)
    text, rude = _profanity(settings, text)
    reasons += pii + rude
    status, reason = _status(settings, reasons)
    return Decision(status, reason, tuple(reasons), text, assessment)


def moderate(
    settings: Settings, *, rating: object, title: str, body: str, honeypot: str = "", duplicate: bool = False
) -> Decision:
    """Clean and judge one submission, without the database (`SubmissionError` if refused).

    `duplicate` says whether the same customer already wrote this text (`screen` asks the
    database).
    """
    text = clean_submission(rating, title, body)
    return decide(settings, text, honeypot=honeypot, duplicate=duplicate)


async def check_rate(
    settings: Settings, *, ip: str | None, invitation_id: int | None, customer_id: int | None, now: datetime
) -> None:
    """Refuse a submission over the per-link, per-customer or per-address limit."""
    recent = await spam.recent_submissions(invitation_id=invitation_id, customer_id=customer_id, now=now)
    if recent >= spam.PER_LINK:
        raise SubmissionError("rate", "too many reviews from this link; try again later")
    if ip and not spam.ip_window.allow(settings.secret_key, ip):
        raise SubmissionError("rate", "too many reviews from this address; try again later")


async def screen(
    settings: Settings,
    *,
    rating: object,
    title: str,
    body: str,
    honeypot: str,
    customer_id: int | None,
    exclude_id: int | None = None,
) -> Decision:
    """`moderate` with the duplicate check done against the stored reviews."""
    text = clean_submission(rating, title, body)
    duplicate = await spam.is_duplicate(customer_id, text.body, exclude_id=exclude_id)
    return decide(settings, text, honeypot=honeypot, duplicate=duplicate)
