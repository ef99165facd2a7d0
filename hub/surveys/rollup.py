"""Survey results kept up to date as responses are stored: the `SurveyRollup` running totals.

`record_response` is the one way a stored response enters the figures: the code that
stores a response calls it inside the same transaction. `rebuild` files every stored
response again (`feedback-hub surveys rebuild-results`), through the same `tally`.

Each response is filed under every segment value it belongs to (`SEGMENTS`), as they are
when it is filed: the customer's stage, language and country (from the customer's locale,
`de-AT` is language `de`, country `AT`), each product of its order, and the agent a
recovery survey follows up on. Everyone is segment ''.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol

from tortoise import connections
from tortoise.transactions import in_transaction

from hub.catalog.models import Customer, OrderLine
from hub.sentiment.scoring import assess
from hub.sentiment.topics import topics
from hub.surveys.models import SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyRollup
from hub.surveys.surveys import SCALES

SEGMENTS = {
    "stage": "Customer stage",
    "product": "Product",
    "country": "Country",
    "language": "Language",
    "agent": "Agent (follow-ups)",
}
CHOICE_KINDS = frozenset({"choice", "multi"})  # answers are labels, not numbers
LIST_KINDS = frozenset({"multi"})  # several options in one answer
TEXT_KINDS = frozenset({"text"})
OTHER_TOPIC = "other"  # a written answer that names none of the topics
RESPONSES = 0  # the question id of the rows that count whole responses
BATCH = 2000
Key = tuple[int, int, str, str, str, str, str]  # survey, question, month, segment, value, answer, topic
Tally = dict[Key, list[int]]  # key -> [answers, total, squares]
AgentLookup = Callable[[list[SurveyResponse]], Awaitable[dict[int, int]]]
_COLUMNS = ("survey_id", "question_id", "month", "segment", "value", "answer", "topic")


def month_of(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).strftime("%Y-%m")


@lru_cache(maxsize=4096)
def read_text(text: str) -> tuple[str, tuple[str, ...]]:
    """A written answer's sentiment label and topics (the same text is read once)."""
    return assess(text).label, topics(text)


def answer_labels(question: SurveyQuestion, answer: SurveyAnswer) -> list[tuple[str, str, int]]:
    """What one answer adds: (answer label, topic, number) per row it counts in."""
    if question.kind in SCALES and answer.number is not None:
        return [(str(answer.number), "", answer.number)]
    if question.kind in CHOICE_KINDS:
        labels = [(label, "", 0) for label in chosen(answer)]
        # a list answer also counts once as a whole (label ''), so shares are of respondents
        return [("", "", 0), *labels] if question.kind in LIST_KINDS and labels else labels
    if question.kind in TEXT_KINDS and answer.text.strip():
        label, found = read_text(answer.text)
        return [(label, "", 0)] + [(label, topic, 0) for topic in found or (OTHER_TOPIC,)]
    return []


def chosen(answer: SurveyAnswer) -> list[str]:
    """The options of a choice answer; a multiple-choice answer keeps them as a JSON list."""
    listed = getattr(answer, "choices", None)
    if isinstance(listed, list):
        return [str(item) for item in listed if item]
    if answer.choice.startswith("["):
        try:
            return [str(item) for item in json.loads(answer.choice) if item]
        except ValueError:
            pass
    return [answer.choice] if answer.choice else []


def _locale_parts(locale: str, country: str = "") -> list[tuple[str, str]]:
    """The language of the locale, and the country: the customer's own (their last shipping
    country), else the locale's region (``de-AT``)."""
    language, _, region = locale.replace("_", "-").partition("-")
    parts = [("language", language.lower())] if language else []
    country = country or region.upper()[:8]
    return parts + ([("country", country)] if country else [])


class Filed(Protocol):
    """What filing needs of a response (a `SurveyResponse`, or its values)."""

    @property
    def id(self) -> int: ...
    @property
    def customer_id(self) -> int | None: ...
    @property
    def order_id(self) -> int | None: ...


async def segments_of(
    responses: Sequence[Filed], agents: Mapping[int, int]
) -> dict[int, list[tuple[str, str]]]:
    """Every response's segment values, ('', '') for everyone first."""
    customer_ids = {r.customer_id for r in responses if r.customer_id}
    customers = (
        {
            row["id"]: row
            for row in await Customer.filter(id__in=customer_ids).values("id", "stage", "locale", "country")
        }
        if customer_ids
        else {}
    )
    order_ids = {r.order_id for r in responses if r.order_id}
    products: dict[int, list[int]] = defaultdict(list)
    if order_ids:
        for line in await OrderLine.filter(order_id__in=order_ids).values("order_id", "product_id"):
            products[line["order_id"]].append(line["product_id"])
    found: dict[int, list[tuple[str, str]]] = {}
    for response in responses:
        segments = [("", "")]
        customer = customers.get(response.customer_id or 0)
        if customer:
            segments += [
                ("stage", customer["stage"]),
                *_locale_parts(customer["locale"] or "", customer["country"]),
            ]
        segments += [("product", str(p)) for p in sorted(products.get(response.order_id or 0, []))]
        if response.id in agents:
            segments.append(("agent", str(agents[response.id])))
        found[response.id] = segments
    return found


def tally(
    responses: Iterable[SurveyResponse],
    answers: Iterable[SurveyAnswer],
    questions: Mapping[int, SurveyQuestion],
    segments: Mapping[int, list[tuple[str, str]]],
    into: Tally | None = None,
) -> Tally:
    """The rollup rows these responses and their answers add, summed into ``into``."""
    counted: Tally = into if into is not None else defaultdict(lambda: [0, 0, 0])
    by_id = {response.id: response for response in responses}
    for response in by_id.values():
        _add(counted, response, RESPONSES, [("", "", 0)], segments[response.id])
    # A multiple-choice answer is stored as one row per option chosen; the respondent counts once.
    answered_as_whole: set[tuple[int, int]] = set()
    for answer in answers:
        question = questions.get(answer.question_id)
        owner = by_id.get(answer.response_id)
        if question is None or owner is None:
            continue
        labels = answer_labels(question, answer)
        if question.kind in LIST_KINDS:
            if (owner.id, question.id) in answered_as_whole:
                labels = [label for label in labels if label[0]]
            answered_as_whole.add((owner.id, question.id))
        _add(counted, owner, question.id, labels, segments[owner.id])
    return counted


def _add(
    counted: Tally,
    response: SurveyResponse,
    question_id: int,
    labels: list[tuple[str, str, int]],
    segments: list[tuple[str, str]],
) -> None:
    month = month_of(response.submitted_at)
    for segment, value in segments:
        for answer, topic, number in labels:
            sums = counted[(response.survey_id, question_id, month, segment, value[:64], answer[:120], topic)]
            sums[0] += 1
            sums[1] += number
            sums[2] += number * number


def _upsert_sql(postgres: bool) -> str:
    marks = ", ".join(f"${i}" if postgres else "?" for i in range(1, len(_COLUMNS) + 4))
    keys = ", ".join(_COLUMNS)
    sums = ", ".join(f"{c} = survey_rollup.{c} + excluded.{c}" for c in ("answers", "total", "squares"))
    return (
        f"INSERT INTO survey_rollup ({keys}, answers, total, squares) VALUES ({marks}) "  # noqa: S608
        f"ON CONFLICT ({keys}) DO UPDATE SET {sums}"
    )


async def add_to_rollup(counted: Tally) -> None:
    """Add the tallied rows to the stored totals (in key order, so writers never deadlock)."""
    if not counted:
        return
    connection = connections.get("default")
    sql = _upsert_sql(connection.capabilities.dialect == "postgres")
    await connection.execute_many(sql, [[*key, *counted[key]] for key in sorted(counted)])


async def _questions(survey_id: int) -> dict[int, SurveyQuestion]:
    return {q.id: q for q in await SurveyQuestion.filter(survey_id=survey_id)}


async def record_response(response: SurveyResponse, agent_id: int | None = None) -> None:
    """File a stored response and its answers into the rollup; call it in the storing transaction."""
    answers = await SurveyAnswer.filter(response_id=response.id)
    agents = {response.id: agent_id} if agent_id else {}
    segments = await segments_of([response], agents)
    await add_to_rollup(tally([response], answers, await _questions(response.survey_id), segments))


async def _no_agents(responses: list[SurveyResponse]) -> dict[int, int]:
    return {}


async def rebuild(survey_id: int | None = None, agents: AgentLookup = _no_agents) -> int:
    """File every stored response (of one survey, or all) again; returns how many were filed."""
    scope = SurveyResponse.filter(survey_id=survey_id) if survey_id else SurveyResponse.all()
    counted: Tally = defaultdict(lambda: [0, 0, 0])
    filed, last_id = 0, 0
    questions = {
        q.id: q
        for q in await (SurveyQuestion.filter(survey_id=survey_id) if survey_id else SurveyQuestion.all())
    }
    while batch := list(await scope.filter(id__gt=last_id).order_by("id").limit(BATCH)):
        answers = await SurveyAnswer.filter(response_id__in=[r.id for r in batch])
        tally(batch, answers, questions, await segments_of(batch, await agents(batch)), counted)
        filed, last_id = filed + len(batch), batch[-1].id
    async with in_transaction():
        stale = SurveyRollup.filter(survey_id=survey_id) if survey_id else SurveyRollup.all()
        await stale.delete()
        await add_to_rollup(counted)
    return filed
