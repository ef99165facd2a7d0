"""A reply's attachments: images checked and re-encoded like photos, other files kept for staff.

Every file is private under ``{data_dir}/inbound/files``, with a random name; a file over
``HUB_INBOUND_ATTACHMENT_MB`` and an image the photo checks refuse are not kept, and the
case shows why.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import anyio.to_thread

from hub.config import Settings
from hub.files import private_dir, write_private
from hub.photos.uploads import PhotoRejected, PhotoUpload, prepare_photo, shown_name, write_files
from hub.triage.inbound.models import AttachmentKind, InboundAttachment, InboundMessage
from hub.triage.inbound.parse import Attachment

STORED_NAME = re.compile(r"[A-Za-z0-9_-]{22}(?:\.webp)?")
MEGABYTE = 1024 * 1024


def files_dir(settings: Settings) -> Path:
    return settings.data_dir / "inbound" / "files"


def stored_path(settings: Settings, name: str) -> Path | None:
    """The stored file called ``name``, if the name is one of ours and the file exists."""
    if not STORED_NAME.fullmatch(name):
        return None
    path = files_dir(settings) / name
    return path if path.is_file() else None


def _write_file(folder: Path, data: bytes) -> str:
    private_dir(folder)
    name = secrets.token_urlsafe(16)
    write_private(folder / name, data)
    return name


async def _keep(settings: Settings, inbound: InboundMessage, found: Attachment) -> InboundAttachment:
    name = shown_name(found.filename)[:200]
    row = InboundAttachment(
        inbound=inbound, filename=name, content_type=found.content_type[:100], size=len(found.data)
    )
    limit = settings.inbound_attachment_mb
    if len(found.data) > limit * MEGABYTE:
        row.kind, row.note = AttachmentKind.REFUSED, f"larger than {limit} MB: not kept"
    elif found.content_type.startswith("image/"):
        await _keep_image(settings, row, found.data)
    else:
        row.kind = AttachmentKind.FILE
        row.stored_name = await anyio.to_thread.run_sync(_write_file, files_dir(settings), found.data)
    await row.save()
    return row


async def _keep_image(settings: Settings, row: InboundAttachment, data: bytes) -> None:
    try:
        prepared = await anyio.to_thread.run_sync(prepare_photo, PhotoUpload(row.filename, data))
    except PhotoRejected as refusal:
        row.kind, row.note = AttachmentKind.REFUSED, str(refusal)[:200]
        return
    web, thumb = await anyio.to_thread.run_sync(write_files, files_dir(settings), prepared)
    row.kind, row.stored_name, row.thumb_name = AttachmentKind.IMAGE, web, thumb
    row.content_type = "image/webp"


async def store_attachments(
    settings: Settings, inbound: InboundMessage, found: list[Attachment]
) -> list[InboundAttachment]:
    return [await _keep(settings, inbound, attachment) for attachment in found]
