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
    assignment: str
    agent_case_cap: int
    follow_up: timedelta


def settings_overview(settings: Settings) -> SettingsOverview:
    configured = targets(settings)
    return SettingsOverview(
        sla=[(p, *configured[p]) for p in PRIORITIES],
        assignment=assignment_mode(settings).replace("_", " "),
        agent_case_cap=settings.agent_case_cap,
        follow_up=settings.follow_up_delay,
    )
