"""``feedback-hub review-link``: how an admin sends a link again once stored mail holds masked copies."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.cli import main
from hub.config import Settings
from hub.invites.links import open_review_link
from hub.invites.models import AccessToken
from hub.orders.ingest import ingest_order
from tests.conftest import run_sync
from tests.invites.conftest import dana_order


@pytest.fixture
def cli_env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    return {
        "HUB_DATA_DIR": str(tmp_path / "cli"),
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_BASE_URL": settings.base_url,
    }


def test_it_prints_a_fresh_review_link_that_opens_the_order(
    cli_env: dict[str, str], settings: Settings
) -> None:
    run_sync(settings.database_url, lambda: ingest_order(settings, dana_order("1001")))
    result = CliRunner().invoke(main, ["review-link", "1001"], env=cli_env)
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url.startswith("http://testserver/r/")
    visit = run_sync(settings.database_url, lambda: open_review_link(url.rsplit("/", 1)[1]))
    assert visit.order.external_id == "1001"
    assert {product.name for product in visit.products} == {"Trail Tent", "Camp Mug"}


def test_an_unknown_order_is_named(cli_env: dict[str, str], settings: Settings) -> None:
    result = CliRunner().invoke(main, ["review-link", "404"], env=cli_env)
    assert result.exit_code == 1 and "order 404: no such order" in result.output
    assert not run_sync(settings.database_url, AccessToken.exists)
