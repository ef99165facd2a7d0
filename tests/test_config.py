from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from hub.config import SETTINGS_DOC, SettingsError, load_settings

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


def test_every_setting_is_documented_in_the_readme() -> None:
    documented = set(re.findall(r"^\| `(HUB_[A-Z_]+)`", README.read_text(), re.MULTILINE))
    assert set(SETTINGS_DOC) <= documented


def test_it_reads_rate_limits_and_names_a_bad_group(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path, HUB_RATE_LIMITS="login=5/60, widget=0/60"))
    assert settings.extra["rate_limits"] == {"login": (5, 60), "widget": (0, 60)}
    with pytest.raises(SettingsError, match="HUB_RATE_LIMITS holds 'everything=1/1'"):
        load_settings(env(tmp_path, HUB_RATE_LIMITS="everything=1/1"))
