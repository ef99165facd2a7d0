"""Assignment over HTTP: the admin's rules page, agents going away, and why a case went to whom."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from hub.catalog.models import Product
from hub.config import Settings
from hub.staff.models import AuditEntry, StaffUser
from hub.triage.jobs import reassign_away_agents_cases
from hub.triage.models import AssignmentRule, Case
from tests.conftest import NOW, csrf_from
from tests.triage.conftest import make_case


async def _post(client: httpx.AsyncClient, page: str, path: str, **data: str) -> httpx.Response:
    return await client.post(path, data={"csrf_token": await csrf_from(client, page), **data})


async def _ann(password_hash: str, groups: str = "") -> StaffUser:
    return await StaffUser.create(
        email="ann@example.com", name="Ann", roles="agent", password_hash=password_hash, groups=groups
    )


def _auto(app: Starlette, settings: Settings) -> Settings:
    auto = settings.with_overrides(assignment_mode="round_robin")
    app.state.settings = auto  # type: ignore[attr-defined]
    return auto


async def test_an_agent_marks_themself_away_above_the_queue_and_their_cases_are_given_on(
    app: Starlette,
    settings: Settings,
    client: httpx.AsyncClient,
    bob: StaffUser,
    login: Any,
    password_hash: str,
) -> None:
    auto = _auto(app, settings)
    ann = await _ann(password_hash)
    case = await make_case(auto)
    await make_case(auto)  # Ann's
    assert (await Case.get(id=case.id)).assignee_id == bob.id
    await login(bob)
    queue = await client.get("/admin/cases")
    assert 'id="my-availability">available</strong>' in queue.text

    answer = await _post(client, "/admin/cases", "/account/availability", away="1", back="queue")
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/cases"
    assert 'id="my-availability">away</strong>' in (await client.get("/admin/cases")).text
    assert await reassign_away_agents_cases(auto, NOW) == 1

    page = await client.get(f"/admin/cases/{case.id}")
    assert "assigned to Bob Agent (round robin)" in page.text
    assert "reassigned: Bob Agent went away; assigned to Ann (round robin)" in page.text
    assert (await Case.get(id=case.id)).assignee_id == ann.id
    assert await AuditEntry.filter(action="staff.away", target_id=str(bob.id)).count() == 1

    back = await _post(client, "/admin/cases", "/account/availability", away="0", back="account")
    assert back.headers["location"] == "/account/two-factor"
    assert 'id="my-availability">available</strong>' in (await client.get("/account/two-factor")).text


async def test_the_case_page_says_which_rule_gave_the_case(
    app: Starlette,
    settings: Settings,
    client: httpx.AsyncClient,
    bob: StaffUser,
    login: Any,
    password_hash: str,
) -> None:
    auto = _auto(app, settings)
    await StaffUser.filter(id=bob.id).update(groups="tier2")
    await AssignmentRule.create(name="Urgent → Tier 2", position=1, priority="urgent", group="tier2")
    await _ann(password_hash)
    case = await make_case(auto, priority="urgent")
    await login(bob)
    page = await client.get(f"/admin/cases/{case.id}")
    assert "assigned to Bob Agent by rule &#39;Urgent → Tier 2&#39; (round robin)" in page.text


async def test_an_admin_adds_a_rule_and_sees_each_mistake_beside_its_field(
    client: httpx.AsyncClient, alice: StaffUser, bob: StaffUser, login: Any
) -> None:
    await login(alice)
    refused = await _post(
        client,
        "/admin/assignment",
        "/admin/assignment/rules",
        name="",
        product="NO-SUCH",
        reason="Not a code!",
        priority="soon",
        agent=str(bob.id),
        group="tier2",
    )
    assert refused.status_code == 422
    for field, says in (
        ("name", "give the rule a name of at most 120 characters"),
        ("product", "no product or product group has this id"),
        ("reason", "use a reason code such as low_rating, urgent or delivery"),
        ("priority", "choose one of low, normal, high, urgent, or any"),
        ("group", "no agent is in group &#39;tier2&#39;: put agents in it below first"),
    ):
        assert f'id="new-{field}-error">{says}</p>' in refused.text
    assert 'value="NO-SUCH"' in refused.text  # the form keeps what was sent
    assert await AssignmentRule.all().count() == 0

    both = await _post(
        client, "/admin/assignment", f"/admin/assignment/agents/{bob.id}", groups="Tier2, returns"
    )
    assert both.status_code == 303
    assert (await StaffUser.get(id=bob.id)).groups == "returns tier2"
    await Product.create(external_id="TENT-1", name="Tent")
    for name, extra in (("Urgent → Tier 2", {"group": "tier2"}), ("Tents to Bob", {"agent": str(bob.id)})):
        added = await _post(
            client,
            "/admin/assignment",
            "/admin/assignment/rules",
            name=name,
            priority="urgent" if "group" in extra else "",
            product="" if "group" in extra else "TENT-1",
            **extra,
        )
        assert added.status_code == 303
    page = await client.get("/admin/assignment")
    assert "priority urgent → group tier2" in page.text and "product TENT-1 → Bob Agent" in page.text

    second = await AssignmentRule.get(name="Tents to Bob")
    await _post(client, "/admin/assignment", f"/admin/assignment/rules/{second.id}/move", direction="up")
    assert [r.name for r in await AssignmentRule.all().order_by("position")] == [
        "Tents to Bob",
        "Urgent → Tier 2",
    ]
    await _post(client, "/admin/assignment", f"/admin/assignment/rules/{second.id}/delete")
    assert [r.name for r in await AssignmentRule.all()] == ["Urgent → Tier 2"]
    assert await AuditEntry.filter(action="assignment_rule.save").count() == 2


async def test_a_rule_needs_an_agent_or_a_group_and_not_both(
    client: httpx.AsyncClient, alice: StaffUser, bob: StaffUser, login: Any
) -> None:
    await StaffUser.filter(id=bob.id).update(groups="tier2")
    await login(alice)
    neither = await _post(client, "/admin/assignment", "/admin/assignment/rules", name="Any")
    assert 'id="new-agent-error">choose an agent or a group to give the cases to</p>' in neither.text
    both = await _post(
        client, "/admin/assignment", "/admin/assignment/rules", name="Any", agent=str(bob.id), group="tier2"
    )
    assert 'id="new-group-error">choose an agent or a group, not both</p>' in both.text
    groups = await _post(client, "/admin/assignment", f"/admin/assignment/agents/{bob.id}", groups="tier 2!")
    assert groups.status_code == 422
    says = "&#39;2!&#39; is not a group name: use up to 24 of a-z, 0-9, - and _"
    assert f'id="agent-{bob.id}-groups-error">{says}' in groups.text


async def test_only_admins_edit_the_rules(client: httpx.AsyncClient, bob: StaffUser, login: Any) -> None:
    await login(bob)
    assert (await client.get("/admin/assignment")).status_code == 403
    token = await csrf_from(client, "/admin/cases")
    answer = await client.post("/admin/assignment/rules", data={"csrf_token": token, "name": "x"})
    assert answer.status_code == 403
    assert await AssignmentRule.all().count() == 0


async def test_an_admin_marks_an_agent_away_on_the_staff_page(
    client: httpx.AsyncClient, alice: StaffUser, bob: StaffUser, login: Any
) -> None:
    await login(alice)
    page = f"/admin/staff/{bob.id}"
    away = await _post(client, page, f"/admin/staff/{bob.id}/away")
    assert "Bob Agent is away: new cases pass them by and theirs are given on." in away.text
    assert (await StaffUser.get(id=bob.id)).away_since is not None
    assert "away" in (await client.get("/admin/staff")).text
    back = await _post(client, page, f"/admin/staff/{bob.id}/available")
    assert "Bob Agent is available for new cases." in back.text
    assert (await StaffUser.get(id=bob.id)).away_since is None
