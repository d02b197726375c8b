"""One RFG-V score per subject and stage (entry, exit)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T02:15:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one RFG-V score per subject and stage"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="panel_service", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS rfgv_subject_stage"
            " ON rfgv_assessment (subject, stage)"
        )

    manager.add_raw(run)
    return manager
