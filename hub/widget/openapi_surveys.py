"""The survey part of the OpenAPI document: `/api/v1/surveys/{id}/results` and `/responses`."""

from __future__ import annotations

from typing import Any

STR, INT, BOOL, NUMBER = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "number"}
MAYBE_NUMBER = {"type": ["number", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


FIGURE = {
    "value": MAYBE_NUMBER,
    "low": MAYBE_NUMBER,
    "high": MAYBE_NUMBER,
    "margin": MAYBE_NUMBER,
    "answers": INT,
}
PERIOD_FIGURE = _obj({"from": STR, "to": STR, **FIGURE})
TREND = _obj(
    {
        "question_id": INT,
        "measure": {"type": "string", "enum": ["nps", "csat", "effort"]},
        "method": STR,
        "overall": _obj(FIGURE),
        "months": {"type": "array", "items": _obj({"month": STR, **FIGURE})},
        "period": _obj(
            {
                "current": PERIOD_FIGURE,
                "previous": PERIOD_FIGURE,
                "difference": MAYBE_NUMBER,
                "margin": MAYBE_NUMBER,
                "beyond_noise": BOOL,
            }
        ),
    }
)
SURVEY_RESULTS = _obj(
    {
        "survey": _obj({"id": INT, "slug": STR, "name": STR}),
        "segment": {**_obj({"kind": STR, "value": STR}), "type": ["object", "null"]},
        "responses": INT,
        "questions": {
            "type": "array",
            "items": _obj(
                {
                    "id": INT,
                    "kind": STR,
                    "prompt": STR,
                    "answers": INT,
                    "counts": {
                        "type": "array",
                        "description": "by answer: a number, a choice, or a sentiment for free text",
                        "items": _obj({"answer": STR, "count": INT}),
                    },
                }
            ),
        },
        "trends": {"type": "array", "items": TREND},
        "topics": {
            "type": "array",
            "items": _obj(
                {
                    "topic": STR,
                    "answers": INT,
                    "sentiment": _obj({"negative": INT, "neutral": INT, "positive": INT}),
                    "quotes": {"type": "array", "items": STR},
                }
            ),
        },
    }
)
SURVEY_RESPONSE = _obj(
    {
        "id": INT,
        "submitted_at": {"type": "string", "format": "date-time"},
        "customer_id": {"type": ["integer", "null"]},
        "order": {"type": ["string", "null"]},
        "nps": {"type": ["integer", "null"]},
        "csat": {"type": ["integer", "null"]},
        "sentiment": STR,
        "flagged": BOOL,
        "answers": {
            "type": "array",
            "description": "every question's answer: a number, a choice, a list of choices, text or null",
            "items": _obj({"question_id": INT, "answer": {"type": ["integer", "string", "array", "null"]}}),
        },
    }
)
SCHEMAS: dict[str, Any] = {
    "SurveyResults": SURVEY_RESULTS,
    "SurveyResponse": SURVEY_RESPONSE,
    "SurveyResponsePage": _obj(
        {
            "responses": {"type": "array", "items": _ref("SurveyResponse")},
            "next": {"type": ["string", "null"]},
        }
    ),
}
RESULTS_DESCRIPTION = (
    "The survey's figures, as on its results page, from running totals kept as answers are stored. "
    "NPS carries 1.96 standard errors of the mean of +1/0/-1 scores, CSAT (share of 4-5) Wilson's "
    "95 % interval, effort the mean ± 1.96 s/√n. `period` compares the last `months` months up to "
    "`until` with the same length before; `beyond_noise` when the difference exceeds "
    "1.96 √(se₁² + se₂²)."
)


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def paths(keyed: list[dict[str, list[str]]], errors: dict[str, Any], json: Any) -> dict[str, Any]:
    """The two survey operations; ``errors`` the 401/403/404/422 answers, ``json`` a 200 maker."""
    survey = {
        "name": "survey_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
    return {
        "/api/v1/surveys/{survey_id}/results": {
            "get": {
                "summary": "A survey's results, overall or for one segment (surveys:read)",
                "description": RESULTS_DESCRIPTION,
                "security": keyed,
                "parameters": [
                    survey,
                    _query(
                        "segment",
                        STR,
                        "kind:value, e.g. stage:loyal, product:12, country:DE, language:de, agent:3",
                    ),
                    _query(
                        "months", {"type": "string", "enum": ["1", "3", "6", "12"]}, "length of the period"
                    ),
                    _query(
                        "until", {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}, "last month, YYYY-MM"
                    ),
                ],
                "responses": {"200": json("SurveyResults"), **errors},
            }
        },
        "/api/v1/surveys/{survey_id}/responses": {
            "get": {
                "summary": "A page of a survey's responses with every answer, oldest first (surveys:read)",
                "security": keyed,
                "parameters": [
                    survey,
                    _query("after", {"type": "integer", "minimum": 0}, "`next` of the previous page"),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "responses per page"),
                ],
                "responses": {"200": json("SurveyResponsePage"), **errors},
            }
        },
    }
