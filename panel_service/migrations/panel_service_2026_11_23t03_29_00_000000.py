"""The dispatcher's claim reads a partial index of messages still to send; the reminder
sweep reads open actions by due date; an address is an invitee of a meeting once."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T03:29:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "outbox claim index, open actions by due date, one invitee per address"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="panel_service", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS outbox_message_due ON outbox_message"
            " (next_attempt_at) WHERE status IN ('queued', 'sending')"
        )
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS action_open_due ON action (due_date) WHERE status = 'open'"
        )
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS meeting_invitee_once"
            " ON meeting_invitee (meeting, email)"
        )

    manager.add_raw(run)
    return manager
