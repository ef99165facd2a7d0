"""The OpenAPI 3.1 document of the review API (`/openapi.json`); tests check real answers against it."""

from __future__ import annotations

from typing import Any

from hub.config import Settings
from hub.reviews.models import ReviewStatus
from hub.widget.openapi_surveys import SCHEMAS as SURVEY_SCHEMAS
from hub.widget.openapi_surveys import paths as survey_paths
from hub.widget.queries import MAX_LIMIT, SORTS

STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
DATE_TIME = {"type": ["string", "null"], "format": "date-time"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


STAR_COUNTS = obj({str(star): {"type": "integer", "minimum": 0} for star in range(1, 6)})
PHOTO = obj({"id": INT, "url": STR, "thumb_url": STR, "width": INT, "height": INT})
PUBLIC_REVIEW = obj(
    {
        "id": INT,
        "rating": {"type": "integer", "minimum": 1, "maximum": 5},
        "title": STR,
        "body": STR,
        "author": STR,
        "date": DATE_TIME,
        "verified_buyer": BOOL,
        "source": {"type": "string", "enum": ["invitation", "import", "api"]},
        "helpful": INT,
        "unhelpful": INT,
        "received_reward": BOOL,
        "photos": {"type": "array", "items": ref("Photo")},
        "replies": {"type": "array", "items": obj({"body": STR, "date": DATE_TIME})},
    }
)
FEED_REVIEW = obj(
    {
        "id": INT,
        "sku": STR,
        "status": {"type": "string", "enum": [s.value for s in ReviewStatus]},
        "status_reason": STR,
        "rating": INT,
        "title": STR,
        "body": STR,
        "author": STR,
        "verified_buyer": BOOL,
        "source": STR,
        "locale": STR,
        "flagged": BOOL,
        "sentiment": STR,
        "helpful": INT,
        "unhelpful": INT,
        "has_photos": BOOL,
        "received_reward": BOOL,
        "submitted_at": DATE_TIME,
        "published_at": DATE_TIME,
        "edited_at": DATE_TIME,
    }
)
PROBLEM = obj(
    {"title": STR, "status": INT, "errors": {"type": "array", "items": obj({"path": STR, "reason": STR})}},
    ["title", "status"],
)
REVIEW_IN = obj(
    {
        "sku": STR,
        "rating": {"type": "integer", "minimum": 1, "maximum": 5},
        "title": STR,
        "body": STR,
        "display_name": STR,
        "order_id": STR,
        "email": {"type": "string", "format": "email"},
        "locale": STR,
    },
    ["sku", "rating", "body"],
)

RATE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
SECONDS = {"type": ["number", "null"], "minimum": 0}
SPREAD = obj({"cases": INT, "median_seconds": SECONDS, "p90_seconds": SECONDS})
REORDER_GROUP = obj({"cases": INT, "reordered": INT, "rate": RATE, "too_small": BOOL})
SUPPORT_FIGURES = {
    "cases_handled": INT,
    "first_response": SPREAD,
    "resolution": SPREAD,
    "sla_met": INT,
    "sla_attainment": RATE,
    "reopened": INT,
    "reopen_rate": RATE,
    "follow_ups_sent": INT,
    "follow_up_answers": INT,
    "recovered": INT,
    "recovery_rate": RATE,
    "reorder_within_90_days": obj(
        {"recovered": REORDER_GROUP, "unrecovered": REORDER_GROUP, "waiting": INT, "comparable": BOOL}
    ),
}
SUPPORT_WEEK = obj({"week": STR, "starts": {"type": "string", "format": "date"}, **SUPPORT_FIGURES})
SUPPORT_SERIES = obj(
    {
        "agent_id": {"type": ["integer", "null"]},
        "name": STR,
        **SUPPORT_FIGURES,
        "weeks": {"type": "array", "items": SUPPORT_WEEK},
    }
)
SUPPORT_METRICS = obj(
    {
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "time_zone": STR,
        "durations": {"type": "string", "enum": ["business_hours", "calendar"]},
        "business_hours": {"type": ["string", "null"]},
        "agent_definition": STR,
        "team": ref("SupportSeries"),
        "agents": {"type": "array", "items": ref("SupportSeries")},
    }
)

SCHEMAS: dict[str, Any] = {
    "Summary": obj(
        {
            "sku": STR,
            "name": STR,
            "average": {"type": "number", "minimum": 0, "maximum": 5},
            "count": INT,
            "histogram": STAR_COUNTS,
            "photo_count": INT,
        }
    ),
    "Photo": PHOTO,
    "PublicReview": PUBLIC_REVIEW,
    "ReviewPage": obj(
        {
            "sku": STR,
            "page": INT,
            "limit": INT,
            "sort": {"type": "string", "enum": list(SORTS)},
            "next_page": {"type": ["integer", "null"]},
            "items": {"type": "array", "items": ref("PublicReview")},
        }
    ),
    "FeedReview": FEED_REVIEW,
    "FeedPage": obj(
        {"items": {"type": "array", "items": ref("FeedReview")}, "next_cursor": {"type": ["integer", "null"]}}
    ),
    "ReviewIn": REVIEW_IN,
    "ReviewCreated": obj(
        {"id": INT, "status": STR, "published": BOOL, "verified_buyer": BOOL, "source": STR}
    ),
    "VoteIn": obj(
        {"voter": {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$"}, "helpful": BOOL}, ["voter"]
    ),
    "VoteResult": obj({"counted": BOOL, "helpful": INT, "unhelpful": INT}),
    "SupportSeries": SUPPORT_SERIES,
    "SupportMetrics": SUPPORT_METRICS,
    "Problem": PROBLEM,
}


def _json(schema: str, description: str = "OK", media: str = "application/json") -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": ref(schema)}}}


def _problem(description: str) -> dict[str, Any]:
    return _json("Problem", description, "application/problem+json")


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


SKU = {"name": "sku", "in": "path", "required": True, "schema": STR}
PUBLIC_PARAMS = [
    SKU,
    _query("sort", {"type": "string", "enum": list(SORTS)}, "order of the reviews"),
    _query("rating", {"type": "integer", "minimum": 1, "maximum": 5}, "only this many stars"),
    _query("with_photos", BOOL, "only reviews with approved photos"),
    _query("page", {"type": "integer", "minimum": 1}, "page number, from 1"),
    _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, "reviews per page"),
]
FEED_PARAMS = [
    _query("status", {"type": "string", "enum": [s.value for s in ReviewStatus]}, "only this status"),
    _query("product", STR, "only this SKU"),
    _query("since", DATE_TIME, "submitted at or after"),
    _query("cursor", INT, "next_cursor of the previous page"),
    _query("limit", {"type": "integer", "minimum": 1, "maximum": 100}, "reviews per page"),
]
KEYED: list[dict[str, list[str]]] = [{"bearer": []}]
UNAUTHORISED = {"401": _problem("no or wrong API key"), "403": _problem("the key lacks the scope")}
DAY_QUERY = {"type": "string", "format": "date"}
SUPPORT_PARAMS = [
    _query("from", DAY_QUERY, "first day (YYYY-MM-DD, shop's zone) of resolution; default 12 weeks back"),
    _query("to", DAY_QUERY, "last day of resolution, included; default today"),
    _query("agent", {"type": "integer", "minimum": 1}, "list only this agent (a staff id)"),
]
SUPPORT_DESCRIPTION = (
    "Cases resolved in the period, per ISO week (Monday start, the shop's time zone) of their "
    "last resolution, for the team and per agent: a case counts for the agent it is assigned to "
    "once resolved. Times run from the opening or the last reopening, in business hours where "
    "the shop set them (`durations`). Recovery: a follow-up answered 4 or 5 of 5. Reorder: a "
    "real order within 90 days of the resolution, for cases resolved at least 90 days ago; a "
    "group under 20 cases is `too_small` to compare."
)
SURVEY_ERRORS = {
    **UNAUTHORISED,
    "404": _problem("no such survey"),
    "422": _problem("invalid query, naming the field"),
}
CACHED = "Carries ETag and Cache-Control; answers If-None-Match with 304."


def _paths() -> dict[str, Any]:
    return {
        "/api/v1/products/{sku}/summary": {
            "get": {
                "summary": "Rating summary of a product (or its group)",
                "description": CACHED,
                "parameters": [SKU],
                "responses": {
                    "200": _json("Summary"),
                    "304": {"description": "Not modified"},
                    "404": _problem("unknown SKU"),
                },
            }
        },
        "/api/v1/products/{sku}/reviews": {
            "get": {
                "summary": "Published reviews of a product (or its group)",
                "description": CACHED,
                "parameters": PUBLIC_PARAMS,
                "responses": {
                    "200": _json("ReviewPage"),
                    "304": {"description": "Not modified"},
                    "404": _problem("unknown SKU"),
                    "422": _problem("invalid query"),
                },
            }
        },
        "/api/v1/reviews/{review_id}/votes": {
            "post": {
                "summary": "Was this review helpful? One vote per browser",
                "parameters": [{"name": "review_id", "in": "path", "required": True, "schema": INT}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("VoteIn")}}},
                "responses": {
                    "200": _json("VoteResult"),
                    "403": _problem("origin not allowed"),
                    "404": _problem("no such review"),
                    "422": _problem("invalid body"),
                    "429": _problem("too many votes"),
                },
            }
        },
        "/api/v1/reviews": {
            "get": {
                "summary": "Every review, any status (reviews:read)",
                "security": KEYED,
                "parameters": FEED_PARAMS,
                "responses": {"200": _json("FeedPage"), **UNAUTHORISED, "422": _problem("invalid query")},
            },
            "post": {
                "summary": "Submit a review from the store's own form (reviews:write)",
                "security": KEYED,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("ReviewIn")}},
                },
                "responses": {
                    "201": _json("ReviewCreated", "Stored"),
                    **UNAUTHORISED,
                    "422": _problem("invalid review"),
                    "429": _problem("too many reviews"),
                },
            },
        },
        "/api/v1/metrics/support": {
            "get": {
                "summary": "Support measured, per agent and per week (metrics:read)",
                "description": SUPPORT_DESCRIPTION,
                "security": KEYED,
                "parameters": SUPPORT_PARAMS,
                "responses": {
                    "200": _json("SupportMetrics"),
                    **UNAUTHORISED,
                    "422": _problem("invalid query, naming the field"),
                },
            }
        },
        "/api/v1/reviews/export": {
            "get": {
                "summary": "Every review as NDJSON, one FeedReview per line (reviews:read)",
                "security": KEYED,
                "parameters": FEED_PARAMS[:3],
                "responses": {
                    "200": {
                        "description": "NDJSON stream",
                        "content": {"application/x-ndjson": {"schema": ref("FeedReview")}},
                    },
                    **UNAUTHORISED,
                },
            }
        },
    }


def openapi_document(settings: Settings) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{settings.brand_name} review API", "version": "1"},
        "servers": [{"url": settings.base_url}],
        "paths": {**_paths(), **survey_paths(KEYED, SURVEY_ERRORS, _json)},
        "components": {
            "schemas": {**SCHEMAS, **SURVEY_SCHEMAS},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
