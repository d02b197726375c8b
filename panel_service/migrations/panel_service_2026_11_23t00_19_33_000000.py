"""A person is on a panel's staff once (Piccolo runs raw SQL before creating tables, so
this follows the migration that creates panel_staff)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T00:19:33:000000"
VERSION = "1.38.0"
DESCRIPTION = "panel staff are unique per panel"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="panel_service", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl(
            'CREATE UNIQUE INDEX IF NOT EXISTS panel_staff_unique ON panel_staff (panel, "user")'
        )

    manager.add_raw(run)
    return manager
