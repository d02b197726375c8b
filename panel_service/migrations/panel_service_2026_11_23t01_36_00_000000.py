"""Minutes: one information-shared entry per agency and listing, version numbers unique per
meeting, and approved versions locked (a trigger refuses UPDATE and DELETE, as for the
audit trail). Raw SQL, so it follows the migration that creates the tables."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T01:36:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "minutes: unique entries and versions; approved versions are locked"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS information_shared_listing_agency"
    " ON information_shared (listing, agency)",
    "CREATE UNIQUE INDEX IF NOT EXISTS minutes_version_meeting_number"
    " ON minutes_version (meeting, number)",
]

SQLITE_LOCK = [
    "CREATE TRIGGER IF NOT EXISTS minutes_version_no_update BEFORE UPDATE ON minutes_version"
    " BEGIN SELECT RAISE(ABORT, 'approved minutes are locked'); END",
    "CREATE TRIGGER IF NOT EXISTS minutes_version_no_delete BEFORE DELETE ON minutes_version"
    " BEGIN SELECT RAISE(ABORT, 'approved minutes are locked'); END",
]

POSTGRES_LOCK = [
    "CREATE OR REPLACE FUNCTION minutes_version_locked() RETURNS trigger LANGUAGE plpgsql"
    " AS $$ BEGIN RAISE EXCEPTION 'approved minutes are locked'; END $$",
    "DROP TRIGGER IF EXISTS minutes_version_locked ON minutes_version",
    "CREATE TRIGGER minutes_version_locked BEFORE UPDATE OR DELETE ON minutes_version"
    " FOR EACH ROW EXECUTE FUNCTION minutes_version_locked()",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="panel_service", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        lock = POSTGRES_LOCK if engine.engine_type == "postgres" else SQLITE_LOCK
        for statement in [*STATEMENTS, *lock]:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
