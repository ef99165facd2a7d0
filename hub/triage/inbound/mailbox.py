"""The support mailbox over IMAP (IMAPClient): list what the hub has not read, fetch it, mark it.

Synchronous, as IMAPClient is: the job calls it in a thread. A message is marked only after
the hub stored it, so a worker killed in between fetches it again next time, and the store
(keyed by folder, UIDVALIDITY and UID) keeps one copy.

Marking: the ``$FeedbackHub`` keyword and ``\\Seen``; the hub lists the messages without the
keyword, so a message a person read in their mail program is still read by the hub. A
server that keeps no keywords is read by ``UNSEEN`` instead. With ``HUB_IMAP_DONE_FOLDER``
the marked message is then moved there (MOVE, or COPY and expunge).
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from imapclient import IMAPClient
from imapclient.imapclient import SEEN

from hub.config import Settings

MARK = b"$FeedbackHub"
TIMEOUT = 30.0
FETCH_CHUNK = 20


@dataclass(frozen=True)
class Fetched:
    raw: bytes
    whole: bool  # False: only the headers of a message too large to read


class Mailbox:
    """One selected folder of one IMAP connection."""

    def __init__(self, client: IMAPClient, folder: str, done_folder: str) -> None:
        self.client = client
        self.folder = folder
        self.done_folder = done_folder
        selected = client.select_folder(folder)
        self.uidvalidity = int(selected[b"UIDVALIDITY"])
        self.keywords = b"\\*" in selected.get(b"PERMANENTFLAGS", ())

    def key(self, uid: int) -> str:
        """What names a message of this mailbox for good (RFC 3501: UIDVALIDITY and UID)."""
        return f"{self.folder}:{self.uidvalidity}:{uid}"[:255]

    def unread(self, limit: int) -> list[int]:
        criteria: list[Any] = ["NOT", "KEYWORD", MARK] if self.keywords else ["UNSEEN"]
        return sorted(self.client.search(criteria))[:limit]

    def fetch(self, uids: list[int], max_bytes: int | None = None) -> dict[int, Fetched]:
        """The messages as they came; PEEK leaves them unread until ``mark``.

        Of a message over ``max_bytes`` only the headers are fetched (``whole`` is False).
        """
        sizes = self.client.fetch(uids, [b"RFC822.SIZE"]) if max_bytes is not None else {}
        large = [uid for uid, data in sizes.items() if int(data.get(b"RFC822.SIZE", 0)) > (max_bytes or 0)]
        small = [uid for uid in uids if uid not in large]
        fetched = {uid: Fetched(raw, True) for uid, raw in self._bodies(small, b"BODY[]").items()}
        fetched.update(
            {uid: Fetched(raw, False) for uid, raw in self._bodies(large, b"BODY[HEADER]").items()}
        )
        return dict(sorted(fetched.items()))

    def _bodies(self, uids: list[int], section: bytes) -> dict[int, bytes]:
        if not uids:
            return {}
        peek = section.replace(b"BODY[", b"BODY.PEEK[")
        found = self.client.fetch(uids, [peek])
        return {int(uid): bytes(data[section]) for uid, data in found.items() if section in data}

    def mark(self, uids: list[int]) -> None:
        if not uids:
            return
        self.client.add_flags(uids, [SEEN, MARK] if self.keywords else [SEEN], silent=True)
        if self.done_folder:
            self._move(uids)

    def _move(self, uids: list[int]) -> None:
        if self.client.has_capability("MOVE"):
            self.client.move(uids, self.done_folder)
            return
        self.client.copy(uids, self.done_folder)
        self.client.delete_messages(uids, silent=True)
        if self.client.has_capability("UIDPLUS"):
            self.client.uid_expunge(uids)
        else:
            self.client.expunge()


def _tls_context(settings: Settings) -> ssl.SSLContext:
    cafile = str(settings.imap_ca_file) if settings.imap_ca_file else None
    return ssl.create_default_context(cafile=cafile)


def connect(settings: Settings) -> IMAPClient:
    use_tls = settings.imap_tls == "tls"
    context = _tls_context(settings) if settings.imap_tls != "none" else None
    client = IMAPClient(
        settings.imap_host, settings.imap_port, ssl=use_tls, ssl_context=context, timeout=TIMEOUT
    )
    try:
        if settings.imap_tls == "starttls":
            client.starttls(context)
        client.login(settings.imap_username, settings.imap_password)
    except Exception:
        client.shutdown()
        raise
    return client


def close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # the connection is gone: nothing left to close politely
        client.shutdown()


@contextmanager
def open_mailbox(settings: Settings) -> Iterator[Mailbox]:
    client = connect(settings)
    try:
        yield Mailbox(client, settings.imap_folder, settings.imap_done_folder)
    finally:
        close(client)


def chunks(uids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(uids), FETCH_CHUNK):
        yield uids[start : start + FETCH_CHUNK]
