"""feedback-hub surveys rebuild-results: file every stored survey response into the results again."""

from __future__ import annotations

import time

import click

from hub.config import Settings
from hub.console import run_with_db, settings_or_exit
from hub.intake.survey_answers import recovery_agents
from hub.surveys.rollup import rebuild


@click.group()
def surveys() -> None:
    """Survey results."""


@surveys.command("rebuild-results")
@click.option("--survey", "survey_id", type=int, default=None, help="Only this survey (its id).")
def rebuild_results(survey_id: int | None) -> None:
    """Recount the results of every survey (or one) from the stored answers.

    Run it once after upgrading to a version that keeps survey results (migration 0027), and
    whenever the figures should follow segment values that changed since (a customer's stage).
    """
    settings = settings_or_exit()
    started = time.perf_counter()

    async def work(_: Settings) -> int:
        return await rebuild(survey_id, agents=recovery_agents)

    filed = run_with_db(settings, work)
    click.echo(f"Filed {filed} responses in {time.perf_counter() - started:.1f} s.")


commands: list[click.Command] = [surveys]
