"""Settings: one object, read once from the HUB_* environment variables.

Every variable is listed in ``SETTINGS_DOC`` and in the README's table; a test
fails when one of them is undocumented. A bad value raises ``SettingsError``
naming the variable and what it accepts.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hub.files import private_dir, write_private
from hub.web.safe_urls import url_refusal


class SettingsError(ValueError):
    """A HUB_* variable holds a value the hub cannot use."""


SMTP_TLS_MODES = ("none", "starttls", "tls")
ENVIRONMENTS = ("development", "production", "test")
INVITE_TRIGGERS = ("fulfilled", "delivered")
PROFANITY_ACTIONS = ("hold", "mask")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    database_url: str = ""
    secret_key: str = ""
    env: str = "development"
    base_url: str = "http://127.0.0.1:8000"
    brand_name: str = "Feedback Hub Demo Shop"
    store_url: str = "http://127.0.0.1:8000/demo/store"
    mail_from: str = "reviews@example.com"
    support_email: str = "support@example.com"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_tls: str = "none"
    store_origins: tuple[str, ...] = ()
    invite_trigger: str = "fulfilled"
    invite_delay: timedelta = timedelta(days=7)
    reminder_delay: timedelta = timedelta(days=5)
    invite_expiry: timedelta = timedelta(days=90)
    shopify_secret: str = ""
    woocommerce_secret: str = ""
    auto_publish: bool = True
    auto_approve_photos: bool = False
    profanity_action: str = "hold"
    metrics_token: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def mail_to_files(self) -> bool:
        return not self.smtp_host

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)


SETTINGS_DOC: dict[str, tuple[str, str]] = {
    "HUB_DATA_DIR": ("./var", "Folder for the SQLite file, the secret key, photos and mail files."),
    "HUB_DATABASE_URL": (
        "sqlite://{HUB_DATA_DIR}/hub.sqlite3",
        "Database URL: `sqlite://PATH` or `postgres://user:pass@host:5432/db`.",
    ),
    "HUB_SECRET_KEY": (
        "generated once into {HUB_DATA_DIR}/secret_key (mode 0600)",
        "Signs sessions, CSRF tokens and links; encrypts two-factor secrets (after a change, staff "
        "sign in with a recovery code or an admin turns their two-factor off). Required when "
        "HUB_ENV=production.",
    ),
    "HUB_ENV": ("development", "`development`, `production` or `test`."),
    "HUB_BASE_URL": ("http://127.0.0.1:8000", "Public URL of the hub, used in mail links."),
    "HUB_BRAND_NAME": ("Feedback Hub Demo Shop", "Brand name shown to customers."),
    "HUB_STORE_URL": ("{HUB_BASE_URL}/demo/store", "The store's home page (referral links land there)."),
    "HUB_MAIL_FROM": ("reviews@example.com", "Sender address of every mail."),
    "HUB_SUPPORT_EMAIL": ("support@example.com", "Reply-To of support mail; escalations go here."),
    "HUB_SMTP_HOST": ("(unset: mail is written as .eml files)", "SMTP server host name."),
    "HUB_SMTP_PORT": ("25", "SMTP server port, 1–65535."),
    "HUB_SMTP_USERNAME": ("(none)", "SMTP login name."),
    "HUB_SMTP_PASSWORD": ("(none)", "SMTP password."),
    "HUB_SMTP_TLS": ("none", "`none`, `starttls` or `tls`."),
    "HUB_STORE_ORIGINS": (
        "(none)",
        "Comma-separated origins allowed to embed the widget, e.g. `https://shop.example`.",
    ),
    "HUB_INVITE_TRIGGER": ("fulfilled", "`fulfilled` or `delivered`: what starts the review delay."),
    "HUB_INVITE_DELAY_DAYS": ("7", "Days after the trigger before the review request."),
    "HUB_REMINDER_DELAY_DAYS": ("5", "Days after the request before the one reminder."),
    "HUB_INVITE_EXPIRY_DAYS": ("90", "Days a review link stays valid."),
    "HUB_SHOPIFY_SECRET": ("(none)", "Shopify webhook signing secret."),
    "HUB_WOOCOMMERCE_SECRET": ("(none)", "WooCommerce webhook secret."),
    "HUB_AUTO_PUBLISH": ("true", "Publish clean reviews at once (`true`/`false`)."),
    "HUB_AUTO_APPROVE_PHOTOS": ("false", "Approve customer photos without a moderator."),
    "HUB_PROFANITY_ACTION": ("hold", "`hold` for moderation or `mask` and publish."),
    "HUB_METRICS_TOKEN": ("(none)", "Bearer token that may read /metrics from afar."),
    "HUB_RATE_LIMITS": (
        "api=300/60,widget=600/60,review=60/60,survey=60/60,unsubscribe=30/60,login=30/60,upload=30/600,"
        "question_address=5/3600,question_product=30/3600",
        "Requests per client address per window, by group; `question_address` and `question_product` "
        "count questions per asker's e-mail address and per product; `GROUP=0/60` turns a group off.",
    ),
    "HUB_EMBEDDED_WORKER": (
        "false (true under `serve --demo`)",
        "Run the worker inside the web process (one-machine setups and the demo).",
    ),
}


def _choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise SettingsError(f"{name}={value!r} is not valid: use one of {', '.join(choices)}")
    return value


def _integer(name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r} is not a whole number ({low}–{high})") from None
    if not low <= number <= high:
        raise SettingsError(f"{name}={value!r} is out of range: use {low}–{high}")
    return number


def _boolean(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={value!r} is not valid: use true or false")


def _url(name: str, value: str) -> str:
    if url_refusal(value):
        raise SettingsError(f"{name}={value!r} is not valid: use an http:// or https:// URL")
    return value.rstrip("/")


def _origins(name: str, value: str) -> tuple[str, ...]:
    origins = tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
            raise SettingsError(
                f"{name} holds {origin!r}: use comma-separated origins like https://shop.example"
            )
    return origins


def _database_url(name: str, value: str) -> str:
    if not value.startswith(("sqlite://", "postgres://", "postgresql://", "asyncpg://")):
        raise SettingsError(
            f"{name}={value.split('@')[-1]!r} is not valid: use sqlite://PATH or postgres://…"
        )
    return value


def _rate_limits(name: str, value: str) -> dict[str, tuple[int, int]]:
    from hub.dataio.ratelimit import parse_limits

    try:
        return parse_limits(value)
    except ValueError as error:
        raise SettingsError(f"{name} holds {error}") from None


def _days(name: str, value: str) -> timedelta:
    return timedelta(days=_integer(name, value, 0, 3650))


def _secret_key(env: Mapping[str, str], data_dir: Path, environment: str) -> str:
    key = env.get("HUB_SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise SettingsError("HUB_SECRET_KEY is too short: use at least 32 characters")
        return key
    if environment == "production":
        raise SettingsError("HUB_SECRET_KEY is required when HUB_ENV=production")
    return _stored_secret_key(data_dir)


def _stored_secret_key(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    private_dir(data_dir)
    key = secrets.token_urlsafe(48)
    write_private(path, key.encode(), exclusive=True)
    return key


_PARSERS: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    "HUB_BRAND_NAME": ("brand_name", lambda _n, v: v.strip()),
    "HUB_MAIL_FROM": ("mail_from", lambda _n, v: v.strip()),
    "HUB_SUPPORT_EMAIL": ("support_email", lambda _n, v: v.strip()),
    "HUB_SMTP_HOST": ("smtp_host", lambda _n, v: v.strip()),
    "HUB_SMTP_PORT": ("smtp_port", lambda n, v: _integer(n, v, 1, 65535)),
    "HUB_SMTP_USERNAME": ("smtp_username", lambda _n, v: v),
    "HUB_SMTP_PASSWORD": ("smtp_password", lambda _n, v: v),
    "HUB_SMTP_TLS": ("smtp_tls", lambda n, v: _choice(n, v, SMTP_TLS_MODES)),
    "HUB_STORE_ORIGINS": ("store_origins", _origins),
    "HUB_INVITE_TRIGGER": ("invite_trigger", lambda n, v: _choice(n, v, INVITE_TRIGGERS)),
    "HUB_INVITE_DELAY_DAYS": ("invite_delay", _days),
    "HUB_REMINDER_DELAY_DAYS": ("reminder_delay", _days),
    "HUB_INVITE_EXPIRY_DAYS": ("invite_expiry", _days),
    "HUB_SHOPIFY_SECRET": ("shopify_secret", lambda _n, v: v),
    "HUB_WOOCOMMERCE_SECRET": ("woocommerce_secret", lambda _n, v: v),
    "HUB_AUTO_PUBLISH": ("auto_publish", _boolean),
    "HUB_AUTO_APPROVE_PHOTOS": ("auto_approve_photos", _boolean),
    "HUB_PROFANITY_ACTION": ("profanity_action", lambda n, v: _choice(n, v, PROFANITY_ACTIONS)),
    "HUB_METRICS_TOKEN": ("metrics_token", lambda _n, v: v),
}


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from ``env`` (the process environment by default)."""
    env = os.environ if env is None else env
    environment = _choice("HUB_ENV", env.get("HUB_ENV", "development"), ENVIRONMENTS)
    data_dir = Path(env.get("HUB_DATA_DIR", "var")).expanduser()
    base_url = _url("HUB_BASE_URL", env.get("HUB_BASE_URL", Settings.base_url))
    values: dict[str, Any] = {
        "env": environment,
        "data_dir": data_dir,
        "base_url": base_url,
        "store_url": f"{base_url}/demo/store",
        "database_url": _database_url(
            "HUB_DATABASE_URL", env.get("HUB_DATABASE_URL", f"sqlite://{data_dir / 'hub.sqlite3'}")
        ),
    }
    if "HUB_STORE_URL" in env:
        values["store_url"] = _url("HUB_STORE_URL", env["HUB_STORE_URL"])
    for name, (attribute, parse) in _PARSERS.items():
        if name in env:
            values[attribute] = parse(name, env[name])
    values["secret_key"] = _secret_key(env, data_dir, environment)
    extra: dict[str, Any] = {}
    if "HUB_RATE_LIMITS" in env:
        extra["rate_limits"] = _rate_limits("HUB_RATE_LIMITS", env["HUB_RATE_LIMITS"])
    if "HUB_EMBEDDED_WORKER" in env:
        extra["embedded_worker"] = _boolean("HUB_EMBEDDED_WORKER", env["HUB_EMBEDDED_WORKER"])
    return Settings(**values, extra=extra)
