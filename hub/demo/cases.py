"""A support case for every flagged review and survey answer, with the SLA of its priority."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.demo.context import Demo
from hub.demo.reviews import Reviewed
from hub.demo.surveys import Answered, Subject
from hub.sentiment.scoring import Assessment
from hub.triage.models import Case, CaseEvent, Resolution
from hub.triage.sla import due_times

RESOLUTIONS = {  # reason code: likely resolutions, most likely first
    "urgent": {"refund": 6, "replacement": 3, "apology": 1},
    "safety": {"refund": 6, "replacement": 3, "apology": 1},
    "delivery": {"replacement": 5, "refund": 4, "apology": 1},
    "sizing": {"explanation": 6, "replacement": 4},
    "quality": {"replacement": 6, "refund": 4},
    "return": {"refund": 5, "replacement": 3, "explanation": 2},
    "mismatch": {"no_action": 7, "explanation": 3},
    "detractor": {"apology": 6, "explanation": 3, "refund": 1},
}
FALLBACK_RESOLUTIONS = {"apology": 4, "refund": 3, "replacement": 3}


@dataclass(frozen=True)
class Flag:
    """Flagged feedback, reduced to what a case needs."""

    subject: Subject
    product_id: int | None
    survey_response_id: int | None
    assessment: Assessment
    at: datetime
    first_name: str
    noun: str


def flags_of(reviewed: list[Reviewed], answered: list[Answered]) -> list[Flag]:
    """Every flagged review and survey answer, oldest first."""
    flags = [_review_flag(r) for r in reviewed if r.opens_case]
    flags += [_answer_flag(a) for a in answered if a.assessment.flagged]
    return sorted(flags, key=lambda flag: flag.at)


def _review_flag(entry: Reviewed) -> Flag:
    subject = Subject(entry.purchase.shopper.customer.pk, entry.purchase.order.pk, entry.review.pk)
    return Flag(
        subject=subject,
        product_id=entry.item.product.pk,
        survey_response_id=None,
        assessment=entry.assessment,
        at=entry.review.submitted_at,
        first_name=entry.purchase.shopper.customer.first_name,
        noun=entry.item.line.noun,
    )


def _answer_flag(answer: Answered) -> Flag:
    entry = answer.reviewed
    subject = Subject(entry.purchase.shopper.customer.pk, entry.purchase.order.pk, None)
    return Flag(
        subject=subject,
        product_id=None,
        survey_response_id=answer.response.pk,
        assessment=answer.assessment,
        at=answer.response.submitted_at,
        first_name=entry.purchase.shopper.customer.first_name,
        noun="order",
    )


def open_case(demo: Demo, flag: Flag) -> Case:
    created_at = min(demo.now, flag.at + timedelta(seconds=demo.rng.randrange(1, 30)))
    first_due, resolution_due = due_times(demo.settings, flag.assessment.priority, created_at)
    case = demo.add(
        Case,
        customer_id=flag.subject.customer_id,
        order_id=flag.subject.order_id,
        review_id=flag.subject.review_id,
        survey_response_id=flag.survey_response_id,
        kind="survey" if flag.survey_response_id else "feedback",
        product_id=flag.product_id,
        priority=flag.assessment.priority,
        reasons=list(flag.assessment.reasons),
        evidence=[[e.start, e.end, e.reason] for e in flag.assessment.evidence],
        first_response_due_at=first_due,
        resolution_due_at=resolution_due,
        created_at=created_at,
    )
    event(demo, case, "created", created_at, data={"priority": case.priority, "reasons": case.reasons})
    return case


def event(
    demo: Demo,
    case: Case,
    kind: str,
    at: datetime,
    *,
    actor: int | None = None,
    body: str = "",
    data: dict[str, object] | None = None,
) -> CaseEvent:
    return demo.add(
        CaseEvent, case_id=case.pk, actor_id=actor, kind=kind, body=body, data=data or {}, created_at=at
    )


def resolution_for(demo: Demo, reasons: tuple[str, ...]) -> str:
    for reason, likely in RESOLUTIONS.items():
        if reason in reasons:
            return demo.weighted({k: float(v) for k, v in likely.items()})
    code = demo.weighted({k: float(v) for k, v in FALLBACK_RESOLUTIONS.items()})
    return Resolution(code).value
