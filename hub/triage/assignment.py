"""Automatic assignment: a rule picks the agents, the mode picks one of them under the cap.

1. The first rule (by position) that matches the case's product, reason and priority names
   one agent or a group; with no match, every agent may take it.
2. Of those, the available ones (active agents who have not marked themselves away) under
   ``settings.agent_case_cap`` open cases are candidates.
3. ``round_robin`` gives the case to the candidate after the last one given a case in that
   pool (a row per pool, moved on by a conditional update, so that every process takes
   turns from the same place); ``least_loaded`` to the one with the fewest open cases.

Every decision writes its reason into the case's timeline, the case left unassigned too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count, Max

from hub.catalog.models import Product
from hub.config import Settings
from hub.queue import Queue
from hub.staff.models import Role, StaffUser
from hub.triage.models import ACTIVE_STATUSES, AssignmentRule, AssignmentTurn, Case, CaseEvent
from hub.webhooks.events import case_data, emit

NEVER = datetime.min.replace(tzinfo=UTC)
MODE_NAMES = {"round_robin": "round robin", "least_loaded": "least loaded"}
TURN_TRIES = 5
BATCH = 100


def assignment_mode(settings: Settings) -> str:
    """``off``, ``round_robin`` or ``least_loaded``; HUB_AUTO_ASSIGN=true alone means round robin."""
    if settings.assignment_mode:
        return settings.assignment_mode
    return "round_robin" if settings.auto_assign else "off"


async def active_agents() -> list[StaffUser]:
    users = await StaffUser.filter(is_active=True, roles__contains=Role.AGENT.value).order_by("id")
    return [user for user in users if Role.AGENT in user.role_set]


async def available_agents() -> list[StaffUser]:
    return [agent for agent in await active_agents() if agent.takes_cases]


@dataclass(frozen=True)
class Pool:
    key: str  # AssignmentTurn.pool
    label: str
    agents: list[StaffUser]


@dataclass(frozen=True)
class Decision:
    agent: StaffUser | None
    rule: AssignmentRule | None
    mode: str
    pool: str
    cap: int

    def describe(self) -> str:
        """Why the case went to whom, as the timeline says it."""
        by = f" by rule '{self.rule.name}'" if self.rule else ""
        if self.agent is None:
            if self.rule and self.rule.agent_id:
                full = f"{self.pool} is away or at the cap of {self.cap} open cases"
            else:
                full = f"nobody in {self.pool} is available under the cap of {self.cap} open cases"
            return f"left unassigned{by}: {full}"
        how = "the rule's agent" if self.rule and self.rule.agent_id else MODE_NAMES[self.mode]
        return f"assigned to {self.agent.display_name}{by} ({how})"

    def data(self) -> dict[str, object]:
        return {
            "assignee_id": self.agent.id if self.agent else None,
            "assignee": self.agent.display_name if self.agent else "nobody",
            "automatic": True,
            "rule": self.rule.name if self.rule else None,
            "mode": self.mode,
        }


async def _product_keys(product_id: int | None) -> frozenset[str]:
    product = await Product.get_or_none(id=product_id).select_related("group") if product_id else None
    if product is None:
        return frozenset()
    return frozenset(key for key in (product.external_id, product.group.key if product.group else "") if key)


async def matching_rule(case: Case) -> AssignmentRule | None:
    rules = await AssignmentRule.all().select_related("agent").order_by("position", "id")
    if not rules:
        return None
    keys = await _product_keys(case.product_id)
    return next((rule for rule in rules if rule.matches(case, keys)), None)


async def _pool(rule: AssignmentRule | None, leaving: StaffUser | None) -> Pool:
    agents = [agent for agent in await available_agents() if leaving is None or agent.id != leaving.id]
    if rule is None:
        return Pool("all", "the team", agents)
    if rule.agent_id:
        name = rule.agent.display_name if rule.agent else "the rule's agent"
        return Pool(rule.pool, name, [agent for agent in agents if agent.id == rule.agent_id])
    return Pool(rule.pool, f"group {rule.group}", [a for a in agents if rule.group in a.group_set])


async def open_counts(agent_ids: list[int]) -> dict[int, int]:
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


async def _take_turn(pool: str, free: list[StaffUser]) -> StaffUser:
    """The agent after the pool's last one (by id, wrapping round), the turn moved on for all."""
    by_id = {agent.id: agent for agent in free}
    ids = sorted(by_id)
    chosen = ids[0]
    for _ in range(TURN_TRIES):
        turn, _created = await AssignmentTurn.get_or_create(pool=pool)
        chosen = next((agent_id for agent_id in ids if agent_id > turn.last_agent_id), ids[0])
        moved = await AssignmentTurn.filter(id=turn.id, turn=turn.turn).update(
            last_agent_id=chosen, turn=turn.turn + 1
        )
        if moved:
            break
    return by_id[chosen]


async def _least_loaded(free: list[StaffUser], counts: dict[int, int]) -> StaffUser:
    last = await _last_given([agent.id for agent in free])
    return min(free, key=lambda agent: (counts.get(agent.id, 0), last.get(agent.id, NEVER), agent.id))


async def choose(settings: Settings, case: Case, leaving: StaffUser | None = None) -> Decision | None:
    """Who should have ``case`` (never ``leaving``); None when assignment is off."""
    mode = assignment_mode(settings)
    if mode == "off":
        return None
    rule = await matching_rule(case)
    pool = await _pool(rule, leaving)
    counts = await open_counts([agent.id for agent in pool.agents])
    cap = settings.agent_case_cap
    free = [agent for agent in pool.agents if counts.get(agent.id, 0) < cap]
    agent = None
    if free and mode == "round_robin":
        agent = await _take_turn(pool.key, free)
    elif free:
        agent = await _least_loaded(free, counts)
    return Decision(agent, rule, mode, pool.label, cap)


async def assign_new_case(settings: Settings, case: Case) -> Decision | None:
    """Give a case just opened to an agent, or say in its timeline why nobody has it."""
    decision = await choose(settings, case)
    if decision is None:
        return None
    if decision.agent is not None:
        case.assignee = decision.agent
        await case.save(update_fields=["assignee_id", "updated_at"])
    kind = "assigned" if decision.agent else "unassigned"
    await CaseEvent.create(case=case, kind=kind, body=decision.describe(), data=decision.data())
    if decision.agent is not None:
        await emit("case.assigned", {"case": case_data(case), "automatic": True})
    return decision


def _away_agents_cases(_now: datetime) -> Q:
    away = StaffUser.filter(away_since__isnull=False).values("id")
    return Q(status__in=ACTIVE_STATUSES, assignee_id__in=Subquery(away))


REASSIGNMENTS: Queue[Case] = Queue(name="case_reassign", model=Case, due=_away_agents_cases)


async def reassign(settings: Settings, case: Case, now: datetime) -> int:
    """Give a claimed case of an agent who went away to another (or to nobody), and say why."""
    leaving = await StaffUser.get(id=case.assignee_id)
    decision = await choose(settings, case, leaving)
    if decision is None:
        return 0
    new_id = decision.agent.id if decision.agent else None
    moved = await Case.filter(id=case.id, assignee_id=leaving.id).update(assignee_id=new_id, updated_at=now)
    if not moved:
        return 0  # another worker gave it on first
    body = f"reassigned: {leaving.display_name} went away; {decision.describe()}"
    await CaseEvent.create(
        case=case, kind="reassigned", body=body, data={**decision.data(), "from": leaving.id}
    )
    case.assignee_id = new_id
    await emit("case.assigned", {"case": case_data(case), "automatic": True}, now)
    return 1


async def reassign_away_agents_cases(settings: Settings, now: datetime) -> int:
    if assignment_mode(settings) == "off":
        return 0

    async def handle(case: Case) -> int:
        return await reassign(settings, case, now)

    return await REASSIGNMENTS.each_in_transaction(now, BATCH, handle)
