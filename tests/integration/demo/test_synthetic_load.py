"""The synthetic load: a consistent database that the app goes on serving."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from piccolo.columns import ForeignKey

from panel_service.accounts.tables import AgencyRepresentative
from panel_service.actions.tables import Action
from panel_service.cases.tables import (
    Case,
    Child,
    DashAssessment,
    ReferralCriterion,
    VictimContact,
)
from panel_service.db import fetch
from panel_service.demo.synthetic import load_synthetic_data, synthetic_rows
from panel_service.demo.synthetic.plan import Context
from panel_service.errors import Conflict
from panel_service.meetings.tables import Attendance, Listing, Meeting, VictimVoice
from panel_service.panels.tables import PanelAgency
from panel_service.piccolo_app import TABLES
from tests.support.accounts import act_as, make_agency
from tests.support.calls import ok, on_app_loop

CASES, ACTIONS = 300, 3000

# Piccolo's foreign keys are nullable unless told otherwise, so the database does not
# insist on these: each row is meaningless without them.
REQUIRED: list[ForeignKey[Any]] = [
    AgencyRepresentative.agency,
    AgencyRepresentative.user,
    PanelAgency.panel,
    PanelAgency.agency,
    Meeting.panel,
    Attendance.meeting,
    VictimContact.person,
    Case.panel,
    Case.victim,
    Case.perpetrator,
    Case.referring_agency,
    ReferralCriterion.case,
    DashAssessment.case,
    Child.case,
    Listing.meeting,
    Listing.case,
    VictimVoice.listing,
    Action.listing,
    Action.case,
    Action.agency,
]


def _count(client: Any, sql: str, *args: Any) -> int:
    return int(on_app_loop(client, fetch, f"SELECT COUNT(*) AS n FROM {sql}", *args)[0]["n"])


def test_a_synthetic_load_is_consistent_and_the_app_still_serves_it(client: Any) -> None:
    summary = on_app_loop(client, load_synthetic_data, CASES, ACTIONS, 7)
    assert "marac_case 300," in summary and "action 3,000" in summary

    assert _count(client, "marac_case WHERE reference LIKE {}", "SYN-%") == CASES
    assert _count(client, "action") == ACTIONS
    assert (
        _count(
            client, 'marac_case c WHERE NOT EXISTS (SELECT 1 FROM listing l WHERE l."case" = c.id)'
        )
        == 0
    )

    for table in TABLES:
        for column in table._meta.foreign_key_columns:
            parent = column._foreign_key_meta.resolved_references._meta.tablename
            name, child = column._meta.db_column_name, table._meta.tablename
            orphans = _count(
                client,
                f'"{child}" t LEFT JOIN "{parent}" p ON p.id = t."{name}"'
                f' WHERE t."{name}" IS NOT NULL AND p.id IS NULL',
            )
            assert orphans == 0, f"{child}.{name}"
    for column in REQUIRED:
        table_name = column._meta.table._meta.tablename
        unset = _count(client, f'"{table_name}" WHERE "{column._meta.db_column_name}" IS NULL')
        assert unset == 0, f"{table_name}.{column._meta.db_column_name}"

    for table in TABLES:
        for enum_column in table._meta.columns:
            if enum_column._meta.choices is None:
                continue
            name, table_name = enum_column._meta.db_column_name, table._meta.tablename
            sql = f'SELECT DISTINCT "{name}" AS value FROM "{table_name}"'
            values = {row["value"] for row in on_app_loop(client, fetch, sql)}
            allowed = {choice.value for choice in enum_column._meta.choices} | {None}
            assert values <= allowed, f"{table_name}.{name}"

    today = date.today()
    assert _count(client, "action WHERE status = 'open' AND due_date < {}", today) > 0
    assert _count(client, "action WHERE (status = 'open') = (closed_on IS NOT NULL)") == 0
    unvoiced = _count(
        client,
        "listing l LEFT JOIN victim_voice v ON v.listing = l.id"
        " WHERE l.outcome = 'heard' AND l.kind IN ('new', 'repeat') AND v.id IS NULL",
    )
    assert unvoiced == 0

    agencies = ok(client.get("/api/agencies", params={"limit": 100}))
    assert "Wyvernshire Police" in [a["name"] for a in agencies["items"]]
    # The next id the app hands out must not collide with a loaded one.
    make_agency(client, name="Agency after the load")
    busiest = on_app_loop(
        client,
        fetch,
        "SELECT l.meeting, m.panel FROM listing l JOIN meeting m ON m.id = l.meeting"
        " WHERE l.outcome = 'heard' GROUP BY l.meeting, m.panel"
        " ORDER BY COUNT(*) DESC, l.meeting LIMIT 1",
    )[0]
    # Coordinators see only the panels they run: the acting one runs none of them, while
    # the loaded coordinator and chairs of the busiest meeting's panel see its agenda.
    ok(client.get(f"/api/meetings/{busiest['meeting']}/agenda"), 404)
    runners = on_app_loop(
        client, fetch, 'SELECT "user" FROM panel_staff WHERE panel = {}', busiest["panel"]
    )
    assert len(runners) == 3
    for runner in runners:
        act_as(client, runner["user"])
        agenda = ok(client.get(f"/api/meetings/{busiest['meeting']}/agenda"))
        assert agenda["items"] and agenda["attendance"]


def test_a_second_synthetic_load_is_refused(client: Any) -> None:
    on_app_loop(client, load_synthetic_data, 20, 100, 1)
    with pytest.raises(Conflict):
        on_app_loop(client, load_synthetic_data, 20, 100, 1)


def test_the_same_seed_makes_the_same_data_and_another_seed_other_data() -> None:
    def generate(seed: int) -> list[list[tuple[Any, ...]]]:
        ctx = Context(seed, date(2026, 11, 22), {table: 1 for table in TABLES})
        return [list(rows.rows) for rows in synthetic_rows(ctx, CASES, ACTIONS)]

    assert generate(7) == generate(7)
    assert generate(7) != generate(8)
