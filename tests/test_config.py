from __future__ import annotations

import asyncio
import os
import stat
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from tortoise.backends.base import executor

from hub.cli import main
from hub.config import Settings, SettingsError, env_setting, load_settings, settings_doc, settings_table
from hub.web.ratelimit import DEFAULT_LIMITS, Limit
from tests.conftest import BACKENDS, _pg_admin, _pg_url

README = Path(__file__).resolve().parent.parent / "README.md"


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"HUB_DATA_DIR": str(tmp_path / "var"), **values}


def test_it_has_working_defaults(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path))
    assert settings.database_url == f"sqlite://{tmp_path / 'var' / 'hub.sqlite3'}"
    assert settings.smtp_tls == "none"
    assert settings.mail_to_files


def test_it_generates_a_secret_key_once_with_private_permissions(tmp_path: Path) -> None:
    first = load_settings(env(tmp_path)).secret_key
    second = load_settings(env(tmp_path)).secret_key
    key_file = tmp_path / "var" / "secret_key"
    assert first == second and len(first) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="HUB_SECRET_KEY is required"):
        load_settings(env(tmp_path, HUB_ENV="production"))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("HUB_SMTP_TLS", "ssl", "HUB_SMTP_TLS='ssl' is not valid: use one of none, starttls, tls"),
        ("HUB_SMTP_PORT", "abc", "HUB_SMTP_PORT='abc' is not a whole number"),
        ("HUB_SMTP_PORT", "70000", "HUB_SMTP_PORT='70000' is out of range"),
        ("HUB_BASE_URL", "shop.example", "HUB_BASE_URL='shop.example' is not valid"),
        ("HUB_STORE_ORIGINS", "https://a.example/path", "HUB_STORE_ORIGINS holds"),
        ("HUB_DATABASE_URL", "mysql://x", "HUB_DATABASE_URL='mysql://x' is not valid"),
        ("HUB_ENV", "staging", "HUB_ENV='staging' is not valid"),
        ("HUB_AUTO_PUBLISH", "maybe", "HUB_AUTO_PUBLISH='maybe' is not valid"),
        ("HUB_SECRET_KEY", "short", "HUB_SECRET_KEY is too short"),
        (
            "HUB_EMBEDDED_WORKER",
            "sometimes",
            "HUB_EMBEDDED_WORKER='sometimes' is not valid: use true or false",
        ),
        ("HUB_PROFANITY_FILE", "/nowhere/words.txt", "HUB_PROFANITY_FILE='/nowhere/words.txt' is not valid"),
        ("HUB_SLA_HOURS", "urgent=1", "HUB_SLA_HOURS holds 'urgent=1': use NAME=HOURS/HOURS"),
        ("HUB_SLA_HOURS", "asap=1/2", "HUB_SLA_HOURS holds 'asap=1/2'"),
        ("HUB_AGENT_CASE_CAP", "0", "HUB_AGENT_CASE_CAP='0' is out of range: use 1–10000"),
        ("HUB_FOLLOW_UP_DAYS", "soon", "HUB_FOLLOW_UP_DAYS='soon' is not a whole number"),
        (
            "HUB_CASE_WEBHOOK_URL",
            "ftp://hooks.example",
            "HUB_CASE_WEBHOOK_URL='ftp://hooks.example' is not valid",
        ),
        ("HUB_STAGE_DORMANT_DAYS", "-1", "HUB_STAGE_DORMANT_DAYS='-1' is out of range"),
        ("HUB_STAGE_AT_RISK_FACTOR", "often", "HUB_STAGE_AT_RISK_FACTOR='often' is not a number"),
        ("HUB_LIFESPAN_YEARS", "500", "HUB_LIFESPAN_YEARS='500' is out of range"),
        ("HUB_RATE_LIMITS", "login=5", "HUB_RATE_LIMITS holds 'login=5'"),
    ],
)
def test_it_names_the_variable_and_what_it_accepts(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(env(tmp_path, **{name: value}))
    assert str(error.value).startswith(message)


def test_it_never_shows_a_database_password_in_its_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(env(tmp_path, HUB_DATABASE_URL="mysql://hub:s3cret@db/hub"))
    assert "s3cret" not in str(error.value)


def test_it_reads_store_origins_as_a_list(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path, HUB_STORE_ORIGINS="https://a.example, http://b.example:8080"))
    assert settings.store_origins == ("https://a.example", "http://b.example:8080")


def test_the_readme_table_is_the_generated_one() -> None:
    """Regenerate it with ``python scripts/settings_table.py``."""
    text = README.read_text()
    start = text.index("| variable | default | what it does |")
    end = text.index("\n\n", start)
    assert text[start : end + 1] == settings_table()


def test_every_field_of_the_settings_is_a_documented_setting() -> None:
    variables = [var for var, _default, meaning in settings_doc() if meaning]
    assert len(variables) == len(set(variables)) == len(fields(Settings))
    assert all(var.startswith("HUB_") for var in variables)


def test_feedback_hub_help_lists_every_setting() -> None:
    shown = CliRunner().invoke(main, ["--help"], terminal_width=200)
    assert shown.exit_code == 0
    assert all(var in shown.output for var, _default, _meaning in settings_doc())
    assert "api=300/60" in shown.output, "defaults are shown"


def test_it_reads_rate_limits_over_the_defaults_and_names_a_bad_group(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path, HUB_RATE_LIMITS="login=5/60, widget=0/60"))
    assert settings.rate_limits["login"] == Limit(5, 60) and settings.rate_limits["widget"].off
    assert settings.rate_limits["api"] == DEFAULT_LIMITS["api"]
    with pytest.raises(SettingsError, match="HUB_RATE_LIMITS holds 'everything=1/1'"):
        load_settings(env(tmp_path, HUB_RATE_LIMITS="everything=1/1"))


def test_it_reads_every_typed_setting(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("flimsy\n")
    settings = load_settings(
        env(
            tmp_path,
            HUB_EMBEDDED_WORKER="yes",
            HUB_PROFANITY_FILE=str(words),
            HUB_SLA_HOURS="urgent=0.5/2",
            HUB_AUTO_ASSIGN="true",
            HUB_AGENT_CASE_CAP="4",
            HUB_FOLLOW_UP_DAYS="5",
            HUB_CASE_WEBHOOK_URL="https://hooks.example/cases",
            HUB_CASE_WEBHOOK_SECRET="s3cret",
            HUB_STAGE_DORMANT_DAYS="200",
            HUB_STAGE_AT_RISK_FACTOR="2.5",
            HUB_LIFESPAN_YEARS="3",
            HUB_WIN_BACK_OFFER="COMEBACK10",
        )
    )
    assert settings.embedded_worker and settings.auto_assign
    assert settings.profanity_file == words
    assert settings.sla_hours["urgent"] == (0.5, 2) and settings.sla_hours["low"] == (72, 168)
    assert (settings.agent_case_cap, settings.follow_up_delay) == (4, timedelta(days=5))
    assert (settings.case_webhook_url, settings.case_webhook_secret) == (
        "https://hooks.example/cases",
        "s3cret",
    )
    assert (settings.stage_dormant_days, settings.stage_at_risk_factor) == (200, 2.5)
    assert (settings.lifespan_years, settings.win_back_offer) == (3.0, "COMEBACK10")


def test_an_empty_optional_setting_means_its_default(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path, HUB_PROFANITY_FILE="", HUB_LIFESPAN_YEARS="", HUB_SECRET_KEY=""))
    assert settings.profanity_file is None and settings.lifespan_years is None
    assert settings.secret_key == (tmp_path / "var" / "secret_key").read_text()


def test_one_setting_is_read_alone_without_making_a_secret_key(tmp_path: Path) -> None:
    assert env_setting("database_url", {"HUB_DATABASE_URL": "postgres://db/hub"}) == "postgres://db/hub"
    assert env_setting("smtp_port", {}) == 25
    assert not (tmp_path / "var").exists()


def _settings_reads() -> dict[str, set[str]]:
    """Every ``<something>settings.<name>`` the hub's code reads, with the files reading it."""
    import ast

    import hub

    found: dict[str, set[str]] = {}
    root = Path(hub.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Attribute) or not isinstance(node.ctx, ast.Load):
                continue
            owner = node.value  # settings.x, request.app.state.settings.x, self.settings.x
            named = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if named == "settings":
                found.setdefault(node.attr, set()).add(str(path.relative_to(root)))
    return found


def test_the_code_reads_no_setting_that_is_neither_documented_nor_editable() -> None:
    """Each setting read is a documented field (in the README's table), a shop-policy one is
    also on Admin → Settings; a typo or an undeclared knob fails here."""
    from dataclasses import fields

    from hub.config import Settings
    from hub.policy.store import POLICY

    declared = {entry.name for entry in fields(Settings)}
    members = {name for name in dir(Settings) if not name.startswith("_")}
    unknown = {name: files for name, files in _settings_reads().items() if name not in declared | members}
    assert unknown == {}, f"settings read but never declared: {unknown}"
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for entry in fields(Settings):
        described = entry.metadata["setting"]
        assert f"`{described.var}`" in readme, described.var
    editable = {policy.name for policy in POLICY.values()}
    policy_fields = {entry.name for entry in fields(Settings) if entry.metadata["setting"].policy}
    assert editable == policy_fields


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_command_on_a_database_never_migrated_says_to_migrate_first(backend: str, tmp_path: Path) -> None:
    executor.EXECUTOR_CACHE.clear()  # queries built for the other backend by an earlier test
    if backend == "sqlite":
        url = f"sqlite://{tmp_path / 'empty.sqlite3'}"
    else:
        name = f"hubtest_empty_{os.getpid()}"
        asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name}"))
        asyncio.run(_pg_admin(f"CREATE DATABASE {name}"))
        url = _pg_url(name)
    env = {"HUB_DATA_DIR": str(tmp_path / "var"), "HUB_DATABASE_URL": url}
    try:
        result = CliRunner().invoke(main, ["export", "reviews"], env=env)
    finally:
        if backend == "postgres":
            asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    assert result.exit_code == 1
    assert "run `feedback-hub migrate` first" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_old_invite_mail_cap_still_sets_the_shared_cap(tmp_path: Path) -> None:
    from hub.policy.store import apply

    assert load_settings(env(tmp_path, HUB_INVITE_MAIL_CAP="5")).mail_cap == 5
    assert load_settings(env(tmp_path, HUB_INVITE_MAIL_CAP="5", HUB_MAIL_CAP="2")).mail_cap == 2
    base = load_settings(env(tmp_path))
    assert apply(base, {"invite_mail_cap": "4"}).mail_cap == 4
    assert apply(base, {"invite_mail_cap": "4", "mail_cap": "6"}).mail_cap == 6
