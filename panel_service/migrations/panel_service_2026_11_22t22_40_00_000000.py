"""Composite indexes, partial unique constraints and an append-only audit trail.

Piccolo columns cannot express these, so they are raw SQL, valid on SQLite and PostgreSQL
except the audit trigger, which each dialect writes its own way.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-22T22:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes, unique constraints, append-only audit"

STATEMENTS = [
    "CREATE INDEX IF NOT EXISTS action_agency_status_due ON action (agency, status, due_date)",
    "CREATE INDEX IF NOT EXISTS action_status_due ON action (status, due_date)",
    'CREATE INDEX IF NOT EXISTS action_case_status ON action ("case", status)',
    "CREATE INDEX IF NOT EXISTS case_pair_referral ON marac_case (victim, perpetrator, referral_date)",
    "CREATE INDEX IF NOT EXISTS case_perpetrator_referral ON marac_case (perpetrator, referral_date)",
    "CREATE INDEX IF NOT EXISTS audit_record ON audit_event (record_type, record_id)",
    "CREATE INDEX IF NOT EXISTS meeting_panel_starts ON meeting (panel, starts_at)",
    "CREATE UNIQUE INDEX IF NOT EXISTS attendance_meeting_agency"
    " ON attendance (meeting, agency) WHERE agency IS NOT NULL",
    "CREATE UNIQUE INDEX IF NOT EXISTS listing_meeting_case"
    ' ON listing (meeting, "case") WHERE "case" IS NOT NULL AND outcome <> \'withdrawn\'',
    "CREATE UNIQUE INDEX IF NOT EXISTS representative_agency_user"
    ' ON agency_representative (agency, "user")',
    "CREATE UNIQUE INDEX IF NOT EXISTS panel_agency_unique ON panel_agency (panel, agency)",
]

SQLITE_AUDIT = [
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event"
    " BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event"
    " BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
]

POSTGRES_AUDIT = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql"
    " AS $$ BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$",
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event"
    " FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="panel_service", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        audit = POSTGRES_AUDIT if engine.engine_type == "postgres" else SQLITE_AUDIT
        for statement in [*STATEMENTS, *audit]:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
