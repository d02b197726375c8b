"""Each action's panel, filled in from the meeting that agreed it, and the index the
coordinators' view of actions reads: open actions by panel and agency."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T01:22:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "fill in each action's panel; open actions by panel"

STATEMENTS = [
    "UPDATE action SET panel = (SELECT m.panel FROM listing l JOIN meeting m ON m.id = l.meeting"
    " WHERE l.id = action.listing) WHERE panel IS NULL",
    "CREATE INDEX IF NOT EXISTS action_open_by_panel"
    " ON action (panel, agency, due_date) WHERE status = 'open'",
    "CREATE INDEX IF NOT EXISTS action_panel ON action (panel)",
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
