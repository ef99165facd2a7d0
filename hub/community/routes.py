"""Every route of the community domain, for `hub.app`."""

from __future__ import annotations

from starlette.routing import BaseRoute

from hub.community import admin_routes, api_routes, link_routes, page_routes

routes: list[BaseRoute] = [
    *api_routes.routes,
    *page_routes.routes,
    *link_routes.routes,
    *admin_routes.routes,
]
