"""The schema keeps safeguarding records whole: no cascading deletes, no orphans."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import audit_events, become
from tests.support.calls import ok, on_app_loop

# Foreign keys a record cannot exist without.
REQUIRED = {
    ("agency_representative", "agency"),
    ("agency_representative", "user"),
    ("panel_agency", "panel"),
    ("panel_agency", "agency"),
    ("victim_contact", "person"),
    ("marac_case", "panel"),
    ("marac_case", "victim"),
    ("marac_case", "perpetrator"),
    ("marac_case", "referring_agency"),
    ("referral_criterion", "case"),
    ("dash_assessment", "case"),
    ("child", "case"),
    ("perpetrator_subject", "panel"),
    ("perpetrator_subject", "person"),
    ("perpetrator_subject", "referring_agency"),
    ("subject_victim", "subject"),
    ("subject_victim", "victim"),
    ("meeting", "panel"),
    ("listing", "meeting"),
    ("attendance", "meeting"),
    ("victim_voice", "listing"),
    ("action", "listing"),
    ("action", "agency"),
    ("action_status_change", "action"),
    # Who may see what is decided from these (panel_service.access).
    ("panel_staff", "panel"),
    ("panel_staff", "user"),
    ("api_token", "agency"),
}


def test_no_foreign_key_deletes_or_nulls_a_child_row() -> None:
    from piccolo.columns import ForeignKey
    from piccolo.columns.base import OnDelete

    from panel_service.piccolo_app import TABLES

    cascading = [
        f"{table._meta.tablename}.{column._meta.name}"
        for table in TABLES
        for column in table._meta.foreign_key_columns
        if isinstance(column, ForeignKey)
        and column._foreign_key_meta.on_delete != OnDelete.restrict
    ]
    assert cascading == []


def test_required_foreign_keys_are_not_null_in_the_database(app_client: Any) -> None:
    from panel_service.db import fetch, get_engine

    async def nullable_columns() -> set[tuple[str, str]]:
        if get_engine().engine_type == "postgres":
            rows = await fetch(
                "SELECT table_name AS t, column_name AS c FROM information_schema.columns"
                " WHERE table_schema = 'public' AND is_nullable = 'YES'"
            )
            return {(r["t"], r["c"]) for r in rows}
        found = set()
        for table, _ in REQUIRED:
            for column in await fetch(
                f"SELECT name, \"notnull\" FROM pragma_table_info('{table}')"
            ):
                if not column["notnull"]:
                    found.add((table, column["name"]))
        return found

    assert REQUIRED & on_app_loop(app_client, nullable_columns) == set()


def test_audit_events_cannot_be_changed_or_deleted(client: Any) -> None:
    from panel_service.db import fetch, is_integrity_error

    become(client, "administrator")  # who creates agencies
    ok(client.post("/api/agencies", json={"name": "Audited", "agency_type": "police"}), 201)
    assert [e["verb"] for e in audit_events(client, record_type="agency")] == ["created"]

    async def tamper(statement: str) -> str:
        try:
            await fetch(statement)
        except Exception as exc:
            return "refused" if "append-only" in str(exc) or is_integrity_error(exc) else repr(exc)
        return "allowed"

    assert on_app_loop(client, tamper, "UPDATE audit_event SET verb = 'nothing'") == "refused"
    assert on_app_loop(client, tamper, "DELETE FROM audit_event") == "refused"
