from __future__ import annotations

import gc

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Mount

from hub.app import COLLECTOR_THRESHOLDS, all_routes, create_app
from hub.config import Settings
from hub.staff.models import StaffUser
from hub.templating import templates
from tests.conftest import log_in


async def test_healthz_reports_a_working_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_it_shows_a_friendly_404_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert "We could not find that page" in response.text


async def test_it_sends_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/login")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"


async def test_the_dashboard_shows_figures_from_the_database(
    client: httpx.AsyncClient, alice: StaffUser
) -> None:
    from hub.catalog.models import Customer

    await Customer.create(email="dana@example.com", name="Dana Doe")
    await log_in(client, alice)
    page = await client.get("/admin")
    assert '<span class="number" id="fig-customers">1</span>' in page.text
    assert 'id="fig-queued-mail">0<' in page.text


@pytest.mark.parametrize("roles", ["agent", "moderator"])
async def test_the_navigation_hides_pages_a_role_cannot_open(
    client: httpx.AsyncClient, roles: str, password_hash: str
) -> None:
    user = await StaffUser.create(email="someone@example.com", roles=roles, password_hash=password_hash)
    await log_in(client, user)
    page = await client.get("/admin")
    assert page.status_code == 200
    assert ">Settings<" not in page.text and ">Audit log<" not in page.text


async def test_the_audit_log_lists_staff_actions_for_admins(
    client: httpx.AsyncClient, alice: StaffUser
) -> None:
    await log_in(client, alice)
    page = await client.get("/admin/audit")
    assert page.status_code == 200
    assert "staff.login" in page.text and "alice@example.com" in page.text


@pytest.mark.parametrize("roles", ["agent", "moderator", "agent moderator"])
async def test_only_admins_may_read_the_audit_log(
    client: httpx.AsyncClient, roles: str, password_hash: str
) -> None:
    user = await StaffUser.create(email="someone@example.com", roles=roles, password_hash=password_hash)
    await log_in(client, user)
    page = await client.get("/admin/audit")
    assert page.status_code == 403
    assert "Your role does not allow" in page.text


async def test_admin_pages_may_not_be_framed(client: httpx.AsyncClient, alice: StaffUser) -> None:
    await log_in(client, alice)
    response = await client.get("/admin")
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_remembered_paths_differ_by_parameter_and_by_app(settings: Settings) -> None:
    links = templates.env.from_string(
        "{{ path_for('case_detail', case_id=1) }} {{ path_for('case_detail', case_id=2) }}"
    )

    def rendered(app: Starlette) -> str:
        request = Request({"type": "http", "app": app, "method": "GET", "path": "/", "headers": []})
        return links.render(request=request)

    hub = create_app(settings)
    mounted = Starlette(routes=[Mount("/hub", routes=all_routes())])  # the hub behind a path prefix
    assert rendered(hub) == rendered(hub) == "/admin/cases/1 /admin/cases/2"
    assert rendered(mounted) == "/hub/admin/cases/1 /hub/admin/cases/2"


async def test_the_collector_is_tuned_while_serving_and_restored_by_the_last_app(
    settings: Settings, db: str
) -> None:
    before = gc.get_threshold()
    first, second = create_app(settings), create_app(settings)
    async with first.router.lifespan_context(first):
        assert gc.get_threshold() == COLLECTOR_THRESHOLDS
        assert gc.get_freeze_count() > 0
        async with second.router.lifespan_context(second):
            assert gc.get_threshold() == COLLECTOR_THRESHOLDS
        assert gc.get_threshold() == COLLECTOR_THRESHOLDS, "the first app is still serving"
        assert gc.get_freeze_count() > 0, "the second app thawed the first one's heap"
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
