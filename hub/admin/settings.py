"""Changing the shop policy (the page and the API): stored, audited, in effect at once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from hub import setting_values as read
from hub.config import POLICY_SECTIONS, Settings
from hub.policy.models import PolicyValue
from hub.policy.store import POLICY, LivePolicy, check, text_of
from hub.staff.accounts import audit
from hub.staff.models import StaffUser


async def change(
    live: LivePolicy, changes: Mapping[str, Any], actor: StaffUser | None, via: str
) -> list[str]:
    """Store the changed values (all or none), audit each, and take them up at once; the keys
    whose value changed. ``via`` says where from (the page, or which API key)."""
    texts = check(changes)
    before = live.settings
    changed = [
        key for key, text in texts.items() if read.as_text(POLICY[key].parse(text)) != text_of(before, key)
    ]
    who = actor.email if actor else via
    async with in_transaction():
        for key in changed:
            await PolicyValue.update_or_create(key=key, defaults={"value": texts[key], "updated_by": who})
            await audit(
                actor,
                "settings.changed",
                "setting",
                key,
                before=text_of(before, key),
                after=read.as_text(POLICY[key].parse(texts[key])),
                via=via,
            )
    await live.refresh(force=True)
    return changed


@dataclass(frozen=True)
class Shown:
    """One setting as the page and the API show it."""

    key: str
    variable: str
    section: str
    help: str
    value: str
    changed_by: str
    changed_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "section": self.section,
            "variable": self.variable,
            "help": self.help,
            "changed_by": self.changed_by or None,
            "changed_at": self.changed_at.isoformat() if self.changed_at else None,
        }


async def shown(settings: Settings) -> list[Shown]:
    """Every shop-policy setting with its value in effect and who last changed it, by section."""
    rows = {row.key: row for row in await PolicyValue.all()}
    found = []
    for section in POLICY_SECTIONS:
        for key, policy in POLICY.items():
            if policy.section != section:
                continue
            row = rows.get(key)
            who = row.updated_by if row else ""
            found.append(
                Shown(
                    key,
                    policy.setting.var,
                    section,
                    policy.setting.help,
                    text_of(settings, key),
                    who,
                    row.updated_at if row else None,
                )
            )
    return found
