from __future__ import annotations

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from hub.db import tortoise_config
from hub.staff.models import StaffUser


async def test_the_migrations_match_the_models(db: str) -> None:
    config = tortoise_config(db)
    detector = MigrationAutodetector(Tortoise.apps, config["apps"])  # type: ignore[arg-type]
    pending = [operation for writer in await detector.changes() for operation in writer.operations]
    assert pending == [], "models changed without a migration: run `tortoise makemigrations -n …`"


async def test_a_migrated_database_has_every_models_table_and_columns(db: str) -> None:
    await StaffUser.create(email="x@example.com", password_hash="x")
    for model in Tortoise.apps["hub"].values():  # type: ignore[index]
        await model.all().limit(1).values()  # names every column: a missing table or column raises
    assert await StaffUser.all().values_list("email", flat=True) == ["x@example.com"]
