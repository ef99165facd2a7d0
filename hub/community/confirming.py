"""Confirming an asker's address: a single-use, expiring link mailed to it.

Anyone can type any address into the question form, so the hub mails nothing but this
link there until its owner follows it: no answer notice goes to an address that has not
confirmed the question. The mail quotes nothing the asker wrote, so it cannot carry a
stranger's words to someone else's inbox. The page behind the link confirms on a button
(a POST), so a mail scanner that opens links confirms nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub.catalog.models import Customer, MailKind
from hub.community.models import Question
from hub.config import Settings
from hub.links.models import LinkPurpose, LinkToken
from hub.links.tokens import LinkUnknown, issue_token, lifetime, resolve_token, use_token
from hub.mail.outbox import enqueue
from hub.urls import external_url

PURPOSE = LinkPurpose.CONFIRM_ASKER


@dataclass(frozen=True, slots=True)
class ConfirmVisit:
    """What a confirmation link opens: the question, and whether it was confirmed just now."""

    question: Question
    confirmed: bool = False


async def ask_to_confirm(settings: Settings, question: Question, now: datetime) -> bool:
    """Queue the confirmation mail; False for a customer who turned such mail off."""
    customer = await Customer.get_or_none(email=question.asker_email)
    if customer is not None and not customer.accepts(MailKind.THANKS.value):
        return False
    raw = await issue_token(
        PURPOSE, customer=customer, subject_type="question", subject_id=question.id, now=now
    )
    await question.fetch_related("product")
    context = {
        "product": question.product,
        "confirm_url": external_url(settings, "asker_confirm", token=raw),
        "days": lifetime(PURPOSE).days,
    }
    sent = await enqueue(
        settings,
        kind="question_confirm",
        template="question_confirm",
        context=context,
        to=question.asker_email,
        customer=customer,
        dedupe_key=f"question_confirm:{question.id}",
    )
    return sent is not None


async def _question(token: LinkToken) -> Question:
    question = await Question.get_or_none(id=token.subject_id).prefetch_related("product")
    if token.subject_type != "question" or question is None:
        raise LinkUnknown
    return question


async def open_confirm_link(raw: str, now: datetime) -> ConfirmVisit:
    """`LinkUnknown` or `LinkExpired` for a link that is not valid or was used."""
    token = await resolve_token(raw, PURPOSE, now=now)
    return ConfirmVisit(await _question(token))


async def confirm_asker(raw: str, now: datetime) -> ConfirmVisit:
    """Use the link once: the question's asker is confirmed and may be told of answers."""
    token = await use_token(raw, PURPOSE, now=now)
    question = await _question(token)
    await Question.filter(id=question.id, asker_confirmed_at=None).update(asker_confirmed_at=now)
    return ConfirmVisit(question, confirmed=True)
