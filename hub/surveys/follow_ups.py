"""What follows a survey answer: the rules, written once, and what the results page shows of them.

A response *needs a look* (it opens a support case, hub.intake.survey_follow_ups) when:
    `detractor`     its NPS answer is 0–6;
    `low_csat`      its CSAT answer is 1–2 (of 1–5);
    `high_effort`   its customer-effort answer (kind "effort", 1–7) is 5–7;
    or the sentiment engine flags its written answers (`negative_text`, `urgent` and the
    topic codes of `hub.sentiment.scoring.assess`).
A response from a *promoter* (NPS 9–10) asks for a review of what the customer bought and
has not reviewed yet, once (hub.invites.promoters).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from hub.sentiment.scoring import Assessment
from hub.surveys.models import Survey, SurveyResponse

EFFORT = "effort"  # the customer-effort question kind, when the hub has it
DETRACTOR_MAX = 6
LOW_CSAT_MAX = 2
HIGH_EFFORT_MIN = 5
PROMOTER_MIN = 9
SHOWN = 50
REASON_WORDS = {
    "detractor": "detractor (NPS 0–6)",
    "low_csat": "low satisfaction (CSAT 1–2)",
    "high_effort": "high effort (5–7 of 7)",
    "negative_text": "negative words",
}


def first_number(scores: Sequence[tuple[str, int | None]], kind: str) -> int | None:
    """The first answer of question kind `kind` among (kind, number) pairs."""
    return next((number for each, number in scores if each == kind and number is not None), None)


def follow_up_reasons(
    response: SurveyResponse, scores: Sequence[tuple[str, int | None]], assessment: Assessment
) -> tuple[str, ...]:
    """Why this response opens a case (flag codes), or () when it does not."""
    effort = first_number(scores, EFFORT)
    checks = (
        ("detractor", response.nps is not None and response.nps <= DETRACTOR_MAX),
        ("low_csat", response.csat is not None and response.csat <= LOW_CSAT_MAX),
        ("high_effort", effort is not None and effort >= HIGH_EFFORT_MIN),
    )
    reasons = [code for code, applies in checks if applies]
    return tuple(dict.fromkeys([*reasons, *assessment.reasons]))


def is_promoter(response: SurveyResponse) -> bool:
    return response.nps is not None and response.nps >= PROMOTER_MIN


def reason_words(reason: str) -> str:
    return REASON_WORDS.get(reason, reason.replace("_", " "))


@dataclass
class FollowedUp:
    """One response of the results page's follow-up list."""

    response_id: int
    submitted_at: datetime
    nps: int | None
    csat: int | None
    cases: list[tuple[int, str]]  # (case id, status)
    invitation_status: str = ""


async def followed_up(survey: Survey, limit: int = SHOWN) -> list[FollowedUp]:
    """The newest responses that opened a case or asked for a review, newest first."""
    fields = ("id", "submitted_at", "nps", "csat")
    with_case = (
        await SurveyResponse.filter(survey=survey, cases__id__isnull=False)
        .order_by("-submitted_at", "-id")
        .limit(limit)
        .values(*fields, "cases__id", "cases__status")
    )
    invited = (
        await SurveyResponse.filter(survey=survey, review_invitation_id__isnull=False)
        .order_by("-submitted_at", "-id")
        .limit(limit)
        .values(*fields, "review_invitation__status")
    )
    rows: dict[int, FollowedUp] = {}
    for row in [*with_case, *invited]:
        entry = rows.setdefault(
            row["id"], FollowedUp(row["id"], row["submitted_at"], row["nps"], row["csat"], [])
        )
        case = (row.get("cases__id"), row.get("cases__status"))
        if case[0] and case not in entry.cases:
            entry.cases.append(case)  # type: ignore[arg-type]
        entry.invitation_status = row.get("review_invitation__status") or entry.invitation_status
    newest = sorted(rows.values(), key=lambda each: (each.submitted_at, each.response_id), reverse=True)
    return newest[:limit]
