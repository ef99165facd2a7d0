"""Canned responses: the replies agents start from, edited by admins on the settings page."""

from __future__ import annotations

from collections.abc import Mapping

from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.triage.models import CannedResponse
from hub.web.params import has_control_characters

MAX_TITLE = 120
MAX_BODY = 20_000


class CannedError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _clean(form: Mapping[str, str]) -> tuple[str, str]:
    title, body = form.get("title", "").strip(), form.get("body", "").strip()
    if not title or len(title) > MAX_TITLE:
        raise CannedError("title", f"give it a title of at most {MAX_TITLE} characters")
    if not body or len(body) > MAX_BODY:
        raise CannedError("body", f"write the reply (at most {MAX_BODY} characters)")
    for name, value in (("title", title), ("body", body)):
        if has_control_characters(value):
            raise CannedError(name, "must not hold control characters")
    return title, body


async def save_canned(
    actor: StaffUser, form: Mapping[str, str], canned_id: int | None = None
) -> CannedResponse | None:
    """Create, or update ``canned_id``; None when that one does not exist."""
    title, body = _clean(form)
    if canned_id is None:
        canned = await CannedResponse.create(title=title, body=body)
    else:
        found = await CannedResponse.get_or_none(id=canned_id)
        if found is None:
            return None
        canned = found
        canned.title, canned.body = title, body
        await canned.save()
    await audit(actor, "canned.save", "canned_response", canned.id, title=title)
    return canned


async def delete_canned(actor: StaffUser, canned_id: int) -> bool:
    deleted = await CannedResponse.filter(id=canned_id).delete()
    if deleted:
        await audit(actor, "canned.delete", "canned_response", canned_id)
    return bool(deleted)


def fill(body: str, first_name: str, reference: str) -> str:
    """Placeholders an admin may use in a canned response."""
    return body.replace("{first_name}", first_name or "there").replace("{reference}", reference)
