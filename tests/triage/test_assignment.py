from __future__ import annotations

from hub.config import Settings
from hub.staff.models import StaffUser
from hub.triage.models import Case, CaseEvent
from tests.triage.conftest import make_case


async def _agents(password_hash: str) -> list[StaffUser]:
    return [
        await StaffUser.create(
            email=f"{name}@example.com", name=name, roles=roles, password_hash=password_hash
        )
        for name, roles in (("Ann", "agent"), ("Ben", "moderator agent"), ("Cid", "moderator"))
    ]


async def test_new_cases_go_round_robin_to_agents_under_the_cap(
    settings: Settings, db: str, password_hash: str
) -> None:
    ann, ben, _ = await _agents(password_hash)
    auto = settings.with_overrides(auto_assign=True, agent_case_cap=2)
    cases = [await make_case(auto) for _ in range(5)]
    assignees = [(await Case.get(id=c.id)).assignee_id for c in cases]  # type: ignore[attr-defined]
    assert assignees == [ann.id, ben.id, ann.id, ben.id, None]
    assert await CaseEvent.filter(kind="assigned").count() == 4


async def test_a_resolved_case_frees_a_place(settings: Settings, db: str, password_hash: str) -> None:
    ann, _, _ = await _agents(password_hash)
    auto = settings.with_overrides(auto_assign=True, agent_case_cap=1)
    first = await make_case(auto)
    await make_case(auto)
    await Case.filter(id=first.id).update(status="resolved")
    third = await make_case(auto)
    assert (await Case.get(id=third.id)).assignee_id == ann.id  # type: ignore[attr-defined]


async def test_assignment_is_off_by_default(settings: Settings, db: str, password_hash: str) -> None:
    await _agents(password_hash)
    case = await make_case(settings)
    assert (await Case.get(id=case.id)).assignee_id is None  # type: ignore[attr-defined]
