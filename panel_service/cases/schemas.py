"""Request and response shapes for people, cases (referrals) and perpetrator subjects.

Victim contact fields and a child's school are restricted: they are accepted in
requests, but only ``VictimContactRead`` (an audited read) ever returns them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from panel_service.cases.tables import (
    CaseStatus,
    Criterion,
    Gender,
    IncidentType,
    Pathway,
    PersonalConnection,
    RfgvStage,
    RiskIdentifiedBy,
    SubjectStatus,
)
from panel_service.validation import Id, Name, ShortText, Text

DashScore = Annotated[int, msgspec.Meta(ge=0, le=24)]
Incidents = Annotated[int, msgspec.Meta(ge=0, le=1000)]
Aliases = Annotated[str, msgspec.Meta(max_length=500, pattern=r"^[^\x00-\x1f\x7f]*$")]
Ethnicity = Annotated[str, msgspec.Meta(max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")]
Relationship = Annotated[str, msgspec.Meta(max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")]
Postcode = Annotated[str, msgspec.Meta(max_length=12, pattern=r"^[A-Za-z0-9 ]*$")]
Phone = Annotated[str, msgspec.Meta(max_length=40, pattern=r"^[0-9+() -]*$")]
AwareDateTime = Annotated[datetime, msgspec.Meta(tz=True)]


# People ---------------------------------------------------------------------------


class PersonCreate(msgspec.Struct, forbid_unknown_fields=True):
    full_name: Name
    aliases: Aliases = ""
    date_of_birth: date | None = None
    gender: Gender = Gender.NOT_KNOWN
    ethnicity: Ethnicity = ""
    racially_minoritised: bool = False
    disabled: bool = False
    lgbt: bool = False


class PersonUpdate(msgspec.Struct, forbid_unknown_fields=True):
    full_name: Name | msgspec.UnsetType = msgspec.UNSET
    aliases: Aliases | msgspec.UnsetType = msgspec.UNSET
    date_of_birth: date | msgspec.UnsetType | None = msgspec.UNSET
    gender: Gender | msgspec.UnsetType = msgspec.UNSET
    ethnicity: Ethnicity | msgspec.UnsetType = msgspec.UNSET
    racially_minoritised: bool | msgspec.UnsetType = msgspec.UNSET
    disabled: bool | msgspec.UnsetType = msgspec.UNSET
    lgbt: bool | msgspec.UnsetType = msgspec.UNSET


class PersonRead(msgspec.Struct):
    id: int
    full_name: str
    aliases: str
    date_of_birth: date | None
    gender: Gender
    ethnicity: str
    racially_minoritised: bool
    disabled: bool
    lgbt: bool
    serial_perpetrator: bool
    created_at: datetime


class CaseVictimRead(msgspec.Struct):
    """A victim as a case shows them: diversity and age, never contact details."""

    id: int
    full_name: str
    aliases: str
    date_of_birth: date | None
    age_at_referral: int | None
    gender: Gender
    ethnicity: str
    racially_minoritised: bool
    disabled: bool
    lgbt: bool


class CasePerpetratorRead(CaseVictimRead):
    serial_perpetrator: bool


# Cases ----------------------------------------------------------------------------


class CriterionClaim(msgspec.Struct, forbid_unknown_fields=True):
    criterion: Criterion
    evidence: Text = ""


class ChildCreate(msgspec.Struct, forbid_unknown_fields=True):
    date_of_birth: date | None = None
    relationship_to_victim: Relationship = ""
    relationship_to_perpetrator: Relationship = ""
    school: ShortText = ""


class VictimContactWrite(msgspec.Struct, forbid_unknown_fields=True):
    address: Text = ""
    postcode: Postcode = ""
    phone: Phone = ""
    safe_to_call: bool = False
    safe_times: ShortText = ""
    safe_contacts: Text = ""
    unsafe_contacts: Text = ""
    feared_people: Text = ""


class CaseCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A referral of one victim-perpetrator pair to a MARAC.

    Name the victim either by ``victim_id`` (an existing person) or as a new ``victim``;
    the same for the perpetrator.
    """

    panel_id: Id
    referral_date: date
    referring_agency_id: Id
    referrer_name: Name
    victim_id: Id | None = None
    victim: PersonCreate | None = None
    perpetrator_id: Id | None = None
    perpetrator: PersonCreate | None = None
    relationship: Relationship = ""
    dash_score: DashScore | None = None
    incidents_last_12_months: Incidents | None = None
    police_reported_incidents: Incidents | None = None
    incident_types: Annotated[list[IncidentType], msgspec.Meta(max_length=len(IncidentType))] = (
        msgspec.field(default_factory=list)
    )
    criteria: Annotated[list[CriterionClaim], msgspec.Meta(max_length=len(Criterion))] = (
        msgspec.field(default_factory=list)
    )
    victim_aware: bool = False
    victim_not_aware_reason: Text = ""
    victim_consented: bool = False
    previous_marac: ShortText = ""
    children: Annotated[list[ChildCreate], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )
    victim_contact: VictimContactWrite | None = None
    assigned_idva_id: Id | None = None


class CaseUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """What may change after referral. The DASH score changes only by a new assessment."""

    relationship: Relationship | msgspec.UnsetType = msgspec.UNSET
    assigned_idva_id: Id | msgspec.UnsetType | None = msgspec.UNSET
    status: CaseStatus | msgspec.UnsetType = msgspec.UNSET
    victim_aware: bool | msgspec.UnsetType = msgspec.UNSET
    victim_not_aware_reason: Text | msgspec.UnsetType = msgspec.UNSET
    victim_consented: bool | msgspec.UnsetType = msgspec.UNSET
    previous_marac: ShortText | msgspec.UnsetType = msgspec.UNSET


class CriterionRead(msgspec.Struct):
    criterion: Criterion
    evidence: str


class ChildRead(msgspec.Struct):
    """A child in the household; the school is restricted and never shown here."""

    id: int
    date_of_birth: date | None
    relationship_to_victim: str
    relationship_to_perpetrator: str


class CaseRead(msgspec.Struct):
    id: int
    reference: str
    panel_id: int
    referral_date: date
    referring_agency_id: int
    referrer_name: str
    victim: CaseVictimRead
    perpetrator: CasePerpetratorRead
    relationship: str
    criteria: list[CriterionRead]
    dash_score: int | None
    incidents_last_12_months: int | None
    police_reported_incidents: int | None
    incident_types: list[IncidentType]
    victim_aware: bool
    victim_not_aware_reason: str
    victim_consented: bool
    previous_marac: str
    is_repeat: bool
    repeat_of_id: int | None
    children: list[ChildRead]
    children_count: int
    assigned_idva_id: int | None
    status: CaseStatus
    created_at: datetime


class CaseSummary(msgspec.Struct):
    """A case in a list: opaque references and flags, no names (reading one is audited)."""

    id: int
    reference: str
    panel_id: int
    referral_date: date
    referring_agency_id: int
    victim_id: int
    perpetrator_id: int
    serial_perpetrator: bool
    dash_score: int | None
    is_repeat: bool
    repeat_of_id: int | None
    children_count: int
    assigned_idva_id: int | None
    status: CaseStatus


class DashAssessmentCreate(msgspec.Struct, forbid_unknown_fields=True):
    score: DashScore
    assessed_on: date


class DashAssessmentRead(msgspec.Struct):
    id: int
    score: int
    assessed_on: date
    recorded_by_id: int | None
    recorded_at: datetime


class ChildSchool(msgspec.Struct):
    child_id: int
    school: str


class VictimContactRead(msgspec.Struct):
    """Restricted: returned only by the audited victim-contact route."""

    victim_id: int
    address: str
    postcode: str
    phone: str
    safe_to_call: bool
    safe_times: str
    safe_contacts: str
    unsafe_contacts: str
    feared_people: str
    children_schools: list[ChildSchool]


# Perpetrator subjects -----------------------------------------------------------


class SubjectVictimLink(msgspec.Struct, forbid_unknown_fields=True):
    victim_id: Id
    case_id: Id | None = None


class SubjectCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A perpetrator referred to a perpetrator panel; name them by ``person_id`` or
    ``person``. ``risk_identified_by`` is null when no panel or RFG-V identified them."""

    panel_id: Id
    referring_agency_id: Id
    referral_received_at: AwareDateTime
    risk_identified_by: RiskIdentifiedBy | None
    victim_high_risk: bool
    connection: PersonalConnection
    victims: Annotated[list[SubjectVictimLink], msgspec.Meta(min_length=1, max_length=20)]
    person_id: Id | None = None
    person: PersonCreate | None = None


class DecisionOutcome(StrEnum):
    ACCEPT = "accept"
    NOT_ACCEPT = "not_accept"


class InterventionEvidencedAs(StrEnum):
    """The only grounds on which an eligible referral may be turned down."""

    NOT_SAFE = "not_safe"
    NOT_APPROPRIATE = "not_appropriate"


class SubjectDecision(msgspec.Struct, forbid_unknown_fields=True):
    outcome: DecisionOutcome
    pathway: Pathway | None = None
    case_manager_id: Id | None = None
    reason: Text = ""
    intervention_evidenced_as: InterventionEvidencedAs | None = None


class SubjectMilestones(msgspec.Struct, forbid_unknown_fields=True):
    agencies_contacted_at: AwareDateTime | msgspec.UnsetType = msgspec.UNSET
    initial_assessment_on: date | msgspec.UnsetType = msgspec.UNSET
    plan_signed_off_on: date | msgspec.UnsetType = msgspec.UNSET
    plan_signed_off_by_id: Id | msgspec.UnsetType = msgspec.UNSET


class EligibilityResult(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_KNOWN = "not_known"


class EligibilityCheck(msgspec.Struct):
    criterion: str
    result: EligibilityResult
    reason: str


class ClockStatus(StrEnum):
    MET = "met"
    OVERDUE = "overdue"
    PENDING = "pending"


class ResponseClock(msgspec.Struct):
    """Respond within 48 hours of the referral being received."""

    due: datetime
    done_at: datetime | None
    status: ClockStatus


class WorkingDayClock(msgspec.Struct):
    due: date
    done_on: date | None
    status: ClockStatus


class DriveClocks(msgspec.Struct):
    response: ResponseClock
    initial_assessment: WorkingDayClock
    plan_sign_off: WorkingDayClock


class SubjectVictimRead(msgspec.Struct):
    victim_id: int
    case_id: int | None


class RfgvInputs(msgspec.Struct, forbid_unknown_fields=True):
    days_since_last_incident: Annotated[int, msgspec.Meta(ge=0, le=36_500)]
    incidents_last_12_months: Annotated[int, msgspec.Meta(ge=0, le=1_000)]
    most_serious_gravity: Annotated[int, msgspec.Meta(ge=1, le=5)]
    """1 (verbal abuse) to 5 (life-threatening violence), as the force grades incidents."""
    victims: Annotated[int, msgspec.Meta(ge=1, le=100)]


class RfgvRecord(msgspec.Struct, forbid_unknown_fields=True):
    stage: RfgvStage
    assessed_on: date
    inputs: RfgvInputs


class RfgvScore(msgspec.Struct):
    score: int
    calculation_version: str
    assessed_on: date
    inputs: RfgvInputs


class RfgvRead(msgspec.Struct):
    entry: RfgvScore | None
    exit: RfgvScore | None
    change: int | None
    """Exit minus entry: negative is the fall a successful intervention shows."""


class SubjectRead(msgspec.Struct):
    id: int
    reference: str
    panel_id: int
    person: CasePerpetratorRead
    referring_agency_id: int
    referral_received_at: datetime
    risk_identified_by: RiskIdentifiedBy | None
    victim_high_risk: bool
    connection: PersonalConnection
    victims: list[SubjectVictimRead]
    eligible: bool
    eligibility: list[EligibilityCheck]
    status: SubjectStatus
    pathway: Pathway | None
    case_manager_id: int | None
    not_accepted_reason: str
    not_accepted_ground: InterventionEvidencedAs | None
    agencies_contacted_at: datetime | None
    initial_assessment_on: date | None
    plan_signed_off_on: date | None
    plan_signed_off_by_id: int | None
    clocks: DriveClocks
    rfgv: RfgvRead
    created_at: datetime


class SubjectSummary(msgspec.Struct):
    id: int
    reference: str
    panel_id: int
    person_id: int
    serial_perpetrator: bool
    referral_received_at: datetime
    eligible: bool
    status: SubjectStatus
    pathway: Pathway | None
    case_manager_id: int | None
    clocks: DriveClocks
