"""The admin's staff pages: invite by mail, roles, deactivate, reset, sessions; all audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from hub.config import Settings
from hub.links.models import LinkToken
from hub.mail.sender import send_due
from hub.staff.models import AuditEntry, StaffSession, StaffUser
from tests.conftest import PASSWORD, csrf_from, log_in, post_login
from tests.mail.conftest import MailCollector
from tests.staff.conftest import ClientFrom, fresh

NEW_PASSWORD = "quiet lantern orchard river"


def later() -> datetime:
    return datetime.now(UTC) + timedelta(minutes=1)


async def _post(
    client: httpx.AsyncClient, path: str, page: str = "/admin/staff", **data: object
) -> httpx.Response:
    return await client.post(path, data={"csrf_token": await csrf_from(client, page), **data})


async def _invite(client: httpx.AsyncClient, email: str = "erin@example.com") -> httpx.Response:
    return await _post(client, "/admin/staff/invite", email=email, name="Erin", role=["agent", "moderator"])


def _link_path(mail_text: str) -> str:
    match = re.search(r"http://testserver(/login/(?:welcome|reset)/[\w-]+)", mail_text)
    assert match, mail_text
    return match.group(1)


async def _choose_password(
    client: httpx.AsyncClient, path: str, password: str = NEW_PASSWORD, confirm: str | None = None
) -> httpx.Response:
    token = await csrf_from(client, path)
    return await client.post(
        path, data={"password": password, "confirm": confirm or password, "csrf_token": token}
    )


async def test_an_invite_mails_a_link_that_sets_a_password_once(
    client_from: ClientFrom,
    client: httpx.AsyncClient,
    alice: StaffUser,
    smtp_settings: Settings,
    mailbox: MailCollector,
) -> None:
    await log_in(client, alice)
    response = await _invite(client)
    assert response.status_code == 200 and "Invitation mailed to erin@example.com" in response.text
    assert await send_due(smtp_settings, later()) == 1
    [mail] = mailbox.received
    assert mail["To"] == "erin@example.com" and "invited you" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    path = _link_path(text)
    assert path in html
    invited = await StaffUser.get(email="erin@example.com")
    assert invited.roles == "agent moderator" and invited.status == "invited"
    erin = await client_from("198.51.100.30")
    form = await erin.get(path)
    assert form.status_code == 200 and "no-store" in form.headers["cache-control"]
    assert form.headers["referrer-policy"] == "no-referrer"
    done = await _choose_password(erin, path)
    assert done.status_code == 303 and done.headers["location"] == "/login?joined=1"
    assert (await erin.get(path)).status_code == 404
    assert (await post_login(erin, "erin@example.com", NEW_PASSWORD)).status_code == 303
    assert await AuditEntry.filter(action="staff.invited", actor=alice, target_id=str(invited.id)).exists()
    assert await AuditEntry.filter(action="staff.password_set", target_id=str(invited.id)).exists()


async def test_an_expired_invite_link_opens_nothing(
    client: httpx.AsyncClient, alice: StaffUser, smtp_settings: Settings, mailbox: MailCollector
) -> None:
    await log_in(client, alice)
    await _invite(client)
    await send_due(smtp_settings, later())
    path = _link_path(mailbox.received[0].get_body(("plain",)).get_content())
    await LinkToken.filter(purpose="staff_invite").update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert (await client.get(path)).status_code == 404
    assert (await client.get("/login/welcome/not-a-real-token")).status_code == 404


@pytest.mark.parametrize(
    ("password", "confirm", "reason"),
    [
        ("short words", None, "at least 12 characters"),
        ("qwerty123456", None, "common or breached"),
        ("Passw0rd12345", None, "similar to a commonly used password"),
        ("aaaaaaaaaaaaaaa", None, "too easy to guess"),
        ("erin@example.com rocks", None, "e-mail address"),
        (NEW_PASSWORD, "something else entirely", "differ"),
    ],
)
async def test_the_chosen_password_must_pass_the_policy(
    client: httpx.AsyncClient,
    alice: StaffUser,
    smtp_settings: Settings,
    mailbox: MailCollector,
    password: str,
    confirm: str | None,
    reason: str,
) -> None:
    await log_in(client, alice)
    await _invite(client)
    await send_due(smtp_settings, later())
    path = _link_path(mailbox.received[0].get_body(("plain",)).get_content())
    response = await _choose_password(client, path, password, confirm)
    assert response.status_code == 422 and reason in response.text
    assert not (await StaffUser.get(email="erin@example.com")).has_password


async def test_inviting_an_existing_address_or_a_bad_role_is_refused_next_to_the_form(
    client: httpx.AsyncClient, alice: StaffUser, bob: StaffUser
) -> None:
    await log_in(client, alice)
    taken = await _invite(client, bob.email)
    assert taken.status_code == 422 and "already exists" in taken.text
    bad_role = await _post(client, "/admin/staff/invite", email="x@example.com", role="owner")
    assert bad_role.status_code == 422 and "use one or more of" in bad_role.text


async def test_only_admins_open_the_staff_pages(
    client: httpx.AsyncClient, bob: StaffUser, alice: StaffUser
) -> None:
    await log_in(client, bob)
    assert (await client.get("/admin/staff")).status_code == 403
    assert (await client.get(f"/admin/staff/{alice.id}")).status_code == 403
    assert (await client.get("/admin/api-keys")).status_code == 403
    nav = await client.get("/admin")
    assert "/admin/staff" not in nav.text


async def test_staff_posts_need_the_csrf_token(
    client: httpx.AsyncClient, alice: StaffUser, bob: StaffUser
) -> None:
    await log_in(client, alice)
    response = await client.post(f"/admin/staff/{bob.id}/deactivate")
    assert response.status_code == 403
    assert (await fresh(bob)).is_active


async def test_the_admin_changes_roles_and_the_last_admin_stays_one(
    client: httpx.AsyncClient, alice: StaffUser, bob: StaffUser
) -> None:
    await log_in(client, alice)
    page = f"/admin/staff/{bob.id}"
    changed = await _post(client, f"{page}/roles", page, role=["moderator"])
    assert changed.status_code == 200 and "Roles are now: moderator" in changed.text
    assert (await fresh(bob)).roles == "moderator"
    entry = await AuditEntry.get(action="staff.roles_changed", target_id=str(bob.id))
    assert entry.detail == {"before": "agent", "after": "moderator"}
    own = f"/admin/staff/{alice.id}"
    refused = await _post(client, f"{own}/roles", own, role=["agent"])
    assert refused.status_code == 422 and "at least one active admin" in refused.text
    assert (await fresh(alice)).roles == "admin"


async def test_deactivating_ends_the_users_sessions_and_stops_sign_in(
    client_from: ClientFrom, client: httpx.AsyncClient, alice: StaffUser, bob: StaffUser
) -> None:
    bob_client = await client_from("198.51.100.40")
    await log_in(bob_client, bob)
    await log_in(client, alice)
    page = f"/admin/staff/{bob.id}"
    assert (await _post(client, f"{page}/deactivate", page)).status_code == 200
    assert (await bob_client.get("/admin")).status_code == 303
    assert (await log_in(bob_client, bob)).status_code == 400
    entry = await AuditEntry.get(action="staff.deactivated", target_id=str(bob.id))
    assert entry.detail == {"sessions_ended": 1}
    assert (await _post(client, f"{page}/reactivate", page)).status_code == 200
    assert (await log_in(bob_client, bob)).status_code == 303


async def test_a_password_reset_signs_the_user_out_and_mails_a_link_for_a_new_one(
    client_from: ClientFrom,
    client: httpx.AsyncClient,
    alice: StaffUser,
    bob: StaffUser,
    smtp_settings: Settings,
    mailbox: MailCollector,
) -> None:
    bob_client = await client_from("198.51.100.41")
    await log_in(bob_client, bob)
    await log_in(client, alice)
    page = f"/admin/staff/{bob.id}"
    assert (await _post(client, f"{page}/reset-password", page)).status_code == 200
    assert (await bob_client.get("/admin")).status_code == 303
    assert (await log_in(bob_client, bob, PASSWORD)).status_code == 400
    await send_due(smtp_settings, later())
    [mail] = mailbox.received
    assert mail["To"] == bob.email
    path = _link_path(mail.get_body(("plain",)).get_content())
    assert path.startswith("/login/reset/")
    assert (await _choose_password(bob_client, path)).status_code == 303
    assert (await post_login(bob_client, bob.email, NEW_PASSWORD)).status_code == 303
    assert await AuditEntry.filter(action="staff.password_reset", actor=alice).exists()


async def test_the_admin_lists_a_users_sessions_and_ends_one(
    client_from: ClientFrom, client: httpx.AsyncClient, alice: StaffUser, bob: StaffUser
) -> None:
    laptop = await client_from("198.51.100.50", "Firefox on the laptop")
    phone = await client_from("198.51.100.51", "Safari on the phone")
    await log_in(laptop, bob)
    await log_in(phone, bob)
    await log_in(client, alice)
    page = await client.get(f"/admin/staff/{bob.id}")
    assert "Firefox on the laptop" in page.text and "198.51.100.51" in page.text
    laptop_session = await StaffSession.get(user_id=bob.id, ip="198.51.100.50")
    token = await csrf_from(client, f"/admin/staff/{bob.id}")
    ended = await client.post(
        f"/admin/staff/{bob.id}/sessions/{laptop_session.id}/end",
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert ended.status_code == 200 and ended.text.lstrip().startswith(
        f'<tr id="session-{laptop_session.id}"'
    )
    assert "ended" in ended.text
    assert (await laptop.get("/admin")).status_code == 303
    assert (await phone.get("/admin")).status_code == 200
    assert await AuditEntry.filter(action="staff.session_ended", target_id=str(bob.id)).exists()
    all_gone = await _post(client, f"/admin/staff/{bob.id}/end-sessions", f"/admin/staff/{bob.id}")
    assert "1 session(s)" in all_gone.text
    assert (await phone.get("/admin")).status_code == 303


async def test_ending_another_users_session_through_the_wrong_user_is_a_404(
    client_from: ClientFrom, client: httpx.AsyncClient, alice: StaffUser, bob: StaffUser, carol: StaffUser
) -> None:
    bob_client = await client_from("198.51.100.52")
    await log_in(bob_client, bob)
    await log_in(client, alice)
    session = await StaffSession.get(user_id=bob.id)
    response = await _post(client, f"/admin/staff/{carol.id}/sessions/{session.id}/end")
    assert response.status_code == 404
    assert (await bob_client.get("/admin")).status_code == 200


async def test_the_admin_turns_off_a_lost_second_factor(
    client_from: ClientFrom, client: httpx.AsyncClient, alice: StaffUser, bob: StaffUser
) -> None:
    from tests.staff.conftest import enrol

    bob_client = await client_from("198.51.100.53")
    await log_in(bob_client, bob)
    await enrol(bob_client)
    await log_in(client, alice)
    page = f"/admin/staff/{bob.id}"
    assert (await _post(client, f"{page}/two-factor-off", page)).status_code == 200
    assert not (await fresh(bob)).has_two_factor
    assert await AuditEntry.filter(action="staff.two_factor_disabled", actor=alice).exists()
