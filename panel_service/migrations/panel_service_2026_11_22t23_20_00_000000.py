"""Indexes for the agenda's open actions and the overdue-by-agency report at a large
force's scale (100,000 cases, 1,000,000 actions): both then read a few thousand index
entries instead of every open action's row."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-22T23:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes for open actions by agency and by perpetrator subject"

STATEMENTS = [
    # Covering and partial: the report reads only this index (status is a literal there).
    "CREATE INDEX IF NOT EXISTS action_open_by_agency"
    " ON action (agency, due_date, listing) WHERE status = 'open'",
    # Partial: most actions belong to MARAC cases and have no subject; without the
    # condition, SQLite's statistics see one subject (NULL) on every row and scan instead.
    "CREATE INDEX IF NOT EXISTS action_subject_status"
    " ON action (subject, status) WHERE subject IS NOT NULL",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="panel_service", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)
        await engine.run_ddl("ANALYZE action")

    manager.add_raw(run)
    return manager
