"""Test harness: a fresh database for every test, on SQLite or PostgreSQL.

``PANEL_TEST_DATABASE=sqlite`` (default): each xdist worker migrates one template file,
and every test starts from a copy of it. ``PANEL_TEST_DATABASE=postgres``: each worker
creates its own database on the server named by ``PANEL_TEST_POSTGRES_URL``, migrates it,
truncates every table before each test and drops the database at the end. With
``PANEL_REQUIRE_POSTGRES=1`` an unreachable server fails the run instead of skipping it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

BACKEND = os.environ.get("PANEL_TEST_DATABASE", "sqlite")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
RUN_ID = uuid.uuid4().hex[:8]
WORK_DIR = Path(tempfile.gettempdir()) / f"panel-tests-{RUN_ID}-{WORKER}"
SQLITE_PATH = WORK_DIR / "panel.sqlite3"
SQLITE_TEMPLATE = WORK_DIR / "template.sqlite3"
POSTGRES_ADMIN_URL = os.environ.get(
    "PANEL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
POSTGRES_DB = f"panel_test_{RUN_ID}_{WORKER}"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


# Chosen before panel_service is imported: the engine is built once per process.
os.environ["PICCOLO_CONF"] = "panel_service.piccolo_conf"
# The messaging tests drive a dispatcher of their own against a real SMTP server; the app's
# in-process dispatcher would race them.
os.environ["PANEL_DISPATCHER"] = "0"
if BACKEND == "postgres":
    os.environ["DATABASE_URL"] = _with_database(POSTGRES_ADMIN_URL, POSTGRES_DB)
else:
    os.environ.pop("DATABASE_URL", None)
    os.environ["PANEL_SQLITE_PATH"] = str(SQLITE_PATH)


async def _admin_execute(*statements: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _postgres_problem() -> str | None:
    try:
        asyncio.run(_admin_execute("SELECT 1"))
    except Exception as exc:
        return f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable ({exc})"
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail fast (PANEL_REQUIRE_POSTGRES=1) or say once why database tests are skipped."""
    if BACKEND != "postgres":
        return
    problem = _postgres_problem()
    if problem is None:
        return
    if os.environ.get("PANEL_REQUIRE_POSTGRES") == "1":
        pytest.exit(f"{problem}; PANEL_REQUIRE_POSTGRES=1 makes that a failure", returncode=1)
    if not hasattr(session.config, "workerinput"):
        print(f"\n== {problem}: the database tests are skipped ==", file=sys.stderr)


def _migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = asyncio.run(run_forwards(app_name="panel_service"))
    assert result.success, result.message


def _table_names() -> list[str]:
    from panel_service.piccolo_app import TABLES

    return [table._meta.tablename for table in TABLES]


@pytest.fixture(scope="session")
def migrated_database() -> Iterator[None]:
    """Create and migrate this worker's database once."""
    if BACKEND == "postgres":
        try:
            asyncio.run(_admin_execute(f'CREATE DATABASE "{POSTGRES_DB}"'))
        except (OSError, Exception) as exc:
            message = f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable: {exc}"
            if os.environ.get("PANEL_REQUIRE_POSTGRES") == "1":
                pytest.exit(message, returncode=1)
            pytest.skip(message)
        _migrate()
        yield
        asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DB}" WITH (FORCE)'))
    else:
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        _migrate()
        shutil.copyfile(SQLITE_PATH, SQLITE_TEMPLATE)
        yield
        shutil.rmtree(WORK_DIR, ignore_errors=True)


async def _truncate_postgres() -> None:
    import asyncpg

    tables = ", ".join(f'"{name}"' for name in _table_names())
    connection = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await connection.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


@pytest.fixture
def fresh_database(migrated_database: None) -> None:
    """An empty, migrated database for this test."""
    if BACKEND == "postgres":
        asyncio.run(_truncate_postgres())
    else:
        for suffix in ("-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(SQLITE_TEMPLATE, SQLITE_PATH)


@pytest.fixture
def app_client(fresh_database: None) -> Iterator[Any]:
    """The real app on a fresh database, with no acting user."""
    from litestar.testing import TestClient

    from panel_service.app import create_app

    # https, as in production: the session cookie is __Host- and Secure.
    with TestClient(create_app(), base_url="https://testserver.local") as client:
        yield client


@pytest.fixture
def client(app_client: Any) -> Any:
    """The app, acting as a panel coordinator (most API tests act as one)."""
    from tests.support.accounts import act_as, make_user

    coordinator = make_user(app_client, role="coordinator", full_name="Coral Coordinator")
    act_as(app_client, coordinator["id"])
    return app_client


# Every test runs with the network guard: a test that reaches a real host fails.
from tests.support.network_guard import refuse_real_hosts  # noqa: E402,F401

# The real local SMTP servers and the Slack Web API fake, for every test that needs one.
from tests.support.slack_fake import slack_fake  # noqa: E402,F401
from tests.support.smtp_server import (  # noqa: E402,F401
    smtp_server,
    smtp_server_factory,
    smtp_starttls_server,
    tls_ca,
    tls_ca_file,
)
