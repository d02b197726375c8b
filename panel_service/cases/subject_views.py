"""How a perpetrator subject is shown: eligibility, Drive clocks and the serial flag,
worked out for many subjects in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from panel_service.cases.drive import drive_clocks, is_eligible
from panel_service.cases.people import perpetrator_view, person_rows, serial_perpetrator_ids
from panel_service.cases.rfgv import rfgv_of
from panel_service.cases.schemas import EligibilityCheck, SubjectRead
from panel_service.cases.tables import PerpetratorSubject, SubjectVictim
from panel_service.errors import NotFound
from panel_service.panels.tables import Nation, Panel
from panel_service.records import to_struct

SUBJECT_COLUMNS = (
    *PerpetratorSubject.all_columns(
        exclude=[
            PerpetratorSubject.panel,
            PerpetratorSubject.person,
            PerpetratorSubject.referring_agency,
            PerpetratorSubject.case_manager,
            PerpetratorSubject.plan_signed_off_by,
        ]
    ),
    PerpetratorSubject.panel.as_alias("panel_id"),
    PerpetratorSubject.person.as_alias("person_id"),
    PerpetratorSubject.referring_agency.as_alias("referring_agency_id"),
    PerpetratorSubject.case_manager.as_alias("case_manager_id"),
    PerpetratorSubject.plan_signed_off_by.as_alias("plan_signed_off_by_id"),
)


async def subject_row(subject_id: int) -> dict[str, Any]:
    """The subject's row with foreign keys as ``*_id``, or ``NotFound``."""
    row = (
        await PerpetratorSubject.select(*SUBJECT_COLUMNS)
        .where(PerpetratorSubject.id == subject_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound(f"perpetrator subject {subject_id} not found")
    return row


def eligibility_checks(row: dict[str, Any]) -> list[EligibilityCheck]:
    """The eligibility recorded when the referral was received, criterion by criterion."""
    return [
        msgspec.convert({"criterion": name, **found}, EligibilityCheck)
        for name, found in row["eligibility"].items()
    ]


async def subject_fields(rows: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Rows with what every view of a subject adds: eligibility, clocks, serial flag."""
    panel_ids = list({r["panel_id"] for r in rows})
    panels = {
        p["id"]: p
        for p in (
            await Panel.select(Panel.id, Panel.timezone, Panel.nation).where(
                Panel.id.is_in(panel_ids)
            )
            if panel_ids
            else []
        )
    }
    serial = await serial_perpetrator_ids([r["person_id"] for r in rows])
    result = []
    for row in rows:
        panel = panels[row["panel_id"]]
        checks = eligibility_checks(row)
        zone = ZoneInfo(panel["timezone"])
        result.append(
            {
                **row,
                "referral_day": row["referral_received_at"].astimezone(zone).date(),
                "risk_identified_by": row["risk_identified_by"] or None,
                "eligibility": checks,
                "eligible": is_eligible(checks),
                "serial_perpetrator": row["person_id"] in serial,
                "clocks": drive_clocks(
                    row["referral_received_at"],
                    zone,
                    Nation(panel["nation"]),
                    row["agencies_contacted_at"],
                    row["initial_assessment_on"],
                    row["plan_signed_off_on"],
                    now,
                ),
            }
        )
    return result


async def read_subjects(rows: list[dict[str, Any]], now: datetime) -> list[SubjectRead]:
    """Subjects in full: the perpetrator (never victims' details) and the linked victims."""
    people = await person_rows([r["person_id"] for r in rows])
    ids = [r["id"] for r in rows]
    victims: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        links = (
            await SubjectVictim.select(
                SubjectVictim.subject,
                SubjectVictim.victim.as_alias("victim_id"),
                SubjectVictim.case.as_alias("case_id"),
            )
            .where(SubjectVictim.subject.is_in(ids))
            .order_by(SubjectVictim.id)
        )
        for link in links:
            victims[link["subject"]].append(link)
    scores = await rfgv_of(ids)
    return [
        to_struct(
            {
                **fields,
                "rfgv": scores[fields["id"]],
                "person": perpetrator_view(
                    people[fields["person_id"]],
                    fields["referral_day"],
                    fields["serial_perpetrator"],
                ),
                "victims": victims[fields["id"]],
            },
            SubjectRead,
        )
        for fields in await subject_fields(rows, now)
    ]


async def read_subject(subject_id: int, now: datetime) -> SubjectRead:
    """One subject as shown, with its clocks as at ``now``."""
    return (await read_subjects([await subject_row(subject_id)], now))[0]


async def subjects_as_listed(subject_ids: list[int], now: datetime) -> dict[int, dict[str, Any]]:
    """Subjects as an agenda or minutes show them: the fields of ``subject_fields`` plus
    ``victim_cases`` (each linked victim's MARAC case reference, None for a victim without
    one, in link order) and ``rfgv``; a fixed number of queries."""
    if not subject_ids:
        return {}
    rows = (
        await PerpetratorSubject.select(*SUBJECT_COLUMNS)
        .where(PerpetratorSubject.id.is_in(subject_ids))
        .output(load_json=True)
    )
    links = (
        await SubjectVictim.select(
            SubjectVictim.subject, SubjectVictim.case.reference.as_alias("case_reference")
        )
        .where(SubjectVictim.subject.is_in(subject_ids))
        .order_by(SubjectVictim.id)
    )
    victims: dict[int, list[str | None]] = defaultdict(list)
    for link in links:
        victims[link["subject"]].append(link["case_reference"])
    scores = await rfgv_of(subject_ids)
    return {
        fields["id"]: {
            **fields,
            "victim_cases": victims[fields["id"]],
            "rfgv": scores[fields["id"]],
        }
        for fields in await subject_fields(rows, now)
    }
