"""Links come from the one route table, without the app; the app serves exactly that table."""

from __future__ import annotations

import subprocess
import sys

import pytest
from starlette.routing import Match, NoMatchFound, Route

from hub.app import create_app
from hub.config import Settings
from hub.templating import templates
from hub.urls import ROUTES, external_url, path_for


def test_a_link_is_built_from_its_route_name_and_parameters() -> None:
    assert path_for("case_detail", case_id=7) == "/admin/cases/7"
    assert path_for("review_form", token="abc") == "/r/abc"
    assert path_for("static", path="htmx.js") == "/static/htmx.js"


def test_a_wrong_route_name_or_parameter_raises() -> None:
    with pytest.raises(NoMatchFound):
        path_for("no_such_page")
    with pytest.raises(NoMatchFound):
        path_for("case_detail")
    with pytest.raises(NoMatchFound):
        path_for("case_detail", case_id=1, extra=2)


def test_an_external_url_is_under_the_base_url(settings: Settings) -> None:
    url = external_url(settings, "review_form", {"product": 3}, token="t0k")
    assert url == f"{settings.base_url}/r/t0k?product=3"


def test_links_are_built_without_importing_the_app() -> None:
    code = (
        "import sys\n"
        "from hub.urls import path_for\n"
        "assert path_for('review_form', token='x') == '/r/x'\n"
        "assert 'hub.app' not in sys.modules, 'hub.urls imported the app'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr


def test_the_app_serves_every_route_of_the_table_under_its_name(settings: Settings) -> None:
    app = create_app(settings)
    served = {(route.name, route.path): route for route in app.routes if isinstance(route, Route)}
    for entry in ROUTES:
        route = served[(entry.name, entry.path)]
        assert set(entry.methods) <= set(route.methods or ())
        scope = {"type": "http", "path": path_for(entry.name, **_sample(route)), "method": entry.methods[0]}
        assert route.matches(scope)[0] == Match.FULL, entry.name
    assert len(served) == len(ROUTES)


def test_templates_build_the_same_links_as_the_table(settings: Settings) -> None:
    links = templates.env.from_string(
        "{{ path_for('case_detail', case_id=1) }} {{ path_for('case_detail', case_id=2) }}"
    )
    assert links.render() == "/admin/cases/1 /admin/cases/2"


def _sample(route: Route) -> dict[str, object]:
    return {
        name: 1 if convertor.regex.startswith("[0-9]") else "x"
        for name, convertor in route.param_convertors.items()
    }
