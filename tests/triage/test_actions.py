from __future__ import annotations

import httpx
import pytest

from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.staff.models import AuditEntry, StaffUser
from hub.triage.models import CannedResponse, Case, CaseEvent
from hub.webhooks.endpoints import sync_configured_endpoint
from hub.webhooks.models import WebhookDelivery
from tests.conftest import log_in
from tests.triage.conftest import make_case, post_action


async def _logged_in_case(client: httpx.AsyncClient, settings: Settings, user: StaffUser) -> Case:
    case = await make_case(settings)
    await log_in(client, user)
    return case


async def test_an_agent_assigns_a_case_to_themselves(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    case = await _logged_in_case(client, settings, bob)
    response = await post_action(client, case, "assign", assignee="me")
    assert response.status_code == 200 and "<html" not in response.text
    assert 'id="case-assignee">Bob Agent<' in response.text
    assert (await Case.get(id=case.id)).assignee_id == bob.id  # type: ignore[attr-defined]
    assert await CaseEvent.filter(case=case, kind="assigned", actor=bob).exists()
    assert await AuditEntry.filter(action="case.assigned", actor=bob, target_id=str(case.id)).exists()


async def test_it_refuses_to_assign_to_someone_who_is_not_an_agent(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser, carol: StaffUser
) -> None:
    case = await _logged_in_case(client, settings, bob)
    response = await post_action(client, case, "assign", htmx=False, assignee=str(carol.id))
    assert response.status_code == 422 and "choose an active agent" in response.text.lower()


async def test_without_htmx_an_action_redirects_to_the_case(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    case = await _logged_in_case(client, settings, bob)
    response = await post_action(client, case, "priority", htmx=False, priority="urgent")
    assert response.status_code == 303 and response.headers["location"].endswith(f"/admin/cases/{case.id}")
    assert (await Case.get(id=case.id)).priority == "urgent"
    event = await CaseEvent.get(case=case, kind="priority")
    assert event.data == {"from": "normal", "to": "urgent"}


async def test_an_internal_note_lands_on_the_timeline(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    case = await _logged_in_case(client, settings, bob)
    response = await post_action(client, case, "note", body="Called the courier.")
    assert "Called the courier." in response.text
    assert await CaseEvent.filter(case=case, kind="note", body="Called the courier.").exists()
    assert await AuditEntry.filter(action="case.note").exists()


async def test_a_reply_is_mailed_with_the_reference_and_reply_to_support(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    case = await _logged_in_case(client, settings, bob)
    await post_action(client, case, "reply", body="Sorry, a new tent is on its way.")
    await post_action(client, case, "reply", body="It ships today.")
    mails = await OutboxMessage.filter(kind="case_reply").order_by("id")
    assert len(mails) == 2
    assert case.reference in mails[0].subject
    assert mails[0].headers["Reply-To"] == settings.support_email
    assert "Sorry, a new tent is on its way." in mails[0].text_body
    first = (await Case.get(id=case.id)).first_response_at
    assert first is not None
    assert await CaseEvent.filter(case=case, kind="reply").count() == 2
    assert await AuditEntry.filter(action="case.reply").count() == 2


async def test_a_canned_response_fills_the_reply(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    case = await _logged_in_case(client, settings, bob)
    canned = await CannedResponse.create(title="Sorry", body="Hi {first_name}, about {reference}:")
    draft = await client.get(
        f"/admin/cases/{case.id}/reply-draft?canned={canned.id}", headers={"HX-Request": "true"}
    )
    assert f"Hi Dana, about {case.reference}:" in draft.text


async def test_resolving_sets_the_follow_up_and_queues_a_webhook(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser, app: object
) -> None:
    hooked = settings.with_overrides(case_webhook_url="http://127.0.0.1:9/hook")
    app.state.settings = hooked  # type: ignore[attr-defined]
    await sync_configured_endpoint(hooked)
    case = await _logged_in_case(client, settings, bob)
    await post_action(client, case, "pending")
    response = await post_action(client, case, "resolve", resolution="replacement", note="New tent sent.")
    assert 'id="case-status">resolved<' in response.text
    resolved = await Case.get(id=case.id)
    assert resolved.resolution_code == "replacement" and resolved.resolution_note == "New tent sent."
    assert resolved.resolved_at is not None and resolved.follow_up_due_at is not None
    assert (resolved.follow_up_due_at - resolved.resolved_at).days == 2
    statuses = await CaseEvent.filter(case=case, kind="status").order_by("id").values_list("data", flat=True)
    assert [d["to"] for d in statuses] == ["pending", "resolved"]
    assert await WebhookDelivery.filter(event="case.resolved").count() == 1


async def test_a_resolution_needs_a_code(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    case = await _logged_in_case(client, settings, bob)
    response = await post_action(client, case, "resolve", resolution="bribe")
    assert "choose how the case was resolved" in response.text.lower()
    assert (await Case.get(id=case.id)).status == "open"


async def test_a_resolved_case_can_be_reopened(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    case = await _logged_in_case(client, settings, bob)
    await post_action(client, case, "resolve", resolution="apology")
    await post_action(client, case, "reopen")
    reopened = await Case.get(id=case.id)
    assert reopened.status == "open" and reopened.resolved_at is None and reopened.follow_up_due_at is None
    assert await AuditEntry.filter(action="case.status").count() == 2


@pytest.mark.parametrize(("roles", "status"), [("moderator", 403), ("moderator agent", 200)])
async def test_only_agents_act_on_cases(
    client: httpx.AsyncClient, settings: Settings, carol: StaffUser, roles: str, status: int
) -> None:
    carol.roles = roles
    await carol.save()
    case = await make_case(settings)
    await log_in(client, carol)
    token_page = await client.get("/login")
    assert token_page.status_code in (200, 303)
    response = await client.post(
        f"/admin/cases/{case.id}/note",
        data={"body": "hi"},
        headers={"HX-Request": "true", "X-CSRF-Token": _csrf(client)},
    )
    assert response.status_code == status


def _csrf(client: httpx.AsyncClient) -> str:
    import base64
    import json

    cookie = client.cookies["hub_session"].split(".")[0]
    return str(json.loads(base64.b64decode(cookie + "=="))["csrf"])


async def test_an_action_without_the_csrf_token_is_refused(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    case = await _logged_in_case(client, settings, bob)
    response = await client.post(f"/admin/cases/{case.id}/note", data={"body": "hi"})
    assert response.status_code == 403
