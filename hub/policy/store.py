"""Shop policy: the settings marked ``policy`` in ``hub.config``, edited by admins.

A policy value starts as its variable gives it (or its default); once an admin changes it,
the stored value wins. Every process (each web process, each worker) holds a ``LivePolicy``
that reads the stored values again every few seconds, so a change takes effect everywhere
without a restart. A change is read by the setting's own reader (the same that reads its
variable), so the admin, the API and the environment accept exactly the same values; the
admin's side (``hub.admin.settings_routes``) stores and audits changes.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from dataclasses import Field, dataclass, fields, replace
from typing import Any

from tortoise.exceptions import ConfigurationError, OperationalError

from hub import setting_values as read
from hub.config import POLICY_SECTIONS, Setting, Settings
from hub.logredact import describe
from hub.policy.models import PolicyValue
from hub.sentiment import profanity
from hub.web.errors import FieldError, InvalidInput

log = logging.getLogger(__name__)
REFRESH_SECONDS = 2.0
MAX_TEXT = 20_000
RENAMED_KEY = "invite_mail_cap"  # the stored key of HUB_MAIL_CAP when it capped review mail alone


@dataclass(frozen=True)
class PolicySetting:
    """One shop-policy setting: its key (the variable without ``HUB_``), field and description."""

    key: str
    name: str
    setting: Setting

    @property
    def section(self) -> str:
        return self.setting.policy

    def parse(self, text: str) -> Any:
        return self.setting.parse(self.setting.var, text)


def _described(entry: Field[Any]) -> Setting:
    described = entry.metadata["setting"]
    assert isinstance(described, Setting)
    return described


POLICY: dict[str, PolicySetting] = {
    _described(entry).var.removeprefix("HUB_").lower(): PolicySetting(
        _described(entry).var.removeprefix("HUB_").lower(), entry.name, _described(entry)
    )
    for entry in fields(Settings)
    if _described(entry).policy
}
assert {p.section for p in POLICY.values()} <= set(POLICY_SECTIONS)


def text_of(settings: Settings, key: str) -> str:
    """The setting's value in effect, written as its variable would be."""
    if key == "profanity_words":  # unset, the file's words are in effect: show those
        return read.as_text(profanity.words(settings))
    return read.as_text(getattr(settings, POLICY[key].name))


def apply(base: Settings, stored: Mapping[str, str]) -> Settings:
    """``base`` with the stored values on top; one that no longer reads is skipped and logged."""
    changes: dict[str, Any] = {}
    if RENAMED_KEY in stored and "mail_cap" not in stored:  # set on the admin before the cap was shared
        stored = {**stored, "mail_cap": stored[RENAMED_KEY]}
    for key, text in stored.items():
        policy = POLICY.get(key)
        if policy is None:
            continue
        try:
            changes[policy.name] = policy.parse(text)
        except read.SettingsError as error:
            log.warning("shop policy %s is stored with a value that does not read: %s", key, error)
    return replace(base, **changes) if changes else base


async def stored_values() -> dict[str, str]:
    return dict(await PolicyValue.all().values_list("key", "value"))


class LivePolicy:
    """The settings of one process: its environment's, with the stored policy on top."""

    def __init__(self, base: Settings) -> None:
        self.base = base
        self.settings = base
        self._stored: dict[str, str] = {}
        self._checked = float("-inf")

    async def refresh(self, *, force: bool = False) -> bool:
        """Read the stored policy if it is due (or ``force``); whether the settings changed."""
        if not force and time.monotonic() - self._checked < REFRESH_SECONDS:
            return False
        try:
            stored = await stored_values()
        except (ConfigurationError, OperationalError) as error:  # no database yet, or not migrated
            log.debug("shop policy not read: %s", type(error).__name__)
            return False
        except Exception as error:  # the database away for a moment: keep the policy in hand
            log.warning("shop policy not read, the last one stays: %s", describe(error))
            self._checked = time.monotonic()
            return False
        self._checked = time.monotonic()
        if stored == self._stored:
            return False
        self._stored = stored
        self.settings = apply(self.base, stored)
        return True


def check(changes: Mapping[str, Any]) -> dict[str, str]:
    """The changes as text, each read by its setting's reader; ``InvalidInput`` names each bad one."""
    errors: list[FieldError] = []
    texts: dict[str, str] = {}
    for key, value in changes.items():
        policy = POLICY.get(key)
        if policy is None:
            errors.append(FieldError(key, "is not a shop-policy setting"))
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        if not isinstance(value, str | int | float) or len(str(value)) > MAX_TEXT:
            errors.append(FieldError(key, f"must be text of at most {MAX_TEXT} characters"))
            continue
        text = str(value).strip()
        reason = _reason(policy, text)
        if reason:
            errors.append(FieldError(key, reason))
            continue
        texts[key] = text
    if errors:
        raise InvalidInput(errors)
    return texts


_NAMED = re.compile(r"""^_(?:=(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))?:?\s*""")


def _reason(policy: PolicySetting, text: str) -> str | None:
    """Why ``text`` does not read, said of the field (the reader's message names no variable)."""
    try:
        policy.setting.parse("_", text)
    except read.SettingsError as error:
        return _NAMED.sub("", str(error)) or "is not valid"
    return None
