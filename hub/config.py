"""Settings: one typed object, read once at start-up from the HUB_* environment variables.

Each field of `Settings` declares its variable, default, meaning and reader in one
place (`setting(...)`); the README's table (``python scripts/settings_table.py``) and
``feedback-hub --help`` are generated from them, and a test fails when the README's
table differs. A bad value raises ``SettingsError`` naming the variable and what it
accepts.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from hub import setting_values as read
from hub.business_hours import BusinessHours
from hub.files import private_dir, write_private
from hub.setting_values import SettingsError
from hub.web.ratelimit import DEFAULT_LIMITS, Limit

__all__ = ["Setting", "Settings", "SettingsError", "load_settings", "settings_doc", "settings_table"]

SMTP_TLS_MODES = ("none", "starttls", "tls")
ENVIRONMENTS = ("development", "production", "test")
INVITE_TRIGGERS = ("fulfilled", "delivered")
# The old name of HUB_MAIL_CAP (when it capped review mail alone), still read.
DEPRECATED_MAIL_CAP = "HUB_INVITE_MAIL_CAP"
PROFANITY_ACTIONS = ("hold", "mask")
# The advocate score's parts and the points each gives at most (they add up to 100).
DEFAULT_SCORE_WEIGHTS: dict[str, int] = {
    "recency": 15,
    "frequency": 10,
    "value": 10,
    "reviews": 10,
    "review_length": 5,
    "photos": 10,
    "helpful_votes": 10,
    "promoter": 10,
    "referrals": 15,
    "answers": 5,
}
# The sections of shop policy on /admin/settings, in their order there.
REQUESTS, MODERATION, SUPPORT, STAGES, LOYALTY, BRAND = (
    "Review requests",
    "Moderation",
    "Support",
    "Customer stages",
    "Points and win-back",
    "Brand and mail",
)
POLICY_SECTIONS = (REQUESTS, MODERATION, SUPPORT, STAGES, LOYALTY, BRAND)
# Automatic badges (hub.advocacy.auto_badges), each on or off in HUB_BADGE_RULES.
BADGE_RULES = ("first_review", "photo_reviews", "helpful_votes", "customer_year", "top_contributor")
ASSIGNMENT_MODES = ("off", "round_robin", "least_loaded")
# Hours to the first response and to the resolution, per case priority.
DEFAULT_SLA_HOURS: dict[str, tuple[float, float]] = {
    "urgent": (1, 8),
    "high": (4, 24),
    "normal": (24, 72),
    "low": (72, 168),
}


@dataclass(frozen=True)
class Setting:
    """How one field of `Settings` is set: its variable, its meaning, its reader."""

    var: str
    help: str
    parse: read.Reader
    shown: str = ""  # the default as documented, when it is not the field's own value
    # Shop policy (the section of /admin/settings it is edited in), or "" for infrastructure:
    # policy is edited by admins and stored in the database (``hub.policy``); the variable
    # only gives its starting value.
    policy: str = ""


def setting(
    var: str,
    default: Any,
    help: str,
    parse: read.Reader = read.text,
    *,
    shown: str = "",
    policy: str = "",
) -> Any:
    """A `Settings` field read from ``var`` by ``parse``; a dict default is copied per instance."""
    metadata = {"setting": Setting(var, help, parse, shown, policy)}
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def _days(days: int) -> timedelta:
    return timedelta(days=days)


@dataclass(frozen=True)
class Settings:
    """Every setting of the hub; tests and benches build one directly, the hub with `load_settings`."""

    # The hub itself.
    data_dir: Path = setting(
        "HUB_DATA_DIR",
        Path("var"),
        "Folder for the SQLite file, the secret key, photos and mail files.",
        read.path,
    )
    database_url: str = setting(
        "HUB_DATABASE_URL",
        "",
        "Database URL: `sqlite://PATH` or `postgres://user:pass@host:5432/db`.",
        read.database_url,
        shown="sqlite://{HUB_DATA_DIR}/hub.sqlite3",
    )
    secret_key: str = setting(
        "HUB_SECRET_KEY",
        "",
        "Signs sessions, CSRF tokens and links; encrypts two-factor secrets (after a change, staff "
        "sign in with a recovery code or an admin turns their two-factor off). Required when "
        "HUB_ENV=production.",
        read.secret_key,
        shown="generated once into {HUB_DATA_DIR}/secret_key (mode 0600)",
    )
    env: str = setting(
        "HUB_ENV", "development", "`development`, `production` or `test`.", read.choice(*ENVIRONMENTS)
    )
    base_url: str = setting(
        "HUB_BASE_URL", "http://127.0.0.1:8000", "Public URL of the hub, used in mail links.", read.base_url
    )
    brand_name: str = setting(
        "HUB_BRAND_NAME", "Feedback Hub Demo Shop", "Brand name shown to customers.", policy=BRAND
    )
    store_url: str = setting(
        "HUB_STORE_URL",
        "http://127.0.0.1:8000/demo/store",
        "The store's home page (referral links land there).",
        read.base_url,
        shown="{HUB_BASE_URL}/demo/store",
    )
    # Mail.
    mail_from: str = setting("HUB_MAIL_FROM", "reviews@example.com", "Sender address of every mail.")
    support_email: str = setting(
        "HUB_SUPPORT_EMAIL",
        "support@example.com",
        "Reply-To of support mail; escalations go here.",
        policy=SUPPORT,
    )
    smtp_host: str = setting(
        "HUB_SMTP_HOST", "", "SMTP server host name.", shown="(unset: mail is written as .eml files)"
    )
    smtp_port: int = setting("HUB_SMTP_PORT", 25, "SMTP server port, 1–65535.", read.integer(1, 65535))
    smtp_username: str = setting("HUB_SMTP_USERNAME", "", "SMTP login name.", read.raw)
    smtp_password: str = setting("HUB_SMTP_PASSWORD", "", "SMTP password.", read.raw)
    smtp_tls: str = setting(
        "HUB_SMTP_TLS", "none", "`none`, `starttls` or `tls`.", read.choice(*SMTP_TLS_MODES)
    )
    # The support mailbox, read by the worker (hub.triage.inbound).
    imap_host: str = setting(
        "HUB_IMAP_HOST", "", "IMAP server of the support mailbox.", shown="(unset: the mailbox is not read)"
    )
    imap_port: int = setting("HUB_IMAP_PORT", 993, "IMAP server port, 1–65535.", read.integer(1, 65535))
    imap_username: str = setting("HUB_IMAP_USERNAME", "", "IMAP login name.", read.raw)
    imap_password: str = setting("HUB_IMAP_PASSWORD", "", "IMAP password.", read.raw)
    imap_tls: str = setting(
        "HUB_IMAP_TLS",
        "tls",
        "`none`, `starttls` or `tls` (certificates verified).",
        read.choice(*SMTP_TLS_MODES),
    )
    imap_ca_file: Path | None = setting(
        "HUB_IMAP_CA_FILE",
        None,
        "CA certificates (PEM) the IMAP server's certificate is checked against, for a private CA.",
        read.optional(read.readable_file),
        shown="(unset: the system's)",
    )
    imap_folder: str = setting("HUB_IMAP_FOLDER", "INBOX", "Folder of the support mailbox to read.", read.raw)
    imap_done_folder: str = setting(
        "HUB_IMAP_DONE_FOLDER",
        "",
        "Folder a read message is moved to; unset: it stays, marked seen and `$FeedbackHub`.",
        read.raw,
    )
    imap_poll_seconds: int = setting(
        "HUB_IMAP_POLL_SECONDS",
        60,
        "Seconds between two looks into the support mailbox by one worker (0–3600).",
        read.integer(0, 3600),
    )
    inbound_message_mb: int = setting(
        "HUB_INBOUND_MESSAGE_MB",
        40,
        "Largest mail read whole from the support mailbox, in MB (1–500); of a larger one only the "
        "headers are read.",
        read.integer(1, 500),
    )
    inbound_attachment_mb: int = setting(
        "HUB_INBOUND_ATTACHMENT_MB",
        10,
        "Largest attachment of a customer's mail that is kept, in MB (1–100).",
        read.integer(1, 100),
    )
    # The store.
    store_origins: tuple[str, ...] = setting(
        "HUB_STORE_ORIGINS",
        (),
        "Comma-separated origins allowed to embed the widget, e.g. `https://shop.example`.",
        read.origins,
    )
    invite_trigger: str = setting(
        "HUB_INVITE_TRIGGER",
        "fulfilled",
        "`fulfilled` or `delivered`: what starts the review delay.",
        read.choice(*INVITE_TRIGGERS),
        policy=REQUESTS,
    )
    invite_delay: timedelta = setting(
        "HUB_INVITE_DELAY_DAYS",
        _days(7),
        "Days after the trigger before the review request.",
        read.days(),
        policy=REQUESTS,
    )
    reminder_delay: timedelta = setting(
        "HUB_REMINDER_DELAY_DAYS",
        _days(5),
        "Days after the request before the one reminder.",
        read.days(),
        policy=REQUESTS,
    )
    invite_expiry: timedelta = setting(
        "HUB_INVITE_EXPIRY_DAYS", _days(90), "Days a review link stays valid.", read.days(), policy=REQUESTS
    )
    shopify_secret: str = setting("HUB_SHOPIFY_SECRET", "", "Shopify webhook signing secret.", read.raw)
    woocommerce_secret: str = setting("HUB_WOOCOMMERCE_SECRET", "", "WooCommerce webhook secret.", read.raw)
    # Moderation.
    auto_publish: bool = setting(
        "HUB_AUTO_PUBLISH",
        True,
        "Publish clean reviews at once (`true`/`false`).",
        read.boolean,
        policy=MODERATION,
    )
    auto_approve_photos: bool = setting(
        "HUB_AUTO_APPROVE_PHOTOS",
        False,
        "Approve customer photos without a moderator.",
        read.boolean,
        policy=MODERATION,
    )
    photo_fetch_allow: tuple[str, ...] = setting(
        "HUB_PHOTO_FETCH_ALLOW",
        (),
        "Hosts or addresses the worker may fetch imported photos from although they are private"
        " (a CDN inside your network); public addresses need no entry.",
        read.hosts,
    )
    profanity_action: str = setting(
        "HUB_PROFANITY_ACTION",
        "hold",
        "`hold` for moderation or `mask` and publish.",
        read.choice(*PROFANITY_ACTIONS),
        policy=MODERATION,
    )
    profanity_file: Path | None = setting(
        "HUB_PROFANITY_FILE",
        None,
        "A word list of your own, one word a line (`#` starts a comment); "
        "`feedback-hub rescan` re-checks stored reviews after a change.",
        read.optional(read.readable_file),
        shown="(the built-in list)",
    )
    profanity_words: tuple[str, ...] | None = setting(
        "HUB_PROFANITY_WORDS",
        None,
        "The shop's own word list, comma-separated, in place of the file's; stored reviews are "
        "checked again after a change.",
        read.optional(read.words),
        shown="(the words of HUB_PROFANITY_FILE)",
        policy=MODERATION,
    )
    # Operations.
    metrics_token: str = setting(
        "HUB_METRICS_TOKEN", "", "Bearer token that may read /metrics from afar.", read.raw
    )
    rate_limits: Mapping[str, Limit] = setting(
        "HUB_RATE_LIMITS",
        DEFAULT_LIMITS,
        "Requests per client address per window, by group (the groups you name replace their "
        "defaults); `review_ip`, `question_ip`, `vote_ip`, `survey_ip` and `referral_ip` count reviews, "
        "questions, votes, public survey answers and welcome-code claims per client address, "
        "`question_address` and `question_product` count questions per asker's e-mail address "
        "and per product; `GROUP=0/60` turns a group off.",
        read.rate_limits,
    )
    embedded_worker: bool = setting(
        "HUB_EMBEDDED_WORKER",
        False,
        "Run the worker inside the web process (one-machine setups and the demo).",
        read.boolean,
        shown="false (true under `serve --demo`)",
    )
    # Triage.
    sla_hours: Mapping[str, tuple[float, float]] = setting(
        "HUB_SLA_HOURS",
        DEFAULT_SLA_HOURS,
        "Hours to the first response and to the resolution of a case, by priority "
        "(the priorities you name replace their defaults).",
        read.hour_pairs(DEFAULT_SLA_HOURS),
        policy=SUPPORT,
    )
    auto_assign: bool = setting(
        "HUB_AUTO_ASSIGN",
        False,
        "`true` shares new cases round robin (the older switch; HUB_ASSIGNMENT_MODE overrides it).",
        read.boolean,
        policy=SUPPORT,
    )
    agent_case_cap: int = setting(
        "HUB_AGENT_CASE_CAP",
        25,
        "Open cases an agent may hold before automatic assignment passes them by.",
        read.integer(1, 10_000),
        policy=SUPPORT,
    )
    assignment_mode: str | None = setting(
        "HUB_ASSIGNMENT_MODE",
        None,
        "`off`, `round_robin` or `least_loaded`: how new cases are shared among available agents "
        "(rules in /admin/assignment pick the agents first).",
        read.optional(read.choice(*ASSIGNMENT_MODES)),
        shown="(`round_robin` when HUB_AUTO_ASSIGN is true, else `off`)",
        policy=SUPPORT,
    )
    business_hours: BusinessHours = setting(
        "HUB_BUSINESS_HOURS",
        BusinessHours(),
        "When the SLA clock runs, in HUB_TIME_ZONE, e.g. `mon-fri 09:00-17:00, sat 10:00-14:00`.",
        read.business_hours,
        shown="(around the clock)",
        policy=SUPPORT,
    )
    time_zone: str = setting(
        "HUB_TIME_ZONE", "UTC", "The shop's time zone, e.g. `Europe/Berlin`.", read.time_zone, policy=SUPPORT
    )
    follow_up_delay: timedelta = setting(
        "HUB_FOLLOW_UP_DAYS",
        _days(2),
        "Days after a case is resolved before the customer is asked how it went.",
        read.days(1, 365),
        policy=SUPPORT,
    )
    case_webhook_url: str = setting(
        "HUB_CASE_WEBHOOK_URL",
        "",
        "A webhook endpoint for the `case.*` events, kept as the endpoint “HUB_CASE_WEBHOOK_URL”"
        " on /admin/webhooks (docs/webhooks.md).",
        read.url,
    )
    case_webhook_secret: str = setting(
        "HUB_CASE_WEBHOOK_SECRET",
        "",
        "Signing secret of that endpoint (Standard Webhooks): a `whsec_…` value, or any other text"
        " used as its own UTF-8 bytes; empty: a random one.",
        read.raw,
    )
    webhook_allow: tuple[str, ...] = setting(
        "HUB_WEBHOOK_ALLOW",
        (),
        "Hosts or addresses webhooks may be posted to although they are private (a receiver inside"
        " your network); public addresses need no entry.",
        read.hosts,
    )
    # Customer stages (the rule in hub/advocacy/stages.py) and retention.
    stage_new_days: int = setting(
        "HUB_STAGE_NEW_DAYS",
        90,
        "Days a first order keeps a customer `new`.",
        read.integer(1, 3650),
        policy=STAGES,
    )
    stage_active_days: int = setting(
        "HUB_STAGE_ACTIVE_DAYS",
        120,
        "Days since the last order that a customer stays `active`.",
        read.integer(1, 3650),
        policy=STAGES,
    )
    stage_dormant_days: int = setting(
        "HUB_STAGE_DORMANT_DAYS",
        180,
        "Days since the last order that make a customer `dormant`.",
        read.integer(1, 3650),
        policy=STAGES,
    )
    stage_loyal_window_days: int = setting(
        "HUB_STAGE_LOYAL_WINDOW_DAYS",
        365,
        "Days in which orders count towards `loyal`.",
        read.integer(1, 3650),
        policy=STAGES,
    )
    stage_loyal_orders: int = setting(
        "HUB_STAGE_LOYAL_ORDERS",
        3,
        "Orders in that window that make a customer `loyal`.",
        read.integer(1, 1000),
        policy=STAGES,
    )
    stage_loyal_orders_with_promoter: int = setting(
        "HUB_STAGE_LOYAL_ORDERS_WITH_PROMOTER",
        2,
        "The same for a customer who answered NPS as a promoter.",
        read.integer(1, 1000),
        policy=STAGES,
    )
    stage_at_risk_factor: float = setting(
        "HUB_STAGE_AT_RISK_FACTOR",
        1.5,
        "A repeat customer is `at_risk` once their usual interval between orders has passed this many times.",
        read.number(1, 100),
        policy=STAGES,
    )
    stage_promoter_nps: int = setting(
        "HUB_STAGE_PROMOTER_NPS",
        9,
        "Lowest NPS answer (0–10) that counts as a promoter.",
        read.integer(0, 10),
        policy=STAGES,
    )
    stage_positive_rating: int = setting(
        "HUB_STAGE_POSITIVE_RATING",
        4,
        "Lowest star rating that counts as a positive review.",
        read.integer(1, 5),
        policy=STAGES,
    )
    lifespan_years: float | None = setting(
        "HUB_LIFESPAN_YEARS",
        None,
        "Expected customer lifespan in years for the lifetime value.",
        read.optional(read.number(0.1, 100)),
        shown="(estimated from churn, at most 10)",
        policy=STAGES,
    )
    score_weights: Mapping[str, int] = setting(
        "HUB_SCORE_WEIGHTS",
        DEFAULT_SCORE_WEIGHTS,
        "Points each part of the advocate score gives at most, `PART=POINTS,…` over the defaults; "
        "they must add up to 100.",
        read.weights(DEFAULT_SCORE_WEIGHTS, 100),
        policy=STAGES,
    )
    advocate_score_bar: int = setting(
        "HUB_ADVOCATE_SCORE_BAR",
        50,
        "Advocate score (0–100) from which the advocates page lists a customer unless asked otherwise.",
        read.integer(0, 100),
        policy=STAGES,
    )
    referral_points: int = setting(
        "HUB_REFERRAL_POINTS",
        50,
        "Points an advocate earns for each referred customer's first order.",
        read.integer(0, 10_000),
        policy=LOYALTY,
    )
    points_per_currency_unit: float = setting(
        "HUB_POINTS_PER_CURRENCY_UNIT",
        0.0,
        "Points an order earns per unit of its currency kept (after refunds); 0: none.",
        read.number(0, 1000),
        policy=LOYALTY,
    )
    points_return_window_days: int = setting(
        "HUB_POINTS_RETURN_WINDOW_DAYS",
        30,
        "Days an order's points stay pending (the return window) before they can be spent.",
        read.integer(0, 365),
        policy=LOYALTY,
    )
    points_for_review: int = setting(
        "HUB_POINTS_FOR_REVIEW",
        0,
        "Points for each review submitted, the same whatever its rating.",
        read.integer(0, 10_000),
        policy=LOYALTY,
    )
    points_for_photo_review: int = setting(
        "HUB_POINTS_FOR_PHOTO_REVIEW",
        0,
        "Points for a review submitted with a photo or video, instead of the plain review's.",
        read.integer(0, 10_000),
        policy=LOYALTY,
    )
    review_reward_pool: str = setting(
        "HUB_REVIEW_REWARD_POOL",
        "",
        "Code pool a review's author gets a code from (beside any points); empty: no code.",
        policy=LOYALTY,
    )
    photo_review_reward_pool: str = setting(
        "HUB_PHOTO_REVIEW_REWARD_POOL",
        "",
        "Code pool for a review with a photo or video, instead of the plain review's.",
        policy=LOYALTY,
    )
    points_for_birthday: int = setting(
        "HUB_POINTS_FOR_BIRTHDAY",
        0,
        "Points a customer earns on their birthday.",
        read.integer(0, 10_000),
        policy=LOYALTY,
    )
    points_for_public_profile: int = setting(
        "HUB_POINTS_FOR_PUBLIC_PROFILE",
        0,
        "Points for opting into a public contributor profile (once).",
        read.integer(0, 10_000),
        policy=LOYALTY,
    )
    points_for_answer: int = setting(
        "HUB_POINTS_FOR_ANSWER",
        0,
        "Points for an answer to another shopper's question, once it is published.",
        read.integer(0, 10_000),
        policy=LOYALTY,
    )
    points_expiry_days: int = setting(
        "HUB_POINTS_EXPIRY_DAYS",
        0,
        "Days without earning or spending after which a customer's points expire; 0: never.",
        read.integer(0, 3650),
        policy=LOYALTY,
    )
    points_expiry_reminder_days: int = setting(
        "HUB_POINTS_EXPIRY_REMINDER_DAYS",
        14,
        "Days before points expire that the customer is reminded by mail.",
        read.integer(1, 365),
        policy=LOYALTY,
    )
    point_value: float = setting(
        "HUB_POINT_VALUE",
        0.01,
        "What one point is worth in the shop's currency, for the points liability report.",
        read.number(0, 1000),
        policy=LOYALTY,
    )
    points_rewards: Mapping[str, int] = setting(
        "HUB_POINTS_REWARDS",
        {},
        "What customers can get for points: `POOL=POINTS,…`, a code from that pool for that many points.",
        read.prices,
        shown="(none)",
        policy=LOYALTY,
    )
    code_pool_low: int = setting(
        "HUB_CODE_POOL_LOW",
        10,
        "Codes left in a pool below which admins are warned (code pool page and dashboard).",
        read.integer(1, 100_000),
        policy=LOYALTY,
    )
    win_back_quiet_days: int = setting(
        "HUB_WIN_BACK_QUIET_DAYS",
        180,
        "Days after a win-back mail before the same customer may get another.",
        read.integer(7, 3650),
        policy=LOYALTY,
    )
    mail_cap: int = setting(
        "HUB_MAIL_CAP",
        3,
        "Customer mails one customer gets in `HUB_MAIL_CAP_DAYS` at most, shared by review requests "
        "and reminders, survey sends and reminders, win-back, thank-you and answer requests (replies "
        "to the customer's own case or question are exempt); `HUB_INVITE_MAIL_CAP` is its old name.",
        read.integer(1, 100),
        policy=BRAND,
    )
    mail_cap_days: int = setting(
        "HUB_MAIL_CAP_DAYS",
        30,
        "The window of `HUB_MAIL_CAP`, in days.",
        read.integer(1, 365),
        policy=BRAND,
    )
    tiers: read.Tiers = setting(
        "HUB_TIERS",
        read.Tiers(),
        "VIP tiers, lowest first: `Silver: spend 200; Gold: spend 500, x1.5, birthday 300, early access`"
        " (kept spend or earned points in the tier window; a points multiplier, a birthday bonus,"
        " the early-access list). See docs/loyalty.md.",
        read.tiers,
        shown="(none)",
        policy=LOYALTY,
    )
    tier_window_days: int = setting(
        "HUB_TIER_WINDOW_DAYS",
        365,
        "Days of spend or earned points that count towards a tier (a rolling window).",
        read.integer(30, 3650),
        policy=LOYALTY,
    )
    tier_warning_days: int = setting(
        "HUB_TIER_WARNING_DAYS",
        30,
        "Days before the window would drop a customer to a lower tier that they are told how to keep it"
        " (0: no warning).",
        read.integer(0, 365),
        policy=LOYALTY,
    )
    badge_rules: tuple[str, ...] = setting(
        "HUB_BADGE_RULES",
        BADGE_RULES,
        "Badges the worker gives by itself, comma-separated: " + ", ".join(BADGE_RULES) + ".",
        read.choices(*BADGE_RULES),
        policy=LOYALTY,
    )
    referral_reward: str = setting(
        "HUB_REFERRAL_REWARD",
        "points",
        "What a referrer earns once the friend's first order is past its return window: "
        "`points` (`HUB_REFERRAL_POINTS`) or `code` (from `HUB_REFERRAL_REWARD_POOL`).",
        read.choice("points", "code"),
        policy=LOYALTY,
    )
    referral_return_days: int = setting(
        "HUB_REFERRAL_RETURN_DAYS",
        30,
        "Days after a referred first order is delivered (or placed) before the referrer is rewarded; "
        "a refund or cancellation before then withdraws the referral.",
        read.integer(0, 365),
        policy=LOYALTY,
    )
    referral_limit: int = setting(
        "HUB_REFERRAL_LIMIT",
        10,
        "Referrals one customer may make in `HUB_REFERRAL_LIMIT_DAYS` before more wait for an admin.",
        read.integer(1, 10_000),
        policy=LOYALTY,
    )
    referral_limit_days: int = setting(
        "HUB_REFERRAL_LIMIT_DAYS",
        30,
        "The period of `HUB_REFERRAL_LIMIT`, in days.",
        read.integer(1, 3650),
        policy=LOYALTY,
    )
    referral_welcome_pool: str = setting(
        "HUB_REFERRAL_WELCOME_POOL",
        "",
        "Code pool a referred friend gets a welcome code from, by e-mail on the referral page "
        "(empty: the referral link leads straight to the store).",
        policy=LOYALTY,
    )
    referral_reward_pool: str = setting(
        "HUB_REFERRAL_REWARD_POOL",
        "",
        "Code pool a referrer's reward code comes from when `HUB_REFERRAL_REWARD` is `code`.",
        policy=LOYALTY,
    )
    win_back_pool: str = setting(
        "HUB_WIN_BACK_POOL",
        "",
        "Code pool the win-back mail's offer comes from, one code per customer; empty or used up: "
        "the one code `HUB_WIN_BACK_OFFER`.",
        policy=LOYALTY,
    )
    win_back_holdout_percent: int = setting(
        "HUB_WIN_BACK_HOLDOUT_PERCENT",
        10,
        "Share of customers due a win-back who get no mail (chosen by their id, recorded), "
        "so the retention page can show what the mail itself brought.",
        read.integer(0, 50),
        policy=LOYALTY,
    )
    mail_from_name: str = setting(
        "HUB_MAIL_FROM_NAME", "", "Sender name of every mail.", shown="(the brand name)", policy=BRAND
    )
    mail_logo_url: str = setting(
        "HUB_MAIL_LOGO_URL",
        "",
        "An http(s) image shown atop every mail (about 160×48 pixels).",
        read.url,
        policy=BRAND,
    )
    mail_accent_colour: str = setting(
        "HUB_MAIL_ACCENT_COLOUR",
        "#2c5fd8",
        "Colour of the mails' buttons and header rule, `#rrggbb`.",
        read.colour,
        policy=BRAND,
    )
    win_back_offer: str = setting(
        "HUB_WIN_BACK_OFFER",
        "",
        "Discount code offered in the win-back mail to lapsed customers.",
        policy=LOYALTY,
    )

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

    def with_rate_limits(self, **limits: tuple[int, int]) -> Settings:
        """These groups' limits changed, the others kept."""
        changed = {group: Limit(*limit) for group, limit in limits.items()}
        unknown = sorted(set(changed) - set(DEFAULT_LIMITS))
        if unknown:
            raise ValueError(f"no rate limit group {', '.join(unknown)}")
        return replace(self, rate_limits={**self.rate_limits, **changed})


def _setting(entry: Field[Any]) -> Setting:
    described = entry.metadata["setting"]
    assert isinstance(described, Setting)
    return described


def _default(entry: Field[Any]) -> Any:
    if entry.default_factory is not MISSING:
        return entry.default_factory()
    return entry.default


def settings_doc() -> list[tuple[str, str, str]]:
    """(variable, default as shown, meaning) for every setting, in the order of `Settings`."""
    rows = []
    for entry in fields(Settings):
        described = _setting(entry)
        meaning = described.help
        if described.policy:
            meaning += f" *Shop policy: Admin → Settings → {described.policy}.*"
        rows.append((described.var, described.shown or read.shown(_default(entry)), meaning))
    return rows


def settings_table() -> str:
    """The README's settings table, as Markdown."""
    lines = ["| variable | default | what it does |", "| --- | --- | --- |"]
    lines += [f"| `{var}` | {default} | {meaning} |" for var, default, meaning in settings_doc()]
    return "\n".join(lines) + "\n"


def _stored_secret_key(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    private_dir(data_dir)
    key = secrets.token_urlsafe(48)
    write_private(path, key.encode(), exclusive=True)
    return key


def read_env(env: Mapping[str, str]) -> dict[str, Any]:
    """The settings ``env`` sets, by field name, each read by its setting's reader."""
    values: dict[str, Any] = {}
    for entry in fields(Settings):
        described = _setting(entry)
        if described.var in env:
            values[entry.name] = described.parse(described.var, env[described.var])
    return values


def env_setting(name: str, env: Mapping[str, str] | None = None) -> Any:
    """One setting, by field name, from ``env`` alone or its default: no other is read, no key made."""
    entry = next(entry for entry in fields(Settings) if entry.name == name)
    described = _setting(entry)
    env = os.environ if env is None else env
    return described.parse(described.var, env[described.var]) if described.var in env else _default(entry)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from ``env`` (the process environment by default)."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {
        "env": Settings.env,
        "data_dir": Settings.data_dir,
        "base_url": Settings.base_url,
    }
    values.update(read_env(env))
    if DEPRECATED_MAIL_CAP in env and "mail_cap" not in values:
        values["mail_cap"] = read.integer(1, 100)(DEPRECATED_MAIL_CAP, env[DEPRECATED_MAIL_CAP])
    data_dir: Path = values["data_dir"]
    values.setdefault("database_url", f"sqlite://{data_dir / 'hub.sqlite3'}")
    values.setdefault("store_url", f"{values['base_url']}/demo/store")
    if not values.get("secret_key"):
        if values["env"] == "production":
            raise SettingsError("HUB_SECRET_KEY is required when HUB_ENV=production")
        values["secret_key"] = _stored_secret_key(data_dir)
    return Settings(**values)
