"""Every route of the hub in one table, and links built from it without importing the app.

The app is built from `ROUTES` (`hub.app`), and every link outside a request (mail,
feeds, the CLI) is built from it here, so a domain that needs a link imports this base
module and never the app. An endpoint is named by ``"module:function"`` and imported
when the app is built: a missing one stops the app from starting.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlencode

from starlette.convertors import Convertor
from starlette.routing import NoMatchFound, compile_path

import hub.convertors  # noqa: F401  (registers the {name:id} convertor before a path compiles)
from hub.config import Settings

STATIC_PATH = "/static"


@dataclass(frozen=True)
class Endpoint:
    """A named route: its path, the function that answers it, the methods it takes."""

    name: str
    path: str
    target: str  # "module:function"
    methods: tuple[str, ...] = ("GET",)


ROUTES: tuple[Endpoint, ...] = (
    # Health
    Endpoint("healthz", "/healthz", "hub.health:healthz"),
    # Staff: sign-in, accounts, two-factor, the staff and API-key admin
    Endpoint("login", "/login", "hub.staff.routes:login_page"),
    Endpoint("login_submit", "/login", "hub.staff.routes:login_submit", ("POST",)),
    Endpoint("two_factor_login", "/login/two-factor", "hub.staff.routes:two_factor_login"),
    Endpoint("two_factor_submit", "/login/two-factor", "hub.staff.routes:two_factor_submit", ("POST",)),
    Endpoint(
        "staff_welcome", "/login/welcome/{token:str}", "hub.staff.routes:password_link", ("GET", "POST")
    ),
    Endpoint("staff_reset", "/login/reset/{token:str}", "hub.staff.routes:password_link", ("GET", "POST")),
    Endpoint("logout", "/logout", "hub.staff.routes:logout", ("POST",)),
    Endpoint("two_factor_setup", "/account/two-factor", "hub.staff.account_routes:two_factor_setup"),
    Endpoint(
        "two_factor_enable", "/account/two-factor", "hub.staff.account_routes:two_factor_enable", ("POST",)
    ),
    Endpoint(
        "recovery_codes_replace",
        "/account/two-factor/recovery-codes",
        "hub.staff.account_routes:recovery_codes_replace",
        ("POST",),
    ),
    Endpoint(
        "two_factor_disable",
        "/account/two-factor/off",
        "hub.staff.account_routes:two_factor_disable",
        ("POST",),
    ),
    Endpoint(
        "availability_update",
        "/account/availability",
        "hub.staff.account_routes:availability_update",
        ("POST",),
    ),
    Endpoint("staff_list", "/admin/staff", "hub.staff.admin_routes:staff_list"),
    Endpoint("staff_invite", "/admin/staff/invite", "hub.staff.admin_routes:staff_invite", ("POST",)),
    Endpoint(
        "staff_policy_update", "/admin/staff/policy", "hub.staff.admin_routes:staff_policy_update", ("POST",)
    ),
    Endpoint("staff_detail", "/admin/staff/{user_id:id}", "hub.staff.admin_routes:staff_detail"),
    Endpoint(
        "staff_session_end",
        "/admin/staff/{user_id:id}/sessions/{session_id:id}/end",
        "hub.staff.admin_routes:staff_session_end",
        ("POST",),
    ),
    Endpoint(
        "staff_action",
        "/admin/staff/{user_id:id}/{action:str}",
        "hub.staff.admin_routes:staff_action",
        ("POST",),
    ),
    Endpoint("api_key_list", "/admin/api-keys", "hub.staff.admin_routes:api_key_list"),
    Endpoint("api_key_create", "/admin/api-keys", "hub.staff.admin_routes:api_key_create", ("POST",)),
    Endpoint(
        "api_key_revoke",
        "/admin/api-keys/{key_id:id}/revoke",
        "hub.staff.admin_routes:api_key_revoke",
        ("POST",),
    ),
    # Outgoing webhooks: the admin's endpoints and delivery log, the endpoints API
    Endpoint("webhook_list", "/admin/webhooks", "hub.webhooks.routes:webhook_list"),
    Endpoint("webhook_create", "/admin/webhooks", "hub.webhooks.routes:webhook_create", ("POST",)),
    Endpoint("webhook_detail", "/admin/webhooks/{endpoint_id:id}", "hub.webhooks.routes:webhook_detail"),
    Endpoint(
        "webhook_resend",
        "/admin/webhooks/deliveries/{delivery_id:id}/resend",
        "hub.webhooks.routes:webhook_resend",
        ("POST",),
    ),
    Endpoint(
        "webhook_action",
        "/admin/webhooks/{endpoint_id:id}/{action:str}",
        "hub.webhooks.routes:webhook_action",
        ("POST",),
    ),
    Endpoint("api_webhook_endpoints", "/api/v1/webhook-endpoints", "hub.webhooks.routes:api_endpoint_list"),
    Endpoint(
        "api_webhook_endpoint_create",
        "/api/v1/webhook-endpoints",
        "hub.webhooks.routes:api_endpoint_create",
        ("POST",),
    ),
    Endpoint(
        "api_webhook_endpoint_delete",
        "/api/v1/webhook-endpoints/{endpoint_id:id}",
        "hub.webhooks.routes:api_endpoint_delete",
        ("DELETE",),
    ),
    # The admin shell
    Endpoint("dashboard", "/admin", "hub.admin.routes:dashboard"),
    Endpoint("audit_log", "/admin/audit", "hub.admin.routes:audit_log"),
    # Orders in: the orders API and the store webhooks
    Endpoint("api_settings", "/api/v1/settings", "hub.admin.settings_routes:api_settings"),
    Endpoint(
        "api_settings_patch", "/api/v1/settings", "hub.admin.settings_routes:api_settings_patch", ("PATCH",)
    ),
    Endpoint("api_orders", "/api/v1/orders", "hub.orders.routes:post_order", ("POST",)),
    Endpoint("api_orders_batch", "/api/v1/orders/batch", "hub.orders.routes:post_order_batch", ("POST",)),
    Endpoint(
        "api_order_refunds", "/api/v1/orders/{order_id}/refunds", "hub.orders.routes:post_refund", ("POST",)
    ),
    Endpoint("webhook_shopify", "/webhooks/shopify", "hub.orders.routes:shopify_webhook", ("POST",)),
    Endpoint(
        "webhook_woocommerce", "/webhooks/woocommerce", "hub.orders.routes:woocommerce_webhook", ("POST",)
    ),
    # Feedback in: the review form, the thank-you page and the reviews API
    Endpoint("review_form", "/r/{token}", "hub.intake.routes:review_form"),
    Endpoint("review_submit", "/r/{token}", "hub.intake.routes:review_submit", ("POST",)),
    Endpoint("review_validate", "/r/{token}/validate", "hub.intake.routes:review_validate", ("POST",)),
    # Mail: unsubscribe and preferences, the outbox
    Endpoint("unsubscribe", "/u/{token}", "hub.mail.routes:preferences_page"),
    Endpoint("unsubscribe_one_click", "/u/{token}", "hub.mail.routes:one_click_unsubscribe", ("POST",)),
    Endpoint("mail_preferences", "/u/{token}/preferences", "hub.mail.routes:save_preferences", ("POST",)),
    Endpoint("points_page", "/u/{token}/points", "hub.advocacy.points_routes:points_page"),
    Endpoint("points_redeem", "/u/{token}/points", "hub.advocacy.points_routes:points_redeem", ("POST",)),
    Endpoint("outbox", "/admin/outbox", "hub.admin.outbox:outbox_list"),
    Endpoint("outbox_message", "/admin/outbox/{message_id:id}", "hub.admin.outbox:outbox_message"),
    Endpoint(
        "outbox_retry",
        "/admin/outbox/{message_id:id}/retry",
        "hub.admin.outbox:outbox_retry",
        ("POST",),
    ),
    # Reviews: moderation
    Endpoint("review_moderation", "/admin/reviews", "hub.reviews.routes:review_list"),
    Endpoint("review_bulk", "/admin/reviews/bulk", "hub.reviews.routes:review_bulk", ("POST",)),
    Endpoint("review_page", "/admin/reviews/{review_id:id}", "hub.reviews.routes:review_page"),
    Endpoint(
        "review_reply", "/admin/reviews/{review_id:id}/reply", "hub.reviews.routes:review_reply", ("POST",)
    ),
    Endpoint(
        "review_action",
        "/admin/reviews/{review_id:id}/{action:str}",
        "hub.reviews.routes:review_action",
        ("POST",),
    ),
    # Surveys
    Endpoint("review_thanks", "/r/{token}/thanks", "hub.intake.survey_pages:review_thanks", ("GET", "POST")),
    Endpoint("survey_form", "/s/{token}", "hub.intake.survey_pages:survey_form", ("GET", "POST")),
    Endpoint(
        "survey_public", "/surveys/{survey_id:id}", "hub.intake.survey_pages:survey_public", ("GET", "POST")
    ),
    Endpoint(
        "survey_embed",
        "/surveys/{survey_id:id}/embed",
        "hub.intake.survey_pages:survey_embed",
        ("GET", "POST"),
    ),
    Endpoint("survey_list", "/admin/surveys", "hub.surveys.routes:survey_list"),
    Endpoint("survey_create", "/admin/surveys", "hub.surveys.routes:survey_create", ("POST",)),
    Endpoint("survey_edit", "/admin/surveys/{survey_id:id}", "hub.surveys.routes:survey_edit"),
    Endpoint(
        "survey_question_add",
        "/admin/surveys/{survey_id:id}/questions",
        "hub.surveys.routes:survey_question_add",
        ("POST",),
    ),
    Endpoint(
        "survey_question_move",
        "/admin/surveys/{survey_id:id}/questions/{question_id:id}/move",
        "hub.surveys.routes:survey_question_move",
        ("POST",),
    ),
    Endpoint(
        "survey_question_remove",
        "/admin/surveys/{survey_id:id}/questions/{question_id:id}/remove",
        "hub.surveys.routes:survey_question_remove",
        ("POST",),
    ),
    Endpoint(
        "survey_activate",
        "/admin/surveys/{survey_id:id}/active",
        "hub.surveys.routes:survey_activate",
        ("POST",),
    ),
    Endpoint(
        "survey_public_set",
        "/admin/surveys/{survey_id:id}/public",
        "hub.surveys.routes:survey_public",
        ("POST",),
    ),
    Endpoint(
        "survey_translate",
        "/admin/surveys/{survey_id:id}/translations",
        "hub.surveys.routes:survey_translate",
        ("POST",),
    ),
    Endpoint(
        "survey_results", "/admin/surveys/{survey_id:id}/results", "hub.surveys.routes:survey_results_page"
    ),
    Endpoint(
        "survey_export",
        "/admin/surveys/{survey_id:id}/export.{fmt:str}",
        "hub.transfer.survey_routes:survey_export",
    ),
    Endpoint(
        "survey_send_page", "/admin/surveys/{survey_id:id}/send", "hub.survey_sends.routes:survey_send_page"
    ),
    Endpoint(
        "survey_send_create",
        "/admin/surveys/{survey_id:id}/send",
        "hub.survey_sends.routes:survey_send_create",
        ("POST",),
    ),
    Endpoint(
        "survey_send_preview",
        "/admin/surveys/{survey_id:id}/send/preview",
        "hub.survey_sends.routes:survey_send_preview",
        ("POST",),
    ),
    Endpoint(
        "survey_send_stop",
        "/admin/surveys/{survey_id:id}/sends/{send_id:id}/stop",
        "hub.survey_sends.routes:survey_send_stop",
        ("POST",),
    ),
    # Photos
    Endpoint("media", "/media/{name:str}", "hub.photos.routes:media"),
    Endpoint("review_media", "/r/{token}/photos/{name:str}", "hub.photos.routes:review_media"),
    Endpoint("photo_moderation", "/admin/photos", "hub.photos.routes:photo_queue"),
    Endpoint("staff_media", "/admin/photos/media/{name:str}", "hub.photos.routes:staff_media"),
    Endpoint(
        "photo_action",
        "/admin/photos/{photo_id:id}/{action:str}",
        "hub.photos.routes:photo_action",
        ("POST",),
    ),
    # Triage: the case queue and its cases
    Endpoint("case_queue", "/admin/cases", "hub.triage.routes:case_queue"),
    Endpoint("case_report", "/admin/cases/report", "hub.triage.report_routes:report_page"),
    Endpoint("case_detail", "/admin/cases/{case_id:id}", "hub.triage.routes:case_detail"),
    Endpoint("inbound_list", "/admin/inbound", "hub.triage.inbound.routes:inbound_list"),
    Endpoint(
        "inbound_message", "/admin/inbound/{message_id:id}", "hub.triage.inbound.routes:inbound_message"
    ),
    Endpoint(
        "inbound_attachment",
        "/admin/inbound/attachments/{attachment_id:id}",
        "hub.triage.inbound.routes:inbound_attachment",
    ),
    Endpoint(
        "inbound_thumbnail",
        "/admin/inbound/attachments/{attachment_id:id}/thumbnail",
        "hub.triage.inbound.routes:inbound_thumbnail",
    ),
    Endpoint("case_reply_draft", "/admin/cases/{case_id:id}/reply-draft", "hub.triage.routes:reply_draft"),
    Endpoint(
        "case_reply_preview",
        "/admin/cases/{case_id:id}/reply-preview",
        "hub.triage.routes:reply_preview",
        ("POST",),
    ),
    Endpoint(
        "case_photo",
        "/admin/cases/{case_id:id}/photos/{photo_id:id}/{size:str}",
        "hub.triage.routes:case_photo",
    ),
    Endpoint("case_timeline", "/admin/cases/{case_id:id}/timeline", "hub.triage.routes:timeline_after"),
    Endpoint(
        "case_action", "/admin/cases/{case_id:id}/{action:str}", "hub.triage.routes:case_action", ("POST",)
    ),
    Endpoint("settings_page", "/admin/settings", "hub.admin.settings_routes:settings_page"),
    Endpoint("policy_save", "/admin/settings/policy", "hub.admin.settings_routes:policy_save", ("POST",)),
    Endpoint(
        "policy_preview", "/admin/settings/preview", "hub.admin.settings_routes:policy_preview", ("POST",)
    ),
    Endpoint("canned_create", "/admin/settings/canned", "hub.admin.settings_routes:canned_save", ("POST",)),
    Endpoint(
        "canned_update",
        "/admin/settings/canned/{canned_id:id}",
        "hub.admin.settings_routes:canned_save",
        ("POST",),
    ),
    Endpoint(
        "canned_delete",
        "/admin/settings/canned/{canned_id:id}/delete",
        "hub.admin.settings_routes:canned_delete",
        ("POST",),
    ),
    # Triage: automatic assignment
    Endpoint("assignment_page", "/admin/assignment", "hub.triage.assignment_routes:assignment_page"),
    Endpoint(
        "assignment_rule_create",
        "/admin/assignment/rules",
        "hub.triage.assignment_routes:assignment_rule_save",
        ("POST",),
    ),
    Endpoint(
        "assignment_rule_update",
        "/admin/assignment/rules/{rule_id:id}",
        "hub.triage.assignment_routes:assignment_rule_save",
        ("POST",),
    ),
    Endpoint(
        "assignment_rule_delete",
        "/admin/assignment/rules/{rule_id:id}/delete",
        "hub.triage.assignment_routes:assignment_rule_delete",
        ("POST",),
    ),
    Endpoint(
        "assignment_rule_move",
        "/admin/assignment/rules/{rule_id:id}/move",
        "hub.triage.assignment_routes:assignment_rule_move",
        ("POST",),
    ),
    Endpoint(
        "assignment_agent_groups",
        "/admin/assignment/agents/{user_id:id}",
        "hub.triage.assignment_routes:assignment_agent_groups",
        ("POST",),
    ),
    # The widget and the public API
    Endpoint("widget_js", "/widget.js", "hub.widget.routes:widget_js"),
    Endpoint("widget_community_js", "/widget-community.js", "hub.widget.routes:widget_community_js"),
    Endpoint("widget_css", "/widget.css", "hub.widget.routes:widget_css"),
    Endpoint("widget_fragment", "/widget/products/{sku:str}", "hub.widget.routes:widget_fragment"),
    Endpoint("widget_jsonld", "/widget/products/{sku:str}/jsonld", "hub.widget.routes:widget_jsonld"),
    Endpoint("demo_store", "/demo/store/{sku:str}", "hub.widget.routes:demo_store"),
    Endpoint("openapi", "/openapi.json", "hub.widget.routes:openapi"),
    Endpoint("api_product_reviews", "/api/v1/products/{sku:str}/reviews", "hub.widget.api:product_reviews"),
    Endpoint("api_product_summary", "/api/v1/products/{sku:str}/summary", "hub.widget.api:product_summary"),
    Endpoint("api_review_export", "/api/v1/reviews/export", "hub.widget.api:review_export"),
    Endpoint("api_reviews", "/api/v1/reviews", "hub.widget.api:review_feed"),
    Endpoint("api_review_create", "/api/v1/reviews", "hub.intake.routes:review_create", ("POST",)),
    Endpoint("api_review_vote", "/api/v1/reviews/{review_id:id}/votes", "hub.widget.api:vote", ("POST",)),
    Endpoint(
        "api_review_vote_preflight",
        "/api/v1/reviews/{review_id:id}/votes",
        "hub.widget.api:vote_preflight",
        ("OPTIONS",),
    ),
    # Advocacy: customers, advocates, movement, retention
    Endpoint("movement", "/admin/movement", "hub.advocacy.routes:movement"),
    Endpoint("retention", "/admin/retention", "hub.advocacy.routes:retention_view"),
    Endpoint("advocates", "/admin/advocates", "hub.advocacy.routes:advocates"),
    Endpoint("code_pools", "/admin/code-pools", "hub.advocacy.code_routes:code_pools"),
    Endpoint("code_pool_upload", "/admin/code-pools", "hub.advocacy.code_routes:code_pool_upload", ("POST",)),
    Endpoint(
        "advocates_recognise",
        "/admin/advocates/recognise",
        "hub.advocacy.routes:advocates_recognise",
        ("POST",),
    ),
    Endpoint("customer_list", "/admin/customers", "hub.advocacy.routes:customer_list"),
    Endpoint("referrals_admin", "/admin/referrals", "hub.advocacy.referral_routes:referrals_admin"),
    Endpoint(
        "referral_decide",
        "/admin/referrals/{referral_id:int}/decide",
        "hub.advocacy.referral_routes:referral_decide",
        ("POST",),
    ),
    Endpoint(
        "early_access_export",
        "/admin/tiers/early-access.csv",
        "hub.admin.customer_routes:early_access_export",
    ),
    Endpoint(
        "customer_detail", "/admin/customers/{customer_id:id}", "hub.admin.customer_routes:customer_detail"
    ),
    Endpoint(
        "customer_stop_mail",
        "/admin/customers/{customer_id:id}/stop-mail",
        "hub.admin.customer_routes:customer_stop_mail",
        ("POST",),
    ),
    Endpoint(
        "customer_resume_mail",
        "/admin/customers/{customer_id:id}/resume-mail",
        "hub.admin.customer_routes:customer_resume_mail",
        ("POST",),
    ),
    Endpoint(
        "customer_open_case",
        "/admin/customers/{customer_id:id}/open-case",
        "hub.admin.customer_routes:customer_open_case",
        ("POST",),
    ),
    Endpoint(
        "referral_redirect", "/ref/{code}", "hub.advocacy.referral_routes:referral_landing", ("GET", "POST")
    ),
    Endpoint("api_movement", "/api/v1/metrics/movement", "hub.advocacy.routes:api_movement"),
    Endpoint("api_retention", "/api/v1/metrics/retention", "hub.advocacy.routes:api_retention"),
    Endpoint("api_support_metrics", "/api/v1/metrics/support", "hub.triage.report_routes:api_support"),
    Endpoint(
        "api_survey_results",
        "/api/v1/surveys/{survey_id:id}/results",
        "hub.surveys.routes:api_survey_results",
    ),
    Endpoint(
        "api_survey_responses",
        "/api/v1/surveys/{survey_id:id}/responses",
        "hub.transfer.survey_routes:api_survey_responses",
    ),
    # Community: questions and answers, the gallery, contributors
    Endpoint(
        "api_product_questions",
        "/api/v1/products/{sku:str}/questions",
        "hub.community.api_routes:list_questions",
    ),
    Endpoint(
        "api_question_create",
        "/api/v1/products/{sku:str}/questions",
        "hub.community.api_routes:create_question",
        ("POST",),
    ),
    Endpoint(
        "api_question_preflight",
        "/api/v1/products/{sku:str}/questions",
        "hub.community.http:preflight",
        ("OPTIONS",),
    ),
    Endpoint(
        "api_answer_vote", "/api/v1/answers/{answer_id:id}/votes", "hub.community.api_routes:vote", ("POST",)
    ),
    Endpoint(
        "api_answer_vote_preflight",
        "/api/v1/answers/{answer_id:id}/votes",
        "hub.community.http:preflight",
        ("OPTIONS",),
    ),
    Endpoint("api_gallery", "/api/v1/gallery", "hub.community.api_routes:gallery"),
    Endpoint("api_contributors", "/api/v1/contributors", "hub.community.api_routes:contributors"),
    Endpoint(
        "question_fragment",
        "/widget/products/{sku:str}/questions",
        "hub.community.page_routes:question_fragment",
    ),
    Endpoint(
        "question_form",
        "/widget/products/{sku:str}/questions",
        "hub.community.page_routes:question_form",
        ("POST",),
    ),
    Endpoint("gallery_fragment", "/widget/gallery", "hub.community.page_routes:gallery_fragment"),
    Endpoint(
        "contributors_fragment", "/widget/contributors", "hub.community.page_routes:contributors_fragment"
    ),
    Endpoint(
        "contributor_profile",
        "/contributors/{customer_id:id}",
        "hub.community.page_routes:contributor_profile",
    ),
    Endpoint("answer_form", "/a/{token:str}", "hub.community.link_routes:answer_form"),
    Endpoint("answer_submit", "/a/{token:str}", "hub.community.link_routes:answer_submit", ("POST",)),
    Endpoint("asker_confirm", "/q/{token:str}", "hub.community.link_routes:asker_confirm_form"),
    Endpoint("asker_confirm_submit", "/q/{token:str}", "hub.community.link_routes:asker_confirm", ("POST",)),
    Endpoint("photo_share", "/share/{token:str}", "hub.community.link_routes:share_form"),
    Endpoint("photo_share_submit", "/share/{token:str}", "hub.community.link_routes:share_submit", ("POST",)),
    Endpoint("profile_settings", "/profile/{token:str}", "hub.community.link_routes:profile_settings"),
    Endpoint("profile_save", "/profile/{token:str}", "hub.community.link_routes:profile_save", ("POST",)),
    Endpoint("contributor_list", "/admin/contributors", "hub.community.admin_routes:contributor_list"),
    Endpoint(
        "contributor_withdraw",
        "/admin/contributors/{customer_id:id}/withdraw",
        "hub.community.admin_routes:contributor_withdraw",
        ("POST",),
    ),
    Endpoint("question_moderation", "/admin/questions", "hub.community.admin_routes:question_queue"),
    Endpoint(
        "question_brand_answer",
        "/admin/questions/{question_id:id}/answer",
        "hub.community.admin_routes:brand_answer",
        ("POST",),
    ),
    Endpoint(
        "question_action",
        "/admin/questions/{question_id:id}/{action:str}",
        "hub.community.admin_routes:question_action",
        ("POST",),
    ),
    Endpoint(
        "answer_action",
        "/admin/answers/{answer_id:id}/{action:str}",
        "hub.community.admin_routes:answer_action",
        ("POST",),
    ),
    # Exports
    Endpoint("exports", "/admin/exports", "hub.transfer.routes:exports"),
    Endpoint("export_download", "/admin/exports/{kind:str}.{fmt:str}", "hub.transfer.routes:export_download"),
    Endpoint("imports", "/admin/imports", "hub.transfer.import_routes:imports"),
    Endpoint("import_upload", "/admin/imports/upload", "hub.transfer.import_routes:import_upload", ("POST",)),
    Endpoint("import_detail", "/admin/imports/{job_id:id}", "hub.transfer.import_routes:import_detail"),
    Endpoint(
        "import_status", "/admin/imports/{job_id:id}/status", "hub.transfer.import_routes:import_status"
    ),
    Endpoint(
        "import_confirm",
        "/admin/imports/{job_id:id}/confirm",
        "hub.transfer.import_routes:import_confirm",
        ("POST",),
    ),
    Endpoint(
        "import_discard",
        "/admin/imports/{job_id:id}/discard",
        "hub.transfer.import_routes:import_discard",
        ("POST",),
    ),
    # Privacy requests
    Endpoint("privacy", "/admin/privacy", "hub.privacy.routes:privacy_page"),
    Endpoint("privacy_lookup", "/admin/privacy", "hub.privacy.routes:privacy_lookup", ("POST",)),
    Endpoint(
        "customer_privacy", "/admin/customers/{customer_id:id}/privacy", "hub.privacy.routes:customer_privacy"
    ),
    Endpoint(
        "customer_privacy_export",
        "/admin/customers/{customer_id:id}/privacy/export",
        "hub.privacy.routes:customer_privacy_export",
    ),
    Endpoint(
        "customer_privacy_erase",
        "/admin/customers/{customer_id:id}/privacy/erase",
        "hub.privacy.routes:customer_privacy_erase",
        ("POST",),
    ),
    # The admin shell
    Endpoint("metrics", "/metrics", "hub.admin.metrics_routes:metrics"),
)


@cache
def _paths() -> dict[str, tuple[str, dict[str, Convertor[Any]]]]:
    paths: dict[str, tuple[str, dict[str, Convertor[Any]]]] = {}
    for route in ROUTES:
        _, path_format, path_convertors = compile_path(route.path)
        paths.setdefault(route.name, (path_format, path_convertors))
    _, path_format, path_convertors = compile_path(STATIC_PATH + "/{path:path}")
    paths["static"] = (path_format, path_convertors)
    return paths


def paths_with(param: str) -> list[str]:
    """The path formats (``/r/{token}``) of the routes whose path carries ``param``."""
    return [path_format for path_format, convertors in _paths().values() if param in convertors]


def path_for(name: str, /, **path_params: Any) -> str:
    """The path of route ``name`` with ``path_params`` filled in; NoMatchFound for a wrong name or params."""
    found = _paths().get(name)
    if found is None or set(found[1]) != set(path_params):
        raise NoMatchFound(name, path_params)
    path_format, path_convertors = found
    return path_format.format(
        **{key: path_convertors[key].to_string(value) for key, value in path_params.items()}
    )


def external_url(
    settings: Settings, name: str, /, query: dict[str, Any] | None = None, **path_params: Any
) -> str:
    """The public URL of route ``name``, under the configured base URL."""
    url = settings.base_url + path_for(name, **path_params)
    return f"{url}?{urlencode(query)}" if query else url
