from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.cli import main
from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.staff.apikeys import find_api_key
from hub.staff.models import AuditEntry, StaffUser
from hub.staff.passwords import verify_password
from hub.staff.sessions import open_session
from tests.conftest import run_sync


@pytest.fixture
def cli_env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    return {"HUB_DATA_DIR": str(tmp_path / "cli"), "HUB_DATABASE_URL": settings.database_url}


def test_createuser_makes_a_staff_user_from_stdin(cli_env: dict[str, str], settings: Settings) -> None:
    result = CliRunner().invoke(
        main,
        [
            "createuser",
            "--email",
            "Erin@Example.com",
            "--role",
            "agent",
            "--role",
            "moderator",
            "--password-stdin",
        ],
        input="a long enough password\n",
        env=cli_env,
    )
    assert result.exit_code == 0, result.output
    user = run_sync(settings.database_url, lambda: StaffUser.get(email="erin@example.com"))
    assert user.roles == "agent moderator"
    assert verify_password(user.password_hash, "a long enough password")


def test_createuser_names_the_field_of_a_bad_password(cli_env: dict[str, str], settings: Settings) -> None:
    result = CliRunner().invoke(
        main,
        ["createuser", "--email", "e@example.com", "--role", "agent", "--password-stdin"],
        input="short\n",
        env=cli_env,
    )
    assert result.exit_code == 1
    assert "password use at least 12 characters" in result.output
    assert not run_sync(settings.database_url, lambda: StaffUser.exists(email="e@example.com"))


def test_apikey_create_prints_a_working_key_once(cli_env: dict[str, str], settings: Settings) -> None:
    result = CliRunner().invoke(
        main, ["apikey", "create", "--name", "Shop", "--scope", "orders:write"], env=cli_env
    )
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1]
    key = run_sync(settings.database_url, lambda: find_api_key(raw))
    assert key is not None and key.scopes == ["orders:write"]
    assert key.key_hash != raw and raw not in key.key_hash


def test_apikey_create_refuses_an_unknown_scope(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        main, ["apikey", "create", "--name", "X", "--scope", "everything"], env=cli_env
    )
    assert result.exit_code == 1
    assert "scope: use one or more of" in result.output


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for command in [
        "serve",
        "migrate",
        "demo",
        "createuser",
        "apikey",
        "apikey create",
        "apikey list",
        "apikey revoke",
        "staff",
        "staff invite",
        "staff list",
        "staff role",
        "staff deactivate",
        "staff reactivate",
        "staff reset-password",
        "staff sessions",
        "staff end-session",
    ]:
        result = runner.invoke(main, [*command.split(), "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, command


def test_a_bad_setting_stops_the_cli_with_its_name(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["migrate"], env={"HUB_DATA_DIR": str(tmp_path), "HUB_SMTP_TLS": "x"})
    assert result.exit_code == 1
    assert "HUB_SMTP_TLS='x' is not valid" in result.output


def _cli(cli_env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=cli_env)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def team(settings: Settings, password_hash: str) -> dict[str, StaffUser]:
    """Alice (admin) and Bob (agent), made the way a synchronous CLI test can."""

    async def make() -> dict[str, StaffUser]:
        return {
            name: await StaffUser.create(
                email=f"{name}@example.com", roles=roles, password_hash=password_hash
            )
            for name, roles in (("alice", "admin"), ("bob", "agent"))
        }

    return run_sync(settings.database_url, make)  # type: ignore[no-any-return]


def _entries(settings: Settings, action: str) -> list[AuditEntry]:
    return run_sync(settings.database_url, lambda: AuditEntry.filter(action=action).all())


def test_staff_invite_queues_the_mail_and_prints_the_link_on_request(
    cli_env: dict[str, str], settings: Settings
) -> None:
    output = _cli(cli_env, "staff", "invite", "Erin@Example.com", "--role", "agent", "--print-link")
    assert "Invited erin@example.com (agent)" in output
    link = output.strip().splitlines()[-1]
    assert link.startswith("http://127.0.0.1:8000/login/welcome/")
    [mail] = run_sync(settings.database_url, lambda: OutboxMessage.filter(kind="staff_invite").all())
    assert mail.to_address == "erin@example.com" and link in mail.text_body
    [entry] = _entries(settings, "staff.invited")
    assert entry.actor_label == "system" and link.rsplit("/", 1)[-1] not in str(entry.detail)


def test_staff_list_shows_roles_status_and_two_factor(
    cli_env: dict[str, str], team: dict[str, StaffUser]
) -> None:
    output = _cli(cli_env, "staff", "list")
    assert "alice@example.com\tadmin\tactive\t2fa=off\tsessions=0" in output
    assert "bob@example.com\tagent\tactive" in output


def test_staff_role_deactivate_and_reset_password_change_the_account_and_are_audited(
    cli_env: dict[str, str], settings: Settings, team: dict[str, StaffUser]
) -> None:
    assert "moderator agent" in _cli(
        cli_env, "staff", "role", "bob@example.com", "--role", "moderator", "--role", "agent"
    )
    assert "deactivated" in _cli(cli_env, "staff", "deactivate", "bob@example.com")
    assert "can sign in again" in _cli(cli_env, "staff", "reactivate", "bob@example.com")
    assert "mailed" in _cli(cli_env, "staff", "reset-password", "bob@example.com")
    user = run_sync(settings.database_url, lambda: StaffUser.get(email="bob@example.com"))
    assert user.roles == "moderator agent" and user.is_active and not user.has_password
    for action in ("staff.roles_changed", "staff.deactivated", "staff.reactivated", "staff.password_reset"):
        assert _entries(settings, action), action


def test_staff_commands_name_an_unknown_address_or_the_last_admin(
    cli_env: dict[str, str], team: dict[str, StaffUser]
) -> None:
    unknown = CliRunner().invoke(main, ["staff", "deactivate", "nobody@example.com"], env=cli_env)
    assert unknown.exit_code == 1 and "email: no staff user has this email" in unknown.output
    last = CliRunner().invoke(main, ["staff", "deactivate", "alice@example.com"], env=cli_env)
    assert last.exit_code == 1 and "at least one active admin" in last.output


def test_staff_sessions_lists_and_end_session_ends_them(
    cli_env: dict[str, str], settings: Settings, team: dict[str, StaffUser]
) -> None:
    async def two_sessions() -> None:
        await open_session(team["bob"], "198.51.100.60", "Firefox")
        await open_session(team["bob"], "198.51.100.61", "Safari")

    run_sync(settings.database_url, two_sessions)
    listing = _cli(cli_env, "staff", "sessions", "bob@example.com")
    assert "198.51.100.60" in listing and "Safari" in listing
    first_id = listing.splitlines()[0].split("\t")[0]
    assert f"Session {first_id} ended" in _cli(cli_env, "staff", "end-session", "bob@example.com", first_id)
    assert len(_cli(cli_env, "staff", "sessions", "bob@example.com").strip().splitlines()) == 1
    assert "1 session(s)" in _cli(cli_env, "staff", "end-session", "bob@example.com", "--all")
    assert "No open sessions." in _cli(cli_env, "staff", "sessions", "bob@example.com")


def test_apikey_list_shows_scopes_and_revoke_stops_the_key(
    cli_env: dict[str, str], settings: Settings
) -> None:
    raw = (
        _cli(cli_env, "apikey", "create", "--name", "Shop", "--scope", "orders:write")
        .strip()
        .splitlines()[-1]
    )
    prefix = raw.split("_")[1]
    listing = _cli(cli_env, "apikey", "list")
    assert f"{prefix}\tShop\torders:write\tcreated " in listing and "last used never\tlive" in listing
    assert raw not in listing
    assert f"Revoked {prefix}." in _cli(cli_env, "apikey", "revoke", prefix)
    assert run_sync(settings.database_url, lambda: find_api_key(raw)) is None
    assert "revoked" in _cli(cli_env, "apikey", "list")
    assert _entries(settings, "apikey.revoked")
