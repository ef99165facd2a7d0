"""GET /api/v1/metrics/support: the report page's figures as JSON, behind the metrics:read scope."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hub.config import Settings
from hub.staff.apikeys import create_api_key
from hub.staff.models import StaffUser
from tests.triage.report_cases import EXPECTED, PERIOD, make_report_cases
from tests.widget.schema_check import errors_of, response_schema

URL = "/api/v1/metrics/support"


async def _headers(*scopes: str) -> dict[str, str]:
    _key, raw = await create_api_key("report reader", list(scopes or ["metrics:read"]))
    return {"Authorization": f"Bearer {raw}"}


async def _get(client: httpx.AsyncClient, **params: str) -> httpx.Response:
    return await client.get(URL, params={**PERIOD, **params}, headers=await _headers())


def _seconds(spread: tuple[Any, Any]) -> list[float]:
    return [span.total_seconds() for span in spread]


async def test_the_api_gives_the_hand_computed_figures(
    client: httpx.AsyncClient, settings: Settings, alice: StaffUser, bob: StaffUser
) -> None:
    await make_report_cases(settings, alice, bob)
    body = (await _get(client)).json()
    assert (body["from"], body["to"], body["durations"], body["time_zone"]) == (
        "2025-01-13", "2025-01-26", "calendar", "UTC",
    )  # fmt: skip
    found = {series["name"]: series for series in [body["team"], *body["agents"]]}
    for name, want in EXPECTED.items():
        got = found[name]
        assert got["cases_handled"] == want["handled"], name
        first, resolution = got["first_response"], got["resolution"]
        assert [first["median_seconds"], first["p90_seconds"]] == _seconds(want["first_response"]), name
        assert [resolution["median_seconds"], resolution["p90_seconds"]] == _seconds(want["resolution"]), name
        assert got["sla_attainment"] == pytest.approx(want["sla"]), name
        assert got["reopen_rate"] == want["reopen"], name
        assert (got["follow_ups_sent"], got["follow_up_answers"]) == (want["sent"], want["answers"]), name
        assert got["recovery_rate"] == pytest.approx(want["recovery"]), name
        reorder = got["reorder_within_90_days"]
        groups = (reorder["recovered"], reorder["unrecovered"])
        assert tuple((g["cases"], g["rate"]) for g in groups) == want["reorder"], name
        assert reorder["comparable"] is False and groups[0]["too_small"] is True
    assert [week["week"] for week in body["team"]["weeks"]] == ["2025-W03", "2025-W04"]
    assert [week["cases_handled"] for week in body["team"]["weeks"]] == [5, 3]


async def test_the_answer_matches_the_openapi_document(
    client: httpx.AsyncClient, settings: Settings, alice: StaffUser, bob: StaffUser
) -> None:
    await make_report_cases(settings, alice, bob)
    document = (await client.get("/openapi.json")).json()
    for response in (await _get(client), await _get(client, to="nope")):
        media = response.headers["content-type"].split(";")[0]
        schema = response_schema(document, URL, "get", response.status_code, media)
        assert errors_of(document, schema, response.json()) == [], response.status_code
    names = [parameter["name"] for parameter in document["paths"][URL]["get"]["parameters"]]
    assert names == ["from", "to", "agent"]


async def test_one_agent_is_asked_for_by_id(
    client: httpx.AsyncClient, settings: Settings, alice: StaffUser, bob: StaffUser
) -> None:
    await make_report_cases(settings, alice, bob)
    body = (await _get(client, agent=str(bob.id))).json()
    assert [(agent["agent_id"], agent["cases_handled"]) for agent in body["agents"]] == [(bob.id, 4)]
    assert body["team"]["cases_handled"] == 8


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-01-32"}, "from"),
        ({"to": "tomorrow"}, "to"),
        ({"from": "2025-02-01", "to": "2025-01-01"}, "from"),
        ({"agent": "-1"}, "agent"),
        ({"agent": "4242"}, "agent"),
    ],
)
async def test_a_bad_query_is_a_422_naming_the_field(
    client: httpx.AsyncClient, bob: StaffUser, params: dict[str, str], field: str
) -> None:
    response = await client.get(URL, params=params, headers=await _headers())
    assert response.status_code == 422
    assert [error["path"] for error in response.json()["errors"]] == [field]


async def test_the_api_needs_a_key_with_the_metrics_scope(client: httpx.AsyncClient) -> None:
    assert (await client.get(URL)).status_code == 401
    assert (await client.get(URL, headers=await _headers("reviews:read"))).status_code == 403
    assert (await client.get(URL, headers=await _headers("metrics:read"))).status_code == 200
