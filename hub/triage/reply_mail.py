"""The agent's reply as the customer receives it: one builder for the preview and the mail sent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hub.catalog.models import Customer
from hub.config import Settings
from hub.mail.outbox import RenderedMail, mail_context, render_mail
from hub.reviews.models import Review
from hub.staff.models import StaffUser
from hub.triage.inbound.models import InboundMessage, InboundStatus
from hub.triage.models import Case

TEMPLATE = "case_reply"
# "Re: ", "Fwd: " and our own "[C-000123]" in front of a subject the customer wrote.
SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|aw|fwd?|wg)\s*:\s*|\[C-\d+\]\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class Recipient:
    """Who gets the reply: a known customer, or the unknown sender of an email case."""

    address: str
    name: str
    locale: str
    customer: Customer | None

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""


@dataclass(frozen=True)
class ReplyDraft:
    recipient: Recipient | None
    context: dict[str, Any]

    def rendered(self, settings: Settings) -> RenderedMail:
        """The mail exactly as `enqueue` renders it from the same context."""
        return render_mail(TEMPLATE, mail_context(settings, self.context))


async def _last_mail(case: Case) -> InboundMessage | None:
    """The customer's latest mail on the case: what the reply quotes, where an unknown sender is answered."""
    mails = InboundMessage.filter(case_id=case.id, status=InboundStatus.REPLY.value)
    return await mails.order_by("-id").first()


async def recipient_of(case: Case, mail: InboundMessage | None) -> Recipient | None:
    """The case's customer (never an erased one); else, for an email case, the mail's sender."""
    if case.customer_id is not None:
        customer = await Customer.get_or_none(id=case.customer_id)
        if customer is None or customer.erased_at is not None:
            return None
        return Recipient(customer.email, customer.name, customer.locale, customer)
    if mail is None or not mail.from_address:
        return None
    return Recipient(mail.from_address, mail.from_name, "", None)


async def _quoted(case: Case, mail: InboundMessage | None) -> str:
    """What the customer wrote last: their latest mail on the case, else the feedback itself."""
    if mail is not None and mail.text:
        return mail.text
    review = await Review.get_or_none(id=case.review_id) if case.review_id else None
    return review.body if review else ""


def topic(mail: InboundMessage | None) -> str:
    """The subject the customer wrote, without reply prefixes and our reference."""
    return SUBJECT_PREFIX.sub("", mail.subject).strip() if mail else ""


async def build_reply(case: Case, agent: StaffUser, body: str) -> ReplyDraft:
    mail = await _last_mail(case)
    recipient = await recipient_of(case, mail)
    context = {
        "case": case,
        "reference": case.reference,
        "body": body,
        "customer": recipient.customer if recipient else None,
        "recipient": recipient,
        "locale": (recipient.locale if recipient else "") or "en",
        "topic": topic(mail),
        "quoted": await _quoted(case, mail),
        "agent": agent,
    }
    return ReplyDraft(recipient, context)
