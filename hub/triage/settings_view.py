"""The triage settings as the admin's settings page shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from hub.config import Settings
from hub.triage.assignment import assignment_mode
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
        auto_assign=assignment_mode(settings) != "off",
        agent_case_cap=settings.agent_case_cap,
        follow_up=settings.follow_up_delay,
        webhook_on=bool(settings.case_webhook_url),
        webhook_signed=bool(settings.case_webhook_secret),
    )
