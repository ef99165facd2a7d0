"""Broken wiring fails loudly: every link the hub builds names a route of the real table."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request

from hub.admin.nav import NAV, nav_links
from hub.app import create_app
from hub.config import Settings
from hub.staff.models import StaffUser


def _request(app: Starlette, path: str = "/admin") -> Request:
    return Request({"type": "http", "app": app, "method": "GET", "path": path, "headers": []})


def test_an_admin_sees_every_page_of_the_navigation(settings: Settings) -> None:
    links = nav_links(_request(create_app(settings)), StaffUser(roles="admin", email="a@example.com"))
    assert [label for _url, label, _current in links] == [item.label for item in NAV]
