"""Verbs on perpetrator subjects: referral to a perpetrator panel, the decision, and the
milestones the Drive clocks are measured against."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.accounts.tables import Role
from panel_service.agencies.tables import Agency
from panel_service.audit.trail import record_event
from panel_service.cases.drive import (
    assess_eligibility,
    check_decision,
    is_eligible,
)
from panel_service.cases.people import add_person, person_rows, require_person
from panel_service.cases.schemas import (
    DecisionOutcome,
    SubjectCreate,
    SubjectDecision,
    SubjectMilestones,
    SubjectRead,
    SubjectSummary,
    SubjectVictimLink,
)
from panel_service.cases.staff import require_staff
from panel_service.cases.subject_views import (
    SUBJECT_COLUMNS,
    eligibility_checks,
    read_subject,
    subject_fields,
    subject_row,
)
from panel_service.cases.tables import Case, PerpetratorSubject, SubjectStatus, SubjectVictim
from panel_service.errors import Conflict, Invalid, NotFound
from panel_service.pagination import Page, PageParams, fetch_page
from panel_service.panels.services import get_panel_row
from panel_service.panels.tables import PanelKind
from panel_service.records import require_exists, set_fields, to_struct


def subject_reference(subject_id: int) -> str:
    return f"PS-{subject_id:06d}"


async def _check_victims(
    links: list[SubjectVictimLink], perpetrator_id: int | None
) -> list[dict[str, Any]]:
    """The linked victims' rows, refusing unknown people, duplicates and mismatched cases."""
    ids = [link.victim_id for link in links]
    people = await person_rows(ids)
    case_ids = [link.case_id for link in links if link.case_id is not None]
    cases = {
        c["id"]: c
        for c in (
            await Case.select(Case.id, Case.victim, Case.perpetrator).where(Case.id.is_in(case_ids))
            if case_ids
            else []
        )
    }
    for index, link in enumerate(links):
        field = f"victims[{index}]"
        if link.victim_id not in people:
            raise NotFound(f"person {link.victim_id} does not exist", field=f"{field}.victim_id")
        if link.victim_id == perpetrator_id or ids.index(link.victim_id) != index:
            raise Invalid(
                "a victim is listed twice or is the perpetrator", field=f"{field}.victim_id"
            )
        if link.case_id is None:
            continue
        case = cases.get(link.case_id)
        if case is None:
            raise NotFound(f"case {link.case_id} does not exist", field=f"{field}.case_id")
        if (case["victim"], case["perpetrator"]) != (link.victim_id, perpetrator_id):
            raise Invalid(
                f"case {link.case_id} is not this victim's case against this perpetrator",
                field=f"{field}.case_id",
            )
    return [people[i] for i in ids]


async def create_subject(actor: Actor, data: SubjectCreate) -> SubjectRead:
    """Refer a perpetrator to a perpetrator panel, recording whether they are eligible
    (criterion by criterion) as the referral stands when it is received."""
    await access.check(
        actor, access.Record.PANEL, data.panel_id, access.Right.RUN, field="panel_id"
    )
    if data.person_id is not None:
        await access.check(actor, access.Record.PERSON, data.person_id, field="person_id")
    for index, link in enumerate(data.victims):
        field = f"victims[{index}]"
        await access.check(actor, access.Record.PERSON, link.victim_id, field=f"{field}.victim_id")
        if link.case_id is not None:
            await access.check(actor, access.Record.CASE, link.case_id, field=f"{field}.case_id")
    if (data.person_id is None) == (data.person is None):
        raise Invalid("give either person_id or person, not both or neither", field="person_id")
    async with db.transaction():
        panel = await get_panel_row(data.panel_id, field="panel_id")
        if panel["kind"] != PanelKind.PERPETRATOR_PANEL.value:
            raise Invalid("perpetrator subjects go to a perpetrator panel", field="panel_id")
        await require_exists(Agency, data.referring_agency_id, "referring_agency_id", "agency")
        if data.person_id is not None:
            perpetrator_dob = (await require_person(data.person_id, "person_id"))["date_of_birth"]
        else:
            assert data.person is not None
            perpetrator_dob = data.person.date_of_birth
        victims = await _check_victims(data.victims, data.person_id)
        checks = assess_eligibility(
            data.victim_high_risk,
            data.risk_identified_by,
            data.connection,
            perpetrator_dob,
            [v["date_of_birth"] for v in victims],
            data.referral_received_at.astimezone(ZoneInfo(panel["timezone"])).date(),
        )
        person_id = data.person_id
        if person_id is None:
            assert data.person is not None
            person_id = await add_person(data.person)
            await record_event(actor, "created", "person", person_id, {"as": "perpetrator"})
        subject = PerpetratorSubject(
            reference=f"new-{secrets.token_hex(12)}",
            panel=data.panel_id,
            person=person_id,
            referring_agency=data.referring_agency_id,
            referral_received_at=data.referral_received_at,
            # No panel or RFG-V identified them: stored empty, read back as null.
            risk_identified_by=data.risk_identified_by.value if data.risk_identified_by else "",
            victim_high_risk=data.victim_high_risk,
            connection=data.connection.value,
            eligibility={
                c.criterion: {"result": c.result.value, "reason": c.reason} for c in checks
            },
        )
        await subject.save()
        reference = subject_reference(subject.id)
        await PerpetratorSubject.update({PerpetratorSubject.reference: reference}).where(
            PerpetratorSubject.id == subject.id
        )
        await SubjectVictim.insert(
            *[
                SubjectVictim(subject=subject.id, victim=link.victim_id, case=link.case_id)
                for link in data.victims
            ]
        )
        await record_event(
            actor,
            "created",
            "perpetrator_subject",
            subject.id,
            {"reference": reference, "eligible": is_eligible(checks)},
        )
    return await read_subject(subject.id, datetime.now(UTC))


async def get_subject(actor: Actor, subject_id: int, now: datetime | None = None) -> SubjectRead:
    """One perpetrator subject with eligibility and clocks (as at ``now``); audited."""
    await access.check(actor, access.Record.SUBJECT, subject_id)
    subject = await read_subject(subject_id, now or datetime.now(UTC))
    await record_event(actor, "viewed", "perpetrator_subject", subject_id)
    return subject


async def list_subjects(
    actor: Actor,
    page: PageParams,
    panel_id: int | None = None,
    status: SubjectStatus | None = None,
    now: datetime | None = None,
) -> Page[SubjectSummary]:
    """Perpetrator subjects, newest referral first, as summaries without names."""
    rows, total = await fetch_page(
        PerpetratorSubject.select(*SUBJECT_COLUMNS)
        .output(load_json=True)
        .order_by(PerpetratorSubject.referral_received_at, PerpetratorSubject.id, ascending=False),
        PerpetratorSubject.count(),
        page,
        await access.visible(actor, access.Record.SUBJECT),
        PerpetratorSubject.panel == panel_id if panel_id is not None else None,
        PerpetratorSubject.status == status.value if status is not None else None,
    )
    fields = await subject_fields(rows, now or datetime.now(UTC))
    return Page.of([to_struct(f, SubjectSummary) for f in fields], total, page)


async def decide_subject(actor: Actor, subject_id: int, data: SubjectDecision) -> SubjectRead:
    """Accept a referral onto a pathway with a case manager, or turn it down."""
    await access.check(actor, access.Record.SUBJECT, subject_id, access.Right.MANAGE)
    async with db.transaction():
        row = await subject_row(subject_id)
        if row["status"] != SubjectStatus.REFERRED.value:
            raise Conflict(f"the referral has already been decided ({row['status']})")
        check_decision(data, eligibility_checks(row))
        if data.outcome is DecisionOutcome.ACCEPT:
            assert data.case_manager_id is not None and data.pathway is not None
            await require_staff(data.case_manager_id, Role.CASE_MANAGER, "case_manager_id")
            changes: dict[Any, Any] = {
                PerpetratorSubject.status: SubjectStatus.ACCEPTED.value,
                PerpetratorSubject.pathway: data.pathway.value,
                PerpetratorSubject.case_manager: data.case_manager_id,
            }
        else:
            changes = {
                PerpetratorSubject.status: SubjectStatus.NOT_ACCEPTED.value,
                PerpetratorSubject.not_accepted_reason: data.reason.strip(),
                PerpetratorSubject.not_accepted_ground: data.intervention_evidenced_as.value
                if data.intervention_evidenced_as
                else None,
            }
        await PerpetratorSubject.update(changes).where(PerpetratorSubject.id == subject_id)
        await record_event(
            actor,
            "decided",
            "perpetrator_subject",
            subject_id,
            {
                "outcome": data.outcome.value,
                "evidenced_as": data.intervention_evidenced_as.value
                if data.intervention_evidenced_as
                else None,
            },
        )
    return await read_subject(subject_id, datetime.now(UTC))


async def record_milestones(actor: Actor, subject_id: int, data: SubjectMilestones) -> SubjectRead:
    """Record when key agencies were contacted, the initial risk assessment was done and
    the intervention plan was signed off (by a service manager)."""
    await access.check(actor, access.Record.SUBJECT, subject_id, access.Right.EDIT)
    changes = set_fields(data)
    signed_on, signed_by = "plan_signed_off_on" in changes, "plan_signed_off_by_id" in changes
    if signed_on != signed_by:
        missing = "plan_signed_off_by_id" if signed_on else "plan_signed_off_on"
        raise Invalid("give the sign-off date and the service manager together", field=missing)
    async with db.transaction():
        row = await subject_row(subject_id)
        if row["status"] == SubjectStatus.NOT_ACCEPTED.value:
            raise Conflict("the referral was not accepted")
        received = row["referral_received_at"]
        if changes.get("agencies_contacted_at", received) < received:
            raise Invalid(
                "agencies cannot be contacted before the referral", "agencies_contacted_at"
            )
        panel = await get_panel_row(row["panel_id"])
        referral_day = received.astimezone(ZoneInfo(panel["timezone"])).date()
        for field in ("initial_assessment_on", "plan_signed_off_on"):
            if field in changes and changes[field] < referral_day:
                raise Invalid("the date is before the referral was received", field=field)
        if signed_by:
            await require_staff(
                changes["plan_signed_off_by_id"], Role.SERVICE_MANAGER, "plan_signed_off_by_id"
            )
            changes["plan_signed_off_by"] = changes.pop("plan_signed_off_by_id")
        if changes:
            await PerpetratorSubject.update(cast(dict[Any, Any], changes)).where(
                PerpetratorSubject.id == subject_id
            )
            await record_event(
                actor,
                "milestones_recorded",
                "perpetrator_subject",
                subject_id,
                {"fields": sorted(changes)},
            )
    return await read_subject(subject_id, datetime.now(UTC))
