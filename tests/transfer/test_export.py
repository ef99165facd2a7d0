from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from hub.config import Settings
from hub.staff.models import AuditEntry, StaffUser
from hub.surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from hub.transfer import export
from hub.transfer.commands import export_command
from hub.transfer.export import KINDS, batches, csv_cell, export_lines
from hub.triage.models import Case
from tests.conftest import NOW, make_customer, make_order, make_product, make_review, run_sync

Login = Callable[[StaffUser], Any]


async def _text(kind: str, fmt: str) -> str:
    return "".join([line async for line in export_lines(KINDS[kind], fmt)])


async def _shop(settings: Settings) -> None:
    """Dana reviewed her tent (one flagged review, one case) and answered a survey."""
    dana = await make_customer('=HYPERLINK("http://evil")', email="dana@example.com")
    tent = await make_product()
    order = await make_order(dana, tent)
    await make_review(settings, tent, customer=dana, order=order, title="@SUM(A1:A9)")
    await make_review(
        settings,
        tent,
        rating=1,
        title="Broken",
        display_name="-Erin",
        body="It broke on day one and I want a refund, this is awful.",
    )
    survey = await Survey.create(slug="post", name="After purchase")
    question = await SurveyQuestion.create(survey=survey, kind="text", prompt="Anything else?")
    response = await SurveyResponse.create(survey=survey, customer=dana, order=order, nps=9, submitted_at=NOW)
    await SurveyAnswer.create(response=response, question=question, text="+1 great service")


@pytest.mark.parametrize("kind", list(KINDS))
async def test_each_kind_exports_as_csv_and_jsonl_with_the_same_rows(
    settings: Settings, db: str, kind: str
) -> None:
    await _shop(settings)
    table = list(csv.DictReader(io.StringIO(await _text(kind, "csv"))))
    records = [json.loads(line) for line in (await _text(kind, "jsonl")).splitlines()]
    assert table and len(table) == len(records)
    assert [row["id"] for row in table] == [str(record["id"]) for record in records]
    assert list(table[0]) == list(KINDS[kind].header) == list(records[0])


async def test_the_csv_makes_formulas_inert(settings: Settings, db: str) -> None:
    await _shop(settings)
    customers = list(csv.DictReader(io.StringIO(await _text("customers", "csv"))))
    assert customers[0]["name"] == '\'=HYPERLINK("http://evil")'
    reviews = list(csv.DictReader(io.StringIO(await _text("reviews", "csv"))))
    assert reviews[0]["title"] == "'@SUM(A1:A9)" and reviews[1]["display_name"] == "'-Erin"
    responses = list(csv.DictReader(io.StringIO(await _text("survey_responses", "csv"))))
    assert json.loads(responses[0]["answers"])[0]["text"] == "+1 great service"
    jsonl = json.loads((await _text("customers", "jsonl")).splitlines()[0])
    assert jsonl["name"] == '=HYPERLINK("http://evil")'


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("plain", "plain"),
        (-0.5, "-0.5"),
        (True, "true"),
        (None, ""),
        (["a"], '["a"]'),
    ],
)
def test_a_cell_is_escaped_only_when_it_is_text_a_spreadsheet_would_run(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


async def test_rows_are_read_in_id_ordered_batches(
    settings: Settings, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(5):
        await make_customer()
    sizes = [len(rows) async for rows in batches(KINDS["customers"], size=2)]
    assert sizes == [2, 2, 1]
    monkeypatch.setattr(export, "BATCH", 2)
    assert (await _text("customers", "csv")).count("\n") == 6


async def test_an_admin_downloads_an_export_and_it_is_audited(
    client: httpx.AsyncClient, alice: StaffUser, login: Login, settings: Settings
) -> None:
    await _shop(settings)
    await login(alice)
    response = await client.get("/admin/exports/cases.jsonl")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="feedback-hub-cases-')
    assert [json.loads(line)["id"] for line in response.text.splitlines()] == [
        case.id for case in await Case.all().order_by("id")
    ]
    entry = await AuditEntry.get(action="export")
    assert (entry.actor_id, entry.target_id, entry.detail) == (  # type: ignore[attr-defined]
        alice.id,
        "cases",
        {"format": "jsonl", "channel": "web"},
    )
    page = await client.get("/admin/exports")
    assert 'href="/admin/exports/reviews.csv"' in page.text


async def test_only_admins_may_export(client: httpx.AsyncClient, bob: StaffUser, login: Login) -> None:
    await login(bob)
    assert (await client.get("/admin/exports")).status_code == 403
    assert (await client.get("/admin/exports/customers.csv")).status_code == 403
    assert not await AuditEntry.filter(action="export").exists()


async def test_an_unknown_kind_is_not_found(
    client: httpx.AsyncClient, alice: StaffUser, login: Login
) -> None:
    await login(alice)
    assert (await client.get("/admin/exports/passwords.csv")).status_code == 404


def test_the_command_writes_a_file_and_audits_it(settings: Settings, tmp_path: Any) -> None:
    async def seed() -> None:
        await make_customer("Dana", email="dana@example.com")

    run_sync(settings.database_url, seed)
    env = {
        "HUB_DATA_DIR": str(settings.data_dir),
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_SECRET_KEY": settings.secret_key,
    }
    target = tmp_path / "customers.csv"
    result = CliRunner().invoke(export_command, ["customers", "--output", str(target)], env=env)
    assert result.exit_code == 0, result.output
    assert "dana@example.com" in target.read_text()
    stdout = CliRunner().invoke(export_command, ["customers", "--format", "jsonl"], env=env)
    assert json.loads(stdout.stdout)["email"] == "dana@example.com"

    async def audited() -> list[str]:
        return list(await AuditEntry.filter(action="export").values_list("actor_label", flat=True))

    assert run_sync(settings.database_url, audited) == ["system", "system"]
