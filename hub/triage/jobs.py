"""Worker jobs of the triage domain: ``async def job(settings, now) -> int``."""

from __future__ import annotations

from datetime import datetime

from hub.config import Settings
from hub.triage import assignment, escalation, recovery


async def escalate_overdue_cases(settings: Settings, now: datetime) -> int:
    return await escalation.escalate_overdue(settings, now)


async def send_case_follow_ups(settings: Settings, now: datetime) -> int:
    return await recovery.send_due_follow_ups(settings, now)


async def reassign_away_agents_cases(settings: Settings, now: datetime) -> int:
    return await assignment.reassign_away_agents_cases(settings, now)
