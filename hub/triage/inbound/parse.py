"""Reading one mail as it came from the mailbox: who sent it, what thread it answers, what it is
(a customer's reply, an automatic reply, a delivery report), its new text and its attachments.

Pure functions of the bytes; nothing here touches the database or the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.parser import HeaderParser
from email.utils import getaddresses

from mailparser_reply import EmailReplyParser

from hub.text.normalise import clean_text

# The languages whose quote headers ("On … wrote:", "Am … schrieb:") and signatures are cut.
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pl", "sv", "pt"]
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
AUTO_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
AUTO_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Reply")
HTML_BREAKS = re.compile(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</li>|</h\d>")


class UnreadableMail(ValueError):
    """A message the hub cannot read; it is kept as it came."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class DeliveryFailure:
    """One recipient of a delivery status notification (RFC 3464)."""

    recipient: str
    action: str
    status: str

    @property
    def is_hard(self) -> bool:
        """A permanent failure (RFC 3463 class 5): the address will not take mail."""
        return self.action == "failed" and self.status.startswith("5")


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    thread_ids: list[str]  # In-Reply-To, then References newest first
    subject: str
    sender: str
    sender_name: str
    text: str  # the whole text, quoted history included
    reply: str  # the new text alone
    attachments: list[Attachment] = field(default_factory=list)
    automatic: bool = False
    is_report: bool = False
    failures: list[DeliveryFailure] = field(default_factory=list)
    returned_ids: list[str] = field(default_factory=list)  # of the mail a report is about


def _ids(value: object) -> list[str]:
    return MESSAGE_ID.findall(str(value or ""))


def _header(message: Message, name: str) -> str:
    try:
        return " ".join(str(message.get(name, "") or "").split())
    except (ValueError, IndexError, LookupError):  # a header the policy cannot decode
        return ""


def is_automatic(message: Message) -> bool:
    """An automatic reply or notice, by RFC 3834 and the headers mail programs actually send."""
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if _header(message, "Precedence").lower() in AUTO_PRECEDENCE:
        return True
    if _header(message, "Return-Path") == "<>":
        return True
    return any(message.get(name) is not None for name in AUTO_HEADERS)


def is_delivery_report(message: Message) -> bool:
    return (
        message.get_content_type() == "multipart/report"
        and str(message.get_param("report-type", "")).lower() == "delivery-status"
    )


def _address_of(value: str) -> str:
    # "rfc822; dana@example.net" (RFC 3464 address-type; address)
    return value.split(";", 1)[-1].strip().strip("<>").lower()


def delivery_failures(report: Message) -> list[DeliveryFailure]:
    failures = []
    for part in report.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        for block in blocks[1:] if isinstance(blocks, list) else []:
            if not isinstance(block, Message):
                continue
            recipient = _header(block, "Final-Recipient") or _header(block, "Original-Recipient")
            status = _header(block, "Status").split(" ", 1)[0]
            if recipient:
                failures.append(
                    DeliveryFailure(_address_of(recipient), _header(block, "Action").lower(), status)
                )
    return failures


def returned_ids(report: Message) -> list[str]:
    """The Message-ID of the mail a delivery report returns (its headers or the whole mail)."""
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "text/rfc822-headers":
            payload = part.get_payload(decode=True)
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
            headers = HeaderParser().parsestr(text)
            return _ids(headers.get("Message-ID"))
        if kind == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                return _ids(inner[0].get("Message-ID"))
    return []


def _html_to_text(html: str) -> str:
    return clean_text(HTML_BREAKS.sub("\n", html))


def body_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = body.get_content()  # LookupError on an unknown charset
    if not isinstance(content, str):
        raise UnreadableMail("the text part is not text")
    if body.get_content_type() == "text/html":
        return _html_to_text(content)
    return clean_text(content)


def new_text(text: str) -> str:
    """``text`` without the quoted history and the signature."""
    replies = EmailReplyParser(languages=REPLY_LANGUAGES).read(text).replies
    latest = replies[0].body.strip() if replies else ""
    return latest or text


def attachments(message: EmailMessage) -> list[Attachment]:
    found: list[Attachment] = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() not in ("attachment", "inline"):
            continue
        if part.get_content_disposition() == "inline" and part.get_content_maintype() == "text":
            continue  # an inline text part is the message's own text
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            name = part.get_filename() or f"attachment-{len(found) + 1}"
            found.append(Attachment(name, part.get_content_type(), data))
    return found


def _sender(message: Message) -> tuple[str, str]:
    for name, address in getaddresses([_header(message, "From")]):
        if "@" in address:
            return address.strip().lower(), clean_text(name, multiline=False)
    return "", ""


def parse_mail(raw: bytes) -> ParsedMail:
    """The parts of a mail the hub uses; ``UnreadableMail`` if its text cannot be read."""
    message = message_from_bytes(raw, policy=policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise UnreadableMail("no mail headers")
    sender, sender_name = _sender(message)
    report = is_delivery_report(message)
    try:
        text = "" if report else body_text(message)
    except (LookupError, UnicodeError, ValueError, KeyError) as error:
        raise UnreadableMail(f"the text cannot be decoded ({type(error).__name__})") from None
    references = list(reversed(_ids(message.get("References"))))
    return ParsedMail(
        message_id=(_ids(message.get("Message-ID")) or [""])[0],
        thread_ids=_ids(message.get("In-Reply-To")) + references,
        subject=clean_text(_header(message, "Subject"), multiline=False),
        sender=sender,
        sender_name=sender_name,
        text=text,
        reply=new_text(text) if text else "",
        attachments=[] if report else attachments(message),
        automatic=is_automatic(message),
        is_report=report,
        failures=delivery_failures(message) if report else [],
        returned_ids=returned_ids(message) if report else [],
    )
