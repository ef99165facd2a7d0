"""The feedback-hub command: serve, worker, migrate, demo, createuser, staff, apikey, import, export."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sys
import time
from typing import TypeVar

import click

from hub import db
from hub.config import Settings, settings_doc
from hub.console import run_with_db, settings_or_exit
from hub.files import private_dir, write_private
from hub.logredact import install as install_log_redaction

T = TypeVar("T")
DEMO_ADMIN = "admin@example.com"


def _plain(markdown: str) -> str:
    """Table text for a terminal: no code quotes, and lists that may wrap after their commas."""
    return markdown.replace("`", "").replace(",", ", ").replace(",  ", ", ")


class HubGroup(click.Group):
    """The command group whose help ends with every setting, from the one table in hub.config."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (var, f"{_plain(meaning)} Default: {_plain(default)}.")
            for var, default, meaning in settings_doc()
        ]
        with formatter.section("Settings (environment variables)"):
            formatter.write_dl(rows)


@click.group(cls=HubGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Feedback Hub: reviews, surveys, triage and advocates for an online brand."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    install_log_redaction()  # the worker and the commands log tracebacks without customer text


@main.command()
def migrate() -> None:
    """Apply the database migrations."""
    settings = settings_or_exit()
    _migrate(settings)
    click.echo("Database is up to date.")


def _migrate(settings: Settings) -> None:
    private_dir(settings.data_dir)
    asyncio.run(db.migrate(settings.database_url))


def _demo_password(settings: Settings) -> str:
    path = settings.data_dir / "demo_login.txt"
    if path.exists():
        return path.read_text().strip()
    password = secrets.token_urlsafe(12)
    write_private(path, password.encode())
    return password


def _fill_demo(settings: Settings) -> bool:
    """Fill an empty database with the demo shop; False when it already holds data."""
    from hub.demo import build_demo, database_is_empty

    password = _demo_password(settings)

    async def work(settings: Settings) -> bool:
        if not await database_is_empty():
            return False
        started = time.perf_counter()
        summary = await build_demo(settings, admin_email=DEMO_ADMIN, admin_password=password)
        await _demo_history(settings)
        click.echo(f"Demo shop built in {time.perf_counter() - started:.1f} s: {summary}")
        return True

    return run_with_db(settings, work)


async def _demo_history(settings: Settings) -> None:
    """Stage history from the demo orders, so that the movement pages have something to show."""
    from datetime import UTC, datetime

    from hub.advocacy.backfill import backfill
    from hub.advocacy.stages import Thresholds

    await backfill(datetime.now(UTC).date(), Thresholds.from_settings(settings))


def _print_login(settings: Settings, base_url: str | None = None) -> None:
    password_file = settings.data_dir / "demo_login.txt"
    click.echo(f"\n  Admin: {base_url or settings.base_url}/login")
    if password_file.exists():
        click.echo(f"  Login: {DEMO_ADMIN}  password: {password_file.read_text().strip()}\n")


@main.command()
def demo() -> None:
    """Fill an empty database with a realistic demo shop and print a login."""
    settings = settings_or_exit()
    _migrate(settings)
    if not _fill_demo(settings):
        raise click.ClickException("The database already holds data; demo fills only an empty one.")
    _print_login(settings)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
@click.option(
    "--demo",
    "with_demo",
    is_flag=True,
    help="Migrate, fill demo data into an empty database, and run the worker too.",
)
def serve(host: str, port: int, reload: bool, with_demo: bool) -> None:
    """Run the web app with uvicorn."""
    import uvicorn

    settings = settings_or_exit()
    if with_demo:
        _migrate(settings)
        _fill_demo(settings)
        _print_login(settings, f"http://{host}:{port}")
        os.environ.setdefault("HUB_EMBEDDED_WORKER", "true")
    # Keep idle connections longer than a reverse proxy does (nginx: 60 s), so that the
    # server never closes one just as the proxy or a browser sends a request on it.
    uvicorn.run(
        "hub.app:create_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        proxy_headers=True,
        log_level="info",
        timeout_keep_alive=75,
    )


@main.command()
@click.option("--once", is_flag=True, help="Run one pass of every due job, print the counts, exit.")
def worker(once: bool) -> None:
    """Send queued mail and run every background job (stop with Ctrl-C or SIGTERM)."""
    from hub.worker import install_signal_handlers, run_forever, run_once

    settings = settings_or_exit()
    if once:
        for name, count in run_with_db(settings, run_once).items():
            click.echo(f"{name}: {count}")
        return

    async def forever(settings: Settings) -> None:
        stop = asyncio.Event()
        install_signal_handlers(stop)
        await run_forever(settings, stop)

    run_with_db(settings, forever)


@main.command()
@click.option("--email", required=True)
@click.option(
    "--role",
    "roles",
    required=True,
    multiple=True,
    type=click.Choice(["admin", "agent", "moderator"]),
    help="Repeat for several roles.",
)
@click.option("--name", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def createuser(email: str, roles: tuple[str, ...], name: str, password_stdin: bool) -> None:
    """Create a staff user (the password is prompted for)."""
    from hub.staff.accounts import AccountError, create_staff

    settings = settings_or_exit()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = run_with_db(settings, lambda _settings: create_staff(email, password, list(roles), name))
    except AccountError as error:
        raise click.ClickException(f"{error.field} {error.reason}") from None
    click.echo(f"Created {user.email} ({user.roles}).")


@click.group("import")
def import_group() -> None:
    """Import data from files: orders, or reviews from another review app."""


def _add_domain_commands() -> None:
    from hub.advocacy.commands import commands as advocacy_commands
    from hub.intake.commands import commands as survey_commands
    from hub.invites.commands import commands as invites_commands
    from hub.orders.commands import import_commands as order_imports
    from hub.privacy.commands import commands as privacy_commands
    from hub.reviews.commands import commands as reviews_commands
    from hub.staff.commands import commands as staff_commands
    from hub.transfer.commands import commands as transfer_commands
    from hub.transfer.commands import import_commands as review_imports

    for command in (*order_imports, *review_imports):
        import_group.add_command(command)
    main.add_command(import_group)
    for command in (
        *invites_commands,
        *reviews_commands,
        *advocacy_commands,
        *transfer_commands,
        *privacy_commands,
        *staff_commands,
        *survey_commands,
    ):
        main.add_command(command)


_add_domain_commands()
