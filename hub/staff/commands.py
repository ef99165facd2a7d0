"""CLI commands of the staff domain: ``staff …`` and ``apikey …``. Audited as "system"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import click

from hub.config import Settings
from hub.console import run_with_db, settings_or_exit
from hub.staff.accounts import AccountError
from hub.staff.models import Role

T = TypeVar("T")
ROLE_CHOICE = click.Choice([role.value for role in Role])


def _run(work: Callable[[Settings], Awaitable[T]]) -> T:

    settings = settings_or_exit()
    try:
        return run_with_db(settings, work)
    except AccountError as error:
        raise click.ClickException(f"{error.field}: {error.reason}") from None


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


@click.group()
def staff() -> None:
    """Manage staff accounts: invite, roles, deactivation, passwords, sessions."""


@staff.command("invite")
@click.argument("email")
@click.option(
    "--role", "roles", required=True, multiple=True, type=ROLE_CHOICE, help="Repeat for several roles."
)
@click.option("--name", default="")
@click.option("--print-link", is_flag=True, help="Also print the link (it is mailed in any case).")
def staff_invite(email: str, roles: tuple[str, ...], name: str, print_link: bool) -> None:
    """Invite EMAIL: mail a link to choose a password (valid three days, once)."""
    from hub.staff.onboarding import invite_staff

    user, url = _run(lambda settings: invite_staff(settings, None, email, list(roles), name))
    click.echo(f"Invited {user.email} ({user.roles}); the invitation is in the outbox.")
    if print_link:
        click.echo(url)


@staff.command("list")
def staff_list() -> None:
    """List staff accounts with their roles, status, two-factor and open sessions."""
    from hub.staff.manage import staff_rows

    for row in _run(lambda _settings: staff_rows()):
        user = row.user
        click.echo(
            f"{user.id}\t{user.email}\t{user.roles}\t{user.status}\t"
            f"2fa={'on' if user.has_two_factor else 'off'}\tsessions={row.sessions}\t"
            f"last login {_when(user.last_login_at)}"
        )


def _act(email: str, action: str, roles: list[str] | None = None) -> str:
    from hub.staff.accounts import staff_by_email
    from hub.staff.manage import run_action

    async def work(settings: Settings) -> str:
        user = await staff_by_email(email)
        outcome = await run_action(settings, None, user, action, roles)
        return outcome.message

    return _run(work)


@staff.command("role")
@click.argument("email")
@click.option(
    "--role",
    "roles",
    required=True,
    multiple=True,
    type=ROLE_CHOICE,
    help="The roles EMAIL should hold from now on; repeat for several.",
)
def staff_role(email: str, roles: tuple[str, ...]) -> None:
    """Set the roles of EMAIL."""
    click.echo(_act(email, "roles", list(roles)))


@staff.command("deactivate")
@click.argument("email")
def staff_deactivate(email: str) -> None:
    """Stop EMAIL signing in and end their sessions."""
    click.echo(_act(email, "deactivate"))


@staff.command("reactivate")
@click.argument("email")
def staff_reactivate(email: str) -> None:
    """Let a deactivated EMAIL sign in again."""
    click.echo(_act(email, "reactivate"))


@staff.command("reset-password")
@click.argument("email")
def staff_reset_password(email: str) -> None:
    """Clear the password of EMAIL, end their sessions, mail a link to choose a new one."""
    click.echo(_act(email, "reset-password"))


@staff.command("sessions")
@click.argument("email")
def staff_sessions(email: str) -> None:
    """List the open sessions of EMAIL."""
    from hub.staff.accounts import staff_by_email
    from hub.staff.sessions import open_sessions

    async def work(_settings: Settings) -> list[str]:
        sessions = await open_sessions(await staff_by_email(email))
        return [
            f"{s.id}\tsince {_when(s.created_at)}\tseen {_when(s.last_seen_at)}\t{s.ip}\t{s.user_agent}"
            for s in sessions
        ]

    lines = _run(work)
    click.echo("\n".join(lines) if lines else "No open sessions.")


@staff.command("end-session")
@click.argument("email")
@click.argument("session_id", required=False, type=int)
@click.option("--all", "every", is_flag=True, help="End every session of EMAIL.")
def staff_end_session(email: str, session_id: int | None, every: bool) -> None:
    """End session SESSION_ID of EMAIL (see `staff sessions`), or --all of them."""
    from hub.staff.accounts import staff_by_email
    from hub.staff.manage import end_one_session

    if every == (session_id is not None):
        raise click.UsageError("Give a SESSION_ID or --all.")
    if every:
        click.echo(_act(email, "end-sessions"))
        return

    async def work(_settings: Settings) -> None:
        await end_one_session(None, await staff_by_email(email), session_id or 0)

    _run(work)
    click.echo(f"Session {session_id} ended.")


@click.group()
def apikey() -> None:
    """Manage API keys."""


@apikey.command("create")
@click.option("--name", required=True, help="What the key is for, e.g. 'Shopify bridge'.")
@click.option("--scope", "scopes", required=True, multiple=True, help="Repeat for several scopes.")
def apikey_create(name: str, scopes: tuple[str, ...]) -> None:
    """Create an API key and print it once."""
    from hub.staff.apikeys import create_api_key

    _key, raw = _run(lambda _settings: create_api_key(name, list(scopes)))
    click.echo("Store this key now; it will not be shown again:")
    click.echo(raw)


@apikey.command("list")
def apikey_list() -> None:
    """List API keys: prefix, name, scopes, created, last used, revoked."""
    from hub.staff.apikeys import list_api_keys

    for key in _run(lambda _settings: list_api_keys()):
        state = f"revoked {_when(key.revoked_at)}" if key.revoked_at else "live"
        click.echo(
            f"{key.prefix}\t{key.name}\t{','.join(key.scopes)}\tcreated {_when(key.created_at)}\t"
            f"last used {_when(key.last_used_at)}\t{state}"
        )


@apikey.command("revoke")
@click.argument("prefix")
def apikey_revoke(prefix: str) -> None:
    """Revoke the key whose prefix (the part after fh_, see `apikey list`) is PREFIX."""
    from hub.staff.apikeys import api_key_by_prefix, revoke_api_key

    async def work(_settings: Settings) -> bool:
        return await revoke_api_key(None, await api_key_by_prefix(prefix))

    click.echo(f"Revoked {prefix}." if _run(work) else f"{prefix} was already revoked.")


commands: list[click.Command] = [staff, apikey]
