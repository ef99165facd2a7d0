"""How the team worked each demo case: assigned, answered, resolved, followed up, recovered.

Old cases are resolved, and closed when the customer answered the follow-up survey; the
last days' cases are still open or waiting on the customer, and a few are past their due time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hub.demo.cases import Flag, event, open_case, resolution_for
from hub.demo.context import Demo
from hub.demo.staff import Team
from hub.demo.staff_texts import CASE_NOTES, CASE_REPLIES
from hub.demo.survey_texts import RECOVERY_COMMENTS
from hub.demo.surveys import Questionnaire, answer_recovery
from hub.staff.models import StaffUser
from hub.triage.models import Case, CaseStatus

SETTLED_CHANCE_BY_AGE = (
    (timedelta(days=4), 0.1),
    (timedelta(days=14), 0.55),
    (timedelta(days=30), 0.9),
)
ASSIGNED_WHILE_OPEN = 0.6
AUTOMATIC_ASSIGNMENT = 0.6
NOTE_CHANCE = 0.35
RECOVERY_ANSWER_CHANCE = 0.3  # a resolved case closes when the customer answers
RECOVERY_CSAT_WEIGHT = (8, 10, 17, 30, 35)


def build_cases(demo: Demo, flags: list[Flag], team: Team, recovery: Questionnaire) -> list[Case]:
    cases = []
    for flag in flags:
        case = open_case(demo, flag)
        _work(demo, case, flag, team, recovery)
        cases.append(case)
    return cases


def _work(demo: Demo, case: Case, flag: Flag, team: Team, recovery: Questionnaire) -> None:
    settles = demo.chance(_settled_chance(demo.now - case.created_at))
    if not (settles or demo.chance(ASSIGNED_WHILE_OPEN)):
        return
    agent = demo.rng.choice(team.agents)
    assigned_at = case.created_at + _first_due(case) * demo.rng.uniform(0.05, 0.5)
    if assigned_at > demo.now:
        return
    _assign(demo, case, agent, assigned_at, team)
    code = resolution_for(demo, flag.assessment.reasons)
    replied_at = _reply(demo, case, flag, agent, code, assigned_at)
    if replied_at is not None and settles:
        _resolve(demo, case, flag, agent, code, replied_at, recovery)


def _assign(demo: Demo, case: Case, agent: StaffUser, at: datetime, team: Team) -> None:
    """Most cases are assigned by the round robin, some by hand."""
    case.assignee = agent
    data: dict[str, object] = {"assignee_id": agent.pk, "assignee": agent.display_name}
    if demo.chance(AUTOMATIC_ASSIGNMENT):
        event(demo, case, "assigned", at, data={**data, "automatic": True})
    else:
        by = demo.rng.choice((agent, team.admin))
        event(demo, case, "assigned", at, actor=by.pk, data=data)


def _settled_chance(age: timedelta) -> float:
    for younger_than, chance in SETTLED_CHANCE_BY_AGE:
        if age < younger_than:
            return chance
    return 1.0


def _first_due(case: Case) -> timedelta:
    return case.first_response_due_at - case.created_at


def _reply(
    demo: Demo, case: Case, flag: Flag, agent: StaffUser, code: str, assigned_at: datetime
) -> datetime | None:
    replied_at = max(
        assigned_at + demo.hours(0.05, 0.5), case.created_at + _first_due(case) * demo.rng.uniform(0.15, 1.3)
    )
    if replied_at > demo.now:
        return None
    if demo.chance(NOTE_CHANCE):
        event(
            demo,
            case,
            "note",
            assigned_at + (replied_at - assigned_at) / 2,
            actor=agent.pk,
            body=demo.rng.choice(CASE_NOTES),
        )
    body = CASE_REPLIES[code][0].format(first=flag.first_name, noun=flag.noun)
    event(demo, case, "reply", replied_at, actor=agent.pk, body=body, data={"to": "customer"})
    _move(demo, case, CaseStatus.PENDING, replied_at + timedelta(seconds=20), agent)
    case.first_response_at = replied_at
    return replied_at


def _move(
    demo: Demo, case: Case, status: CaseStatus, at: datetime, agent: StaffUser, note: str = "", **data: object
) -> None:
    changed = {"from": case.status, "to": status.value, **data}
    event(demo, case, "status", at, actor=agent.pk, body=note, data=changed)
    case.status = status.value


def _resolve(
    demo: Demo,
    case: Case,
    flag: Flag,
    agent: StaffUser,
    code: str,
    replied_at: datetime,
    recovery: Questionnaire,
) -> None:
    working_time = case.resolution_due_at - case.first_response_due_at
    resolved_at = replied_at + working_time * demo.rng.uniform(0.05, 1.15)
    if resolved_at > demo.now:
        return
    note = CASE_REPLIES[code][1]
    _move(demo, case, CaseStatus.RESOLVED, resolved_at, agent, note, resolution=code)
    case.resolved_at, case.resolution_code, case.resolution_note = resolved_at, code, note
    case.follow_up_due_at = resolved_at + demo.settings.follow_up_delay
    _follow_up(demo, case, flag, recovery)


def _follow_up(demo: Demo, case: Case, flag: Flag, recovery: Questionnaire) -> None:
    assert case.follow_up_due_at is not None
    sent_at = case.follow_up_due_at + timedelta(minutes=demo.rng.randrange(1, 30))
    if sent_at > demo.now:
        return
    case.follow_up_sent_at = sent_at
    event(demo, case, "follow_up", sent_at, data={"survey": True})
    answered_at = sent_at + demo.hours(2, 72)
    if answered_at <= demo.now and demo.chance(RECOVERY_ANSWER_CHANCE):
        _recover(demo, case, flag, recovery, answered_at)


def _recover(demo: Demo, case: Case, flag: Flag, recovery: Questionnaire, at: datetime) -> None:
    csat = demo.rng.choices(range(1, 6), weights=RECOVERY_CSAT_WEIGHT)[0]
    comment = demo.rng.choice(RECOVERY_COMMENTS[csat]) if demo.chance(0.6) else ""
    case.recovery_csat, case.recovery_comment, case.recovered_at = csat, comment, at
    case.status, case.closed_at = CaseStatus.CLOSED.value, at
    event(demo, case, "recovery", at, body=comment, data={"csat": csat})
    answer_recovery(demo, recovery, flag.subject, csat=csat, comment=comment, at=at)
