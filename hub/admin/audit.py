"""Reading the audit log."""

from __future__ import annotations

from hub.staff.models import AuditEntry

PAGE_SIZE = 100


async def audit_page(before_id: int | None = None) -> list[AuditEntry]:
    """The newest entries, ``PAGE_SIZE`` at a time, older than ``before_id``."""
    query = AuditEntry.all().order_by("-id").limit(PAGE_SIZE)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    return await query
