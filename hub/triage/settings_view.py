"""The triage settings as the admin's settings page shows them (read from settings.extra)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from hub.config import Settings
from hub.triage.actions import follow_up_delay
from hub.triage.assignment import DEFAULT_CAP
from hub.triage.filters import PRIORITIES
from hub.triage.sla import targets


@dataclass(frozen=True)
class SettingsOverview:
    sla: list[tuple[str, timedelta, timedelta]]
    auto_assign: bool
    agent_case_cap: int
    follow_up: timedelta
    webhook_on: bool
    webhook_signed: bool


def settings_overview(settings: Settings) -> SettingsOverview:
    configured = targets(settings)
    return SettingsOverview(
        sla=[(p, *configured[p]) for p in PRIORITIES],
        auto_assign=bool(settings.extra.get("auto_assign")),
        agent_case_cap=int(settings.extra.get("agent_case_cap", DEFAULT_CAP)),
        follow_up=follow_up_delay(settings),
        webhook_on=bool(settings.extra.get("webhook_url")),
        webhook_signed=bool(settings.extra.get("webhook_secret")),
    )
