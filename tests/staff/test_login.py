from __future__ import annotations

import httpx

from hub.staff.models import AuditEntry, StaffSession, StaffUser
from tests.conftest import PASSWORD, csrf_from, log_in


async def test_it_logs_in_and_shows_the_dashboard(client: httpx.AsyncClient, alice: StaffUser) -> None:
    response = await log_in(client, alice)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin"
    dashboard = await client.get("/admin")
    assert dashboard.status_code == 200
    assert "Dashboard" in dashboard.text
    assert await AuditEntry.filter(action="staff.login", actor=alice).exists()


async def test_it_sets_a_hardened_session_cookie(client: httpx.AsyncClient, alice: StaffUser) -> None:
    response = await log_in(client, alice)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


async def test_it_refuses_a_wrong_password(client: httpx.AsyncClient, alice: StaffUser) -> None:
    response = await log_in(client, alice, "wrong password!")
    assert response.status_code == 400
    assert "do not match" in response.text
    assert (await client.get("/admin")).status_code == 303


async def test_it_locks_out_after_repeated_failures(client: httpx.AsyncClient, alice: StaffUser) -> None:
    for _ in range(5):
        await log_in(client, alice, "wrong password!")
    response = await log_in(client, alice)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.text


async def test_it_refuses_a_login_without_csrf_token(client: httpx.AsyncClient, alice: StaffUser) -> None:
    await client.get("/login")
    response = await client.post("/login", data={"email": alice.email, "password": PASSWORD})
    assert response.status_code == 403
    assert (await client.get("/admin")).status_code == 303


async def test_it_redirects_anonymous_visitors_to_the_login(client: httpx.AsyncClient, db: str) -> None:
    response = await client.get("/admin")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fadmin"


async def test_it_ends_the_session_on_logout_so_its_old_cookie_opens_nothing(
    client: httpx.AsyncClient, alice: StaffUser
) -> None:
    await log_in(client, alice)
    old_cookie = client.cookies.get("hub_session")
    token = await csrf_from(client, "/admin")
    await client.post("/logout", data={"csrf_token": token})
    client.cookies.set("hub_session", old_cookie or "")
    assert (await client.get("/admin")).status_code == 303
    [session] = await StaffSession.filter(user_id=alice.id)
    assert session.ended_at is not None and session.end_reason == "logout"


async def test_it_ignores_an_offsite_next_parameter(client: httpx.AsyncClient, alice: StaffUser) -> None:
    token = await csrf_from(client, "/login")
    response = await client.post(
        "/login",
        data={
            "email": alice.email,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/steal",
        },
    )
    assert response.headers["location"] == "/admin"
