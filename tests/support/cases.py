"""People, MARAC cases and perpetrator subjects for tests (fictional data only)."""

from __future__ import annotations

import itertools
from typing import Any

import msgspec

from tests.support.accounts import audit_events, make_agency
from tests.support.calls import ok, on_app_loop

_counter = itertools.count(1)


def make_person(client: Any, **fields: Any) -> Any:
    """A person made through the people service (the API has no route that only adds one)."""
    from panel_service.accounts.actor import SYSTEM
    from panel_service.cases.people import create_person
    from panel_service.cases.schemas import PersonCreate

    n = next(_counter)
    data = msgspec.convert({"full_name": f"Test Person {n}", **fields}, PersonCreate)
    return msgspec.to_builtins(on_app_loop(client, create_person, SYSTEM, data))


def case_body(client: Any, panel_id: int, **overrides: Any) -> dict[str, Any]:
    """The body of a valid MARAC referral: a police referrer, DASH 16 meeting visible high
    risk, and a new victim and perpetrator unless ``victim_id``/``perpetrator_id`` are given.
    Any field of CaseCreate may be overridden."""
    n = next(_counter)
    body: dict[str, Any] = {
        "panel_id": panel_id,
        "referral_date": "2026-01-05",
        "referrer_name": "PC Test Referrer",
        "victim": {
            "full_name": f"Vicky Victim {n}",
            "date_of_birth": "1990-05-01",
            "gender": "female",
        },
        "perpetrator": {
            "full_name": f"Percy Perpetrator {n}",
            "date_of_birth": "1988-02-11",
            "gender": "male",
        },
        "relationship": "ex-partner",
        "dash_score": 16,
        "incidents_last_12_months": 1,
        "incident_types": ["violence_or_threats"],
        "criteria": [{"criterion": "visible_high_risk", "evidence": "DASH 16/24"}],
        "victim_aware": True,
        "victim_consented": True,
    }
    body.update(overrides)
    if "referring_agency_id" not in body:
        body["referring_agency_id"] = make_agency(client, "police")["id"]
    for role in ("victim", "perpetrator"):
        if f"{role}_id" in overrides and role not in overrides:
            body.pop(role)
    return body


def make_case(client: Any, panel_id: int, **overrides: Any) -> Any:
    """A MARAC case made through the API (see ``case_body`` for the defaults)."""
    return ok(client.post("/api/cases", json=case_body(client, panel_id, **overrides)), 201)


def subject_body(client: Any, panel_id: int, **overrides: Any) -> dict[str, Any]:
    """The body of an eligible perpetrator-panel referral: a new perpetrator (aged 40),
    identified by the police panel, an ex-partner of one new high-risk victim."""
    n = next(_counter)
    body: dict[str, Any] = {
        "panel_id": panel_id,
        "referral_received_at": "2026-03-02T09:00:00+00:00",
        "risk_identified_by": "police_panel",
        "victim_high_risk": True,
        "connection": "ex_partner",
    }
    body.update(overrides)
    if "person_id" not in body and "person" not in body:
        body["person"] = {
            "full_name": f"Simon Subject {n}",
            "date_of_birth": "1985-07-09",
            "gender": "male",
        }
    if "referring_agency_id" not in body:
        body["referring_agency_id"] = make_agency(client, "police")["id"]
    if "victims" not in body:
        victim = make_person(client, date_of_birth="1987-01-20", gender="female")
        body["victims"] = [{"victim_id": victim["id"]}]
    return body


def make_subject(client: Any, panel_id: int, **overrides: Any) -> Any:
    """A perpetrator subject made through the API (see ``subject_body`` for the defaults)."""
    body = subject_body(client, panel_id, **overrides)
    return ok(client.post("/api/perpetrator-subjects", json=body), 201)


def count_case_rows(client: Any) -> dict[str, int]:
    """How many rows each table a referral writes holds (to show a refusal wrote nothing)."""
    from panel_service.audit.tables import AuditEvent
    from panel_service.cases.tables import (
        Case,
        Child,
        DashAssessment,
        PerpetratorSubject,
        Person,
        ReferralCriterion,
        SubjectVictim,
        VictimContact,
    )

    tables = (
        AuditEvent,
        Case,
        Child,
        DashAssessment,
        PerpetratorSubject,
        Person,
        ReferralCriterion,
        SubjectVictim,
        VictimContact,
    )

    async def counts() -> dict[str, int]:
        return {table._meta.tablename: await table.count() for table in tables}

    return on_app_loop(client, counts)


def audit_verbs(client: Any, record_type: str, record_id: int) -> list[str]:
    """The audit trail's verbs for one record, oldest first (read as the system: only
    administrators may list the trail through the API)."""
    events = audit_events(client, record_type=record_type, record_id=record_id)
    return [event["verb"] for event in reversed(events)]
