"""Automatic round-robin assignment among active agents, each with a cap of open cases."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.functions import Count, Max

from hub.config import Settings
from hub.staff.models import Role, StaffUser
from hub.triage.models import Case

NEVER = datetime.min.replace(tzinfo=UTC)


async def active_agents() -> list[StaffUser]:
    users = await StaffUser.filter(is_active=True, roles__contains=Role.AGENT.value).order_by("id")
    return [user for user in users if Role.AGENT in user.role_set]


async def _open_counts(agent_ids: list[int]) -> dict[int, int]:
    rows = (
        await Case.active()
        .filter(assignee_id__in=agent_ids)
        .annotate(n=Count("id"))
        .group_by("assignee_id")
        .values_list("assignee_id", "n")
    )
    return {int(agent): int(n) for agent, n in rows}


async def _last_given(agent_ids: list[int]) -> dict[int, datetime]:
    rows = (
        await Case.filter(assignee_id__in=agent_ids)
        .annotate(last=Max("created_at"))
        .group_by("assignee_id")
        .values_list("assignee_id", "last")
    )
    return {int(agent): last for agent, last in rows if last is not None}


async def next_agent(settings: Settings) -> StaffUser | None:
    """The agent under the cap who was given a case least recently; None when off or all are full."""
    if not settings.auto_assign:
        return None
    agents = await active_agents()
    ids = [agent.id for agent in agents]
    cap = settings.agent_case_cap
    counts = await _open_counts(ids)
    free = [agent for agent in agents if counts.get(agent.id, 0) < cap]
    if not free:
        return None
    last = await _last_given(ids)
    return min(free, key=lambda agent: (last.get(agent.id, NEVER), agent.id))
