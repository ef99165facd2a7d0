"""Messages fetched from the mailbox, stored before they are marked there: one row each, ever.

The raw message is a private file under ``{data_dir}/inbound``, named after its mailbox key,
and its row's ``mailbox_key`` is unique: fetching a message again (the worker was killed
before it marked it) stores nothing new.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import anyio.to_thread
from tortoise.exceptions import IntegrityError

from hub.config import Settings
from hub.files import private_dir, write_private
from hub.triage.inbound.models import InboundMessage


def messages_dir(settings: Settings) -> Path:
    return settings.data_dir / "inbound"


def raw_name(mailbox_key: str) -> str:
    return hashlib.sha256(mailbox_key.encode()).hexdigest()[:40] + ".eml"


def _write_raw(folder: Path, name: str, raw: bytes) -> None:
    private_dir(folder)
    partial = folder / (name + ".partial")
    write_private(partial, raw)
    partial.replace(folder / name)


def too_large(settings: Settings) -> str:
    return (
        f"larger than {settings.inbound_message_mb} MB: only its headers were read; "
        "the whole message stays in the mailbox"
    )


async def store_message(settings: Settings, mailbox_key: str, raw: bytes, note: str = "") -> int:
    """Keep one fetched message for processing (``note``: what was not read); 0 when it was kept before."""
    if await InboundMessage.filter(mailbox_key=mailbox_key).exists():
        return 0
    name = raw_name(mailbox_key)
    await anyio.to_thread.run_sync(_write_raw, messages_dir(settings), name, raw)
    try:
        await InboundMessage.create(mailbox_key=mailbox_key, raw_name=name, size=len(raw), error=note)
    except IntegrityError:  # another worker stored it meanwhile
        return 0
    return 1


def read_raw(settings: Settings, message: InboundMessage) -> bytes:
    return (messages_dir(settings) / message.raw_name).read_bytes()
