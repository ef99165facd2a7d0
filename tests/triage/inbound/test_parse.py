"""Reading one mail: its kind, its new text, its thread (pure, no server)."""

from __future__ import annotations

import pytest

from hub.triage.inbound.parse import UnreadableMail, parse_mail

HTML_REPLY = (
    "From: Dana <Dana@Example.net>\r\nSubject: Re: [C-000042] Zelt\r\nMIME-Version: 1.0\r\n"
    "In-Reply-To: <b@shop.test>\r\nReferences: <a@shop.test> <b@shop.test>\r\n"
    "Content-Type: text/html; charset=utf-8\r\n\r\n"
    "<html><head><style>p{color:red}</style></head><body><p>Die Stangen passen nicht.</p>"
    "<div>Am Mo., 10. März 2025 um 12:00 schrieb Acme:</div>"
    "<blockquote><p>Hallo Dana</p></blockquote></body></html>\r\n"
).encode()


def test_an_html_reply_in_german_is_read_as_text_without_its_quote() -> None:
    mail = parse_mail(HTML_REPLY)
    assert mail.reply == "Die Stangen passen nicht."
    assert "Hallo Dana" in mail.text and "color" not in mail.text
    assert mail.sender == "dana@example.net" and mail.subject == "Re: [C-000042] Zelt"
    assert mail.thread_ids == ["<b@shop.test>", "<b@shop.test>", "<a@shop.test>"]
    assert not mail.automatic and not mail.is_report


@pytest.mark.parametrize(
    "header",
    ["Auto-Submitted: auto-replied", "Precedence: junk", "X-Autoreply: yes", "Return-Path: <>"],
)
def test_automatic_mail_is_recognised(header: str) -> None:
    raw = f"From: a@example.net\r\nSubject: Away\r\n{header}\r\n\r\nI am away.\r\n".encode()
    assert parse_mail(raw).automatic


def test_auto_submitted_no_is_a_person_writing() -> None:
    raw = b"From: a@example.net\r\nSubject: Hi\r\nAuto-Submitted: no\r\n\r\nHello.\r\n"
    assert not parse_mail(raw).automatic


def test_a_text_in_an_unknown_charset_cannot_be_read() -> None:
    raw = b"From: a@example.net\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nhello\r\n"
    with pytest.raises(UnreadableMail, match="cannot be decoded"):
        parse_mail(raw)


def test_bytes_with_no_headers_cannot_be_read() -> None:
    with pytest.raises(UnreadableMail):
        parse_mail(b"\x00\x01\x02 not a mail")
