from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.cli import main
from hub.config import Settings
from hub.staff.apikeys import find_api_key
from hub.staff.models import StaffUser
from hub.staff.passwords import verify_password
from tests.conftest import run_sync


@pytest.fixture
def cli_env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    return {"HUB_DATA_DIR": str(tmp_path / "cli"), "HUB_DATABASE_URL": settings.database_url}


def test_createuser_makes_a_staff_user_from_stdin(cli_env: dict[str, str], settings: Settings) -> None:
    result = CliRunner().invoke(
        main, ["createuser", "--email", "Erin@Example.com", "--role", "agent", "--role", "moderator",
               "--password-stdin"], input="a long enough password\n", env=cli_env)
    assert result.exit_code == 0, result.output
    user = run_sync(settings.database_url, lambda: StaffUser.get(email="erin@example.com"))
    assert user.roles == "agent moderator"
    assert verify_password(user.password_hash, "a long enough password")


def test_createuser_names_the_field_of_a_bad_password(cli_env: dict[str, str], settings: Settings) -> None:
    result = CliRunner().invoke(main, ["createuser", "--email", "e@example.com", "--role", "agent",
                                       "--password-stdin"], input="short\n", env=cli_env)
    assert result.exit_code == 1
    assert "password use at least 12 characters" in result.output
    assert not run_sync(settings.database_url, lambda: StaffUser.exists(email="e@example.com"))


def test_apikey_create_prints_a_working_key_once(cli_env: dict[str, str], settings: Settings) -> None:
    result = CliRunner().invoke(main, ["apikey", "create", "--name", "Shop", "--scope", "orders:write"],
                                env=cli_env)
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1]
    key = run_sync(settings.database_url, lambda: find_api_key(raw))
    assert key is not None and key.scopes == ["orders:write"]
    assert key.key_hash != raw and raw not in key.key_hash


def test_apikey_create_refuses_an_unknown_scope(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["apikey", "create", "--name", "X", "--scope", "everything"],
                                env=cli_env)
    assert result.exit_code == 1
    assert "scope: use one or more of" in result.output


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for command in ["serve", "migrate", "demo", "createuser", "apikey", "apikey create"]:
        result = runner.invoke(main, [*command.split(), "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, command


def test_a_bad_setting_stops_the_cli_with_its_name(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["migrate"], env={"HUB_DATA_DIR": str(tmp_path), "HUB_SMTP_TLS": "x"})
    assert result.exit_code == 1
    assert "HUB_SMTP_TLS='x' is not valid" in result.output
