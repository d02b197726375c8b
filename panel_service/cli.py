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

    async def wrapped() -> T:
        from panel_service.db import get_engine

        engine = get_engine()
        await engine.start_connection_pool()
        try:
            return await action()
        finally:
            await engine.close_connection_pool()

    return asyncio.run(wrapped())


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
def create_user(email: str, full_name: str, role: str, agency_id: int | None) -> None:
    """Add a user (the first administrator is made this way)."""
    from panel_service.accounts.actor import SYSTEM
    from panel_service.accounts.schemas import UserCreate
    from panel_service.accounts.services import create_user as create
    from panel_service.accounts.tables import Role
    from panel_service.errors import DomainError

    data = UserCreate(email=email, full_name=full_name, role=Role(role), agency_id=agency_id)
    try:
        user = _run(lambda: create(SYSTEM, data))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"created user {user.id} <{user.email}> ({user.role.value})")


@main.command("load-synthetic")
@click.option("--cases", default=100_000, show_default=True)
@click.option("--actions", default=1_000_000, show_default=True)
@click.option("--seed", default=7, show_default=True)
def load_synthetic(cases: int, actions: int, seed: int) -> None:
    """Load a large synthetic data set (a big police force over ten years)."""
    from panel_service.demo.synthetic import load_synthetic_data
    from panel_service.errors import DomainError

    try:
        summary = _run(lambda: load_synthetic_data(cases=cases, actions=actions, seed=seed))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(summary)


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
