"""Automatic assignment: round robin, least loaded, caps, rules, and an agent who goes away."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.catalog.models import Product, ProductGroup
from hub.config import Settings, SettingsError, env_setting
from hub.staff.availability import set_away
from hub.staff.models import StaffUser
from hub.triage.assignment import assignment_mode
from hub.triage.jobs import reassign_away_agents_cases
from hub.triage.models import AssignmentRule, AssignmentTurn, Case, CaseEvent
from tests.conftest import NOW, make_product
from tests.triage.conftest import make_case


async def _agents(password_hash: str) -> list[StaffUser]:
    """Ann and Ben take cases; Cid only moderates."""
    return [
        await StaffUser.create(
            email=f"{name.lower()}@example.com", name=name, roles=roles, password_hash=password_hash
        )
        for name, roles in (("Ann", "agent"), ("Ben", "moderator agent"), ("Cid", "moderator"))
    ]


async def _assignee(case: Case) -> int | None:
    return (await Case.get(id=case.id)).assignee_id


async def _timeline(case: Case) -> list[str]:
    return [event.body for event in await CaseEvent.filter(case_id=case.id).order_by("id") if event.body]


def _mode(settings: Settings, mode: str, cap: int = 25) -> Settings:
    return settings.with_overrides(assignment_mode=mode, agent_case_cap=cap)


async def test_new_cases_go_round_robin_to_agents_under_the_cap(
    settings: Settings, db: str, password_hash: str
) -> None:
    ann, ben, _ = await _agents(password_hash)
    auto = settings.with_overrides(auto_assign=True, agent_case_cap=2)
    cases = [await make_case(auto) for _ in range(5)]
    assert [await _assignee(case) for case in cases] == [ann.id, ben.id, ann.id, ben.id, None]
    assert await CaseEvent.filter(kind="assigned").count() == 4
    assert await _timeline(cases[0]) == ["assigned to Ann (round robin)"]
    assert await _timeline(cases[4]) == [
        "left unassigned: nobody in the team is available under the cap of 2 open cases"
    ]


async def test_the_turn_is_kept_in_the_database_for_every_process(
    settings: Settings, db: str, password_hash: str
) -> None:
    ann, ben, _ = await _agents(password_hash)
    third = await StaffUser.create(email="dee@example.com", name="Dee", password_hash=password_hash)
    await AssignmentTurn.create(pool="all", last_agent_id=ben.id, turn=7)
    auto = _mode(settings, "round_robin")
    cases = [await make_case(auto) for _ in range(3)]
    assert [await _assignee(case) for case in cases] == [third.id, ann.id, ben.id]
    turn = await AssignmentTurn.get(pool="all")
    assert (turn.last_agent_id, turn.turn) == (ben.id, 10)


async def test_a_resolved_case_frees_a_place(settings: Settings, db: str, password_hash: str) -> None:
    ann, _, _ = await _agents(password_hash)
    auto = settings.with_overrides(auto_assign=True, agent_case_cap=1)
    first = await make_case(auto)
    await make_case(auto)
    await Case.filter(id=first.id).update(status="resolved")
    third = await make_case(auto)
    assert await _assignee(third) == ann.id


async def test_least_loaded_gives_the_case_to_the_agent_with_fewest_open_cases(
    settings: Settings, db: str, password_hash: str
) -> None:
    ann, ben, _ = await _agents(password_hash)
    for _ in range(2):
        await Case.filter(id=(await make_case(settings)).id).update(assignee_id=ann.id)
    await Case.filter(id=(await make_case(settings)).id).update(assignee_id=ben.id)
    loaded = _mode(settings, "least_loaded")
    first = await make_case(loaded)
    assert await _assignee(first) == ben.id
    assert await _timeline(first) == ["assigned to Ben (least loaded)"]
    # Two each now: the one given a case longer ago is next.
    assert await _assignee(await make_case(loaded, now=NOW + timedelta(minutes=1))) == ann.id


async def test_assignment_is_off_by_default(settings: Settings, db: str, password_hash: str) -> None:
    await _agents(password_hash)
    case = await make_case(settings)
    assert await _assignee(case) is None
    assert await _timeline(case) == []


def test_the_mode_follows_the_older_switch_unless_set() -> None:
    assert assignment_mode(Settings()) == "off"
    assert assignment_mode(Settings(auto_assign=True)) == "round_robin"
    assert assignment_mode(Settings(auto_assign=True, assignment_mode="least_loaded")) == "least_loaded"
    assert assignment_mode(Settings(auto_assign=True, assignment_mode="off")) == "off"
    assert env_setting("assignment_mode", {"HUB_ASSIGNMENT_MODE": "least_loaded"}) == "least_loaded"
    with pytest.raises(SettingsError, match="HUB_ASSIGNMENT_MODE"):
        env_setting("assignment_mode", {"HUB_ASSIGNMENT_MODE": "random"})


async def _rule(name: str, position: int, **fields: object) -> AssignmentRule:
    return await AssignmentRule.create(name=name, position=position, **fields)


async def test_rules_route_by_priority_reason_and_product_to_a_group_or_an_agent(
    settings: Settings, db: str, password_hash: str
) -> None:
    ann, ben, _ = await _agents(password_hash)
    dee = await StaffUser.create(email="dee@example.com", name="Dee", password_hash=password_hash)
    for agent, groups in ((ann, "tier2"), (dee, "tier2 returns")):
        await StaffUser.filter(id=agent.id).update(groups=groups)
    stoves = await ProductGroup.create(key="stoves", name="Stoves")
    stove = await make_product("Camp Stove", external_id="STOVE-1", group=stoves)
    lamp = await make_product("Lamp", external_id="LAMP-1")
    await _rule("Urgent → Tier 2", 1, priority="urgent", group="tier2")
    await _rule("Stoves to Ben", 2, product="stoves", agent_id=ben.id)
    await _rule("Lamps to Ben", 3, product="LAMP-1", agent_id=ben.id)
    await _rule("Returns", 4, reason="return", group="returns")
    auto = _mode(settings, "round_robin")

    urgent = [await make_case(auto, priority="urgent", product=stove) for _ in range(3)]
    assert [await _assignee(case) for case in urgent] == [ann.id, dee.id, ann.id]
    assert await _timeline(urgent[0]) == ["assigned to Ann by rule 'Urgent → Tier 2' (round robin)"]

    by_group = await make_case(auto, priority="high", product=stove)
    assert await _assignee(by_group) == ben.id
    assert await _timeline(by_group) == ["assigned to Ben by rule 'Stoves to Ben' (the rule's agent)"]
    assert await _assignee(await make_case(auto, product=lamp)) == ben.id

    returned = await make_case(auto, reasons=("low_rating", "return"), product=await make_product("Mug"))
    assert await _assignee(returned) == dee.id
    assert await _timeline(returned) == ["assigned to Dee by rule 'Returns' (round robin)"]

    unmatched = await make_case(auto, product=await make_product("Cup"))
    assert await _timeline(unmatched) == ["assigned to Ann (round robin)"]


async def test_a_rule_whose_agents_are_all_away_or_full_leaves_the_case_unassigned(
    settings: Settings, db: str, password_hash: str
) -> None:
    ann, ben, _ = await _agents(password_hash)
    await StaffUser.filter(id__in=[ann.id, ben.id]).update(groups="tier2")
    await _rule("Urgent → Tier 2", 1, priority="urgent", group="tier2")
    await set_away(ann, ann, True, NOW)
    auto = _mode(settings, "round_robin", cap=1)
    assert await _assignee(await make_case(auto, priority="urgent")) == ben.id
    full = await make_case(auto, priority="urgent")
    assert await _assignee(full) is None
    assert await _timeline(full) == [
        "left unassigned by rule 'Urgent → Tier 2': nobody in group tier2 is available"
        " under the cap of 1 open cases"
    ]


async def test_an_agent_who_goes_away_has_their_open_cases_given_on_and_gets_no_new_ones(
    settings: Settings, db: str, password_hash: str
) -> None:
    ann, ben, _ = await _agents(password_hash)
    dee = await StaffUser.create(email="dee@example.com", name="Dee", password_hash=password_hash)
    auto = _mode(settings, "round_robin", cap=5)
    cases = [await make_case(auto) for _ in range(6)]
    assert [await _assignee(case) for case in cases] == [ann.id, ben.id, dee.id] * 2
    await Case.filter(id=cases[3].id).update(status="resolved")

    assert await set_away(ann, ann, True, NOW)
    assert await reassign_away_agents_cases(auto, NOW) == 1
    assert await reassign_away_agents_cases(auto, NOW) == 0
    assert await _assignee(cases[0]) in (ben.id, dee.id)
    assert await _assignee(cases[3]) == ann.id  # resolved: left as it was
    assert (await _timeline(cases[0]))[-1].startswith("reassigned: Ann went away; assigned to ")

    newer = [await make_case(auto) for _ in range(2)]
    assert ann.id not in [await _assignee(case) for case in newer]
    await set_away(ben, ben, True, NOW)
    await set_away(dee, dee, True, NOW)
    await reassign_away_agents_cases(auto, NOW)
    assert await Case.filter(status="open").exclude(assignee_id=None).count() == 0
    last_words = [(await _timeline(case))[-1] for case in await Case.filter(status="open")]
    assert set(last_words) == {
        "reassigned: Ben went away; left unassigned: nobody in the team is available"
        " under the cap of 5 open cases",
        "reassigned: Dee went away; left unassigned: nobody in the team is available"
        " under the cap of 5 open cases",
    }


async def test_nothing_is_given_on_while_assignment_is_off(
    settings: Settings, db: str, password_hash: str
) -> None:
    ann, _, _ = await _agents(password_hash)
    case = await make_case(settings)
    await Case.filter(id=case.id).update(assignee_id=ann.id)
    await set_away(ann, ann, True, NOW)
    assert await reassign_away_agents_cases(settings, NOW) == 0
    assert await _assignee(case) == ann.id


async def test_a_rule_for_an_unknown_product_matches_by_external_id_only(
    settings: Settings, db: str, password_hash: str
) -> None:
    ann, ben, _ = await _agents(password_hash)
    await _rule("Tents to Ben", 1, product="TENT-9", agent_id=ben.id)
    tent = await Product.create(external_id="TENT-9", name="Tent")
    auto = _mode(settings, "least_loaded")
    assert await _assignee(await make_case(auto, product=tent)) == ben.id
    assert await _assignee(await make_case(auto, product=await make_product("Other"))) == ann.id


async def test_a_rule_for_one_agent_who_is_away_says_so(
    settings: Settings, db: str, password_hash: str
) -> None:
    _, ben, _ = await _agents(password_hash)
    await _rule("Everything to Ben", 1, agent_id=ben.id)
    await set_away(ben, ben, True, NOW)
    case = await make_case(_mode(settings, "least_loaded"))
    assert await _assignee(case) is None
    assert await _timeline(case) == [
        "left unassigned by rule 'Everything to Ben': Ben is away or at the cap of 25 open cases"
    ]
