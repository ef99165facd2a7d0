"""Writes the planned demo rows in one transaction, parents before children."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from hub.advocacy.models import Referral, ReferralCode
from hub.catalog.models import Customer, Order, OrderLine, Product, ProductGroup, Refund
from hub.demo.context import Demo
from hub.invites.models import Invitation
from hub.reviews.models import HelpfulVote, ProductRating, Reply, Review
from hub.staff.models import StaffUser
from hub.surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from hub.triage.models import CannedResponse, Case, CaseEvent

WRITE_ORDER: tuple[type[Model], ...] = (
    StaffUser, ProductGroup, Product, Customer, Order, OrderLine, Refund, ReferralCode, Referral,
    Invitation, Review, HelpfulVote, Reply, ProductRating, Survey, SurveyQuestion,
    SurveyResponse, SurveyAnswer, Case, CaseEvent, CannedResponse,
)  # fmt: skip
BATCH_SIZE = 1000


async def next_ids() -> dict[type[Model], int]:
    """The first free id of every table the demo writes to."""
    found = {}
    for model in WRITE_ORDER:
        last = await model.all().order_by("-id").first()
        found[model] = last.pk + 1 if last else 1
    return found


async def write(demo: Demo) -> None:
    unknown = set(demo.rows) - set(WRITE_ORDER)
    if unknown:
        raise RuntimeError(f"no write order for {sorted(m.__name__ for m in unknown)}")
    async with in_transaction() as connection:
        for model in WRITE_ORDER:
            rows = demo.rows.get(model)
            if rows:
                await model.bulk_create(rows, batch_size=BATCH_SIZE, using_db=connection)
        if connection.capabilities.dialect == "postgres":
            await _move_sequences(connection, demo.next_ids)


async def _move_sequences(connection: BaseDBAsyncClient, next_ids: dict[type[Model], int]) -> None:
    """Rows were written with their ids, so PostgreSQL's sequences must catch up."""
    for model, next_id in next_ids.items():
        await connection.execute_query(
            "SELECT setval(pg_get_serial_sequence($1, 'id'), $2, false)",
            [f'"{model._meta.db_table}"', next_id],
        )
