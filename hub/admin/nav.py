"""The admin navigation: the pages that the user may open."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from hub.staff.models import StaffUser
from hub.urls import path_for


@dataclass(frozen=True)
class NavItem:
    route: str
    label: str
    roles: tuple[str, ...] = ()


NAV = (
    NavItem("dashboard", "Dashboard"),
    NavItem("case_queue", "Cases", ("agent",)),
    NavItem("inbound_list", "Support mail", ("agent",)),
    NavItem("review_moderation", "Reviews", ("moderator",)),
    NavItem("photo_moderation", "Photos", ("moderator",)),
    NavItem("question_moderation", "Questions", ("moderator",)),
    NavItem("contributor_list", "Contributors", ("moderator",)),
    NavItem("survey_list", "Surveys", ("moderator",)),
    NavItem("advocates", "Advocates", ("moderator",)),
    NavItem("referrals_admin", "Referrals", ("moderator",)),
    NavItem("movement", "Movement"),
    NavItem("retention", "Retention"),
    NavItem("code_pools", "Code pools", ("admin",)),
    NavItem("outbox", "Outbox", ("admin",)),
    NavItem("exports", "Exports", ("admin",)),
    NavItem("imports", "Imports", ("admin",)),
    NavItem("privacy", "Privacy", ("admin",)),
    NavItem("settings_page", "Settings", ("admin",)),
    NavItem("assignment_page", "Assignment", ("admin",)),
    NavItem("staff_list", "Staff", ("admin",)),
    NavItem("api_key_list", "API keys", ("admin",)),
    NavItem("webhook_list", "Webhooks", ("admin",)),
    NavItem("audit_log", "Audit log", ("admin",)),
    NavItem("two_factor_setup", "Two-factor sign-in"),
)


def nav_links(request: Request, user: StaffUser | None) -> list[tuple[str, str, bool]]:
    """(url, label, current) for each page that ``user`` may open; a missing route raises."""
    links = []
    for item in NAV:
        if user is None or (item.roles and not user.has_role(*item.roles)):
            continue
        url = str(path_for(item.route))
        links.append((url, item.label, request.url.path == url))
    return links
