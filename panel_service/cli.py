"""The ``panel-service`` command: serve, migrate, demo data, users, synthetic load."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from panel_service.settings import get_settings

T = TypeVar("T")


def _roles() -> list[Any]:
    from panel_service.accounts.tables import Role

    return list(Role)


def _run(action: Callable[[], Awaitable[T]]) -> T:
    """Run an async verb with the engine's pool open for its duration."""
    from panel_service.db import with_pool

    return asyncio.run(with_pool(action))


def _run_refusing(action: Callable[[], Awaitable[T]]) -> T:
    """``_run``, turning a refusal into a one-line error instead of a traceback."""
    from panel_service.errors import DomainError

    try:
        return _run(action)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc


@click.group()
def main() -> None:
    """Panel Service: MARACs and domestic-abuse perpetrator panels."""


@main.command()
def migrate() -> None:
    """Create or migrate the database (SQLite or PostgreSQL, from DATABASE_URL)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = asyncio.run(run_forwards(app_name="panel_service"))
    if not result.success:
        raise click.ClickException(result.message or "migration failed")
    click.echo("database is up to date")


@main.command("load-demo")
def load_demo() -> None:
    """Load the fictional demo data (idempotent: a second run changes nothing)."""
    from panel_service.demo.loader import load_demo_data

    summary = _run(load_demo_data)
    click.echo(summary)


@main.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in _roles()]))
@click.option("--agency-id", type=int, default=None)
@click.password_option(help="asked for if not given; at least 12 characters")
def create_user(
    email: str, full_name: str, role: str, agency_id: int | None, password: str
) -> None:
    """Add a user with a password (the first administrator is made this way). They set up
    two-factor sign-in at their first sign-in."""
    from panel_service.accounts.actor import SYSTEM
    from panel_service.accounts.credentials import check_new_password
    from panel_service.accounts.schemas import UserCreate
    from panel_service.accounts.services import create_user as create
    from panel_service.accounts.sign_in import set_password
    from panel_service.accounts.tables import Role

    data = UserCreate(email=email, full_name=full_name, role=Role(role), agency_id=agency_id)

    async def create_with_password() -> Any:
        # The password is checked first, so a refused one creates nothing; set_password then
        # hashes outside any write transaction (Argon2 must not hold SQLite's one writer).
        check_new_password(password, email)
        user = await create(SYSTEM, data)
        await set_password(SYSTEM, user.id, password)
        return user

    user = _run_refusing(create_with_password)
    click.echo(f"created user {user.id} <{user.email}> ({user.role.value})")


@main.command("set-password")
@click.option("--email", required=True)
@click.password_option(help="asked for if not given; at least 12 characters")
def set_password_command(email: str, password: str) -> None:
    """Set a user's password (ends all their sessions)."""
    from panel_service.accounts.actor import SYSTEM
    from panel_service.accounts.sign_in import set_password
    from panel_service.accounts.tables import User
    from panel_service.errors import NotFound

    async def set_it() -> None:
        row = await User.select(User.id).where(User.email == email.strip().lower()).first()
        if row is None:
            raise NotFound(f"no user with email {email}")
        await set_password(SYSTEM, row["id"], password)

    _run_refusing(set_it)
    click.echo(f"password set for {email}")


@main.command("load-synthetic")
@click.option("--cases", default=100_000, show_default=True)
@click.option("--actions", default=1_000_000, show_default=True)
@click.option("--seed", default=7, show_default=True)
def load_synthetic(cases: int, actions: int, seed: int) -> None:
    """Load a large synthetic data set (a big police force over ten years)."""
    from panel_service.demo.synthetic import load_synthetic_data

    click.echo(_run_refusing(lambda: load_synthetic_data(cases=cases, actions=actions, seed=seed)))


@main.command()
def worker() -> None:
    """Send the outbox and queue the reminders until stopped (SIGINT/SIGTERM). Run the
    servers with PANEL_DISPATCHER=0 when workers send instead."""
    import signal

    from panel_service.messaging.runtime import run_dispatcher, smtp_config

    settings = get_settings().messaging
    try:
        smtp_config(settings)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc

    async def work() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        await run_dispatcher(settings, stop)

    _run(work)


@main.command()
@click.option("--host", default=None, help="default: PANEL_HOST or 127.0.0.1")
@click.option("--port", default=None, type=int, help="default: PANEL_PORT or 8000")
def serve(host: str | None, port: int | None) -> None:
    """Serve the API."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "panel_service.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
    )
