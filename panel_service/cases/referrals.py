"""Taking a referral: the checks a MARAC referral must pass, and writing it whole.

A refused referral writes nothing: every check runs before the first write, and the
writes share one transaction.
"""

from __future__ import annotations

import secrets
from datetime import date

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.accounts.tables import Role
from panel_service.agencies.tables import Agency
from panel_service.audit.trail import record_event
from panel_service.cases.contact import store_victim_contact
from panel_service.cases.people import add_person, require_person
from panel_service.cases.rules import (
    check_awareness,
    check_criteria,
    counts_as_repeat,
    is_within_repeat_window,
    refuse_under_16,
    repeat_criterion,
)
from panel_service.cases.schemas import CaseCreate, ChildCreate, CriterionRead, PersonCreate
from panel_service.cases.staff import require_staff
from panel_service.cases.tables import Case, Child, DashAssessment, ReferralCriterion
from panel_service.errors import Invalid
from panel_service.panels.schemas import PanelSettings
from panel_service.panels.services import get_panel_row, settings_of
from panel_service.panels.tables import PanelKind
from panel_service.records import require_exists


def case_reference(case_id: int) -> str:
    """The opaque reference shown on agendas and in messages instead of names."""
    return f"MC-{case_id:06d}"


async def _marac_settings(panel_id: int) -> PanelSettings:
    panel = await get_panel_row(panel_id, field="panel_id")
    if panel["kind"] != PanelKind.MARAC.value:
        raise Invalid("cases are referred to a MARAC panel only", field="panel_id")
    return settings_of(panel)


async def _party(
    role: str, existing_id: int | None, new: PersonCreate | None, referral_date: date
) -> int | PersonCreate:
    """The existing person's id, or the new person to add, after the age rule."""
    if (existing_id is None) == (new is None):
        raise Invalid(f"give either {role}_id or {role}, not both or neither", field=f"{role}_id")
    if existing_id is not None:
        row = await require_person(existing_id, f"{role}_id")
        refuse_under_16(row["date_of_birth"], referral_date, role, f"{role}_id")
        return existing_id
    assert new is not None
    refuse_under_16(new.date_of_birth, referral_date, role, f"{role}.date_of_birth")
    return new


async def _repeat_of(
    victim_id: int, perpetrator_id: int, data: CaseCreate, settings: PanelSettings
) -> tuple[int, CriterionRead] | None:
    """The earlier case this referral repeats, with the criterion it earns, if any."""
    last = (
        await Case.select(Case.id, Case.reference, Case.referral_date)
        .where(
            (Case.victim == victim_id)
            & (Case.perpetrator == perpetrator_id)
            & (Case.referral_date <= data.referral_date)
        )
        .order_by(Case.referral_date, Case.id, ascending=False)
        .first()
    )
    if last is None:
        return None
    window = settings.repeat_window_months
    if not is_within_repeat_window(last["referral_date"], data.referral_date, window):
        return None
    if not counts_as_repeat(data.incident_types, settings.repeat_definition):
        return None
    return last["id"], repeat_criterion(last["reference"], last["referral_date"], window)


async def _person_id(actor: Actor, role: str, party: int | PersonCreate) -> int:
    """The id of the person named, adding them (and auditing it) if they are new."""
    if isinstance(party, int):
        return party
    person_id = await add_person(party)
    await record_event(actor, "created", "person", person_id, {"as": role})
    return person_id


def child_row(case_id: int, child: ChildCreate) -> Child:
    """A child of the household as a row of the case (the school stays restricted)."""
    return Child(
        case=case_id,
        date_of_birth=child.date_of_birth,
        relationship_to_victim=child.relationship_to_victim,
        relationship_to_perpetrator=child.relationship_to_perpetrator,
        school=child.school,
    )


async def refer_case(actor: Actor, data: CaseCreate) -> int:
    """Check a referral and write the case with its criteria, first DASH assessment,
    children and victim contact details; returns the new case's id."""
    check_awareness(data.victim_aware, data.victim_not_aware_reason)
    for field, person_id in (
        ("victim_id", data.victim_id),
        ("perpetrator_id", data.perpetrator_id),
    ):
        if person_id is not None:
            await access.check(actor, access.Record.PERSON, person_id, field=field)
    async with db.transaction():
        settings = await _marac_settings(data.panel_id)
        await require_exists(Agency, data.referring_agency_id, "referring_agency_id", "agency")
        if data.assigned_idva_id is not None:
            await require_staff(data.assigned_idva_id, Role.IDVA, "assigned_idva_id")
        victim = await _party("victim", data.victim_id, data.victim, data.referral_date)
        perpetrator = await _party(
            "perpetrator", data.perpetrator_id, data.perpetrator, data.referral_date
        )
        if isinstance(victim, int) and victim == perpetrator:
            raise Invalid("the victim and the perpetrator are the same person", "perpetrator_id")
        repeat = None
        if isinstance(victim, int) and isinstance(perpetrator, int):
            repeat = await _repeat_of(victim, perpetrator, data, settings)
        criteria = check_criteria(
            data.criteria,
            data.dash_score,
            data.police_reported_incidents
            if settings.escalation_police_only
            else data.incidents_last_12_months,
            settings,
            repeat[1] if repeat else None,
        )
        victim_id = await _person_id(actor, "victim", victim)
        perpetrator_id = await _person_id(actor, "perpetrator", perpetrator)
        case = Case(
            # Unique placeholder until the id, which the reference is made from, exists.
            reference=f"new-{secrets.token_hex(12)}",
            panel=data.panel_id,
            victim=victim_id,
            perpetrator=perpetrator_id,
            relationship=data.relationship,
            referral_date=data.referral_date,
            referring_agency=data.referring_agency_id,
            referrer_name=data.referrer_name,
            dash_score=data.dash_score,
            incidents_last_12_months=data.incidents_last_12_months,
            police_reported_incidents=data.police_reported_incidents,
            incident_types=[t.value for t in data.incident_types],
            victim_aware=data.victim_aware,
            victim_not_aware_reason=data.victim_not_aware_reason,
            victim_consented=data.victim_consented,
            previous_marac=data.previous_marac,
            is_repeat=repeat is not None,
            repeat_of=repeat[0] if repeat else None,
            assigned_idva=data.assigned_idva_id,
        )
        await case.save()
        reference = case_reference(case.id)
        await Case.update({Case.reference: reference}).where(Case.id == case.id)
        await ReferralCriterion.insert(
            *[
                ReferralCriterion(case=case.id, criterion=c.criterion.value, evidence=c.evidence)
                for c in criteria
            ]
        )
        if data.dash_score is not None:
            await DashAssessment(
                case=case.id,
                score=data.dash_score,
                assessed_on=data.referral_date,
                recorded_by=actor.user_id,
            ).save()
        if data.children:
            await Child.insert(*[child_row(case.id, child) for child in data.children])
        if data.victim_contact is not None:
            await store_victim_contact(victim_id, data.victim_contact)
        await record_event(
            actor,
            "created",
            "case",
            case.id,
            {"reference": reference, "is_repeat": repeat is not None},
        )
    return int(case.id)
