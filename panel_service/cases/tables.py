"""People, referrals (cases) and perpetrator subjects."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from panel_service.accounts.tables import User
from panel_service.agencies.tables import Agency
from panel_service.panels.tables import Panel


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    NON_BINARY = "non_binary"
    OTHER = "other"
    NOT_KNOWN = "not_known"


class Criterion(StrEnum):
    """Referral criteria of domain.md §2.1; any one is enough."""

    VISIBLE_HIGH_RISK = "visible_high_risk"
    PROFESSIONAL_JUDGEMENT = "professional_judgement"
    POTENTIAL_ESCALATION = "potential_escalation"
    REPEAT = "repeat"


class IncidentType(StrEnum):
    """What the referral's latest incident was; the legacy repeat definition counts only
    the first three."""

    VIOLENCE_OR_THREATS = "violence_or_threats"
    STALKING_OR_HARASSMENT = "stalking_or_harassment"
    SEXUAL_ABUSE = "sexual_abuse"
    UNWANTED_CONTACT = "unwanted_contact"
    BREACH_OF_BAIL_OR_ORDER = "breach_of_bail_or_order"
    CHILD_CONTACT_DISPUTE = "child_contact_dispute"
    OTHER_ABUSE = "other_abuse"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    TRANSFERRED_OUT = "transferred_out"


class Person(Table, tablename="person"):
    """A victim or a perpetrator. Diversity fields feed the quarterly returns."""

    id: Serial
    full_name = Varchar(length=200)
    aliases = Varchar(length=500, default="")
    date_of_birth = Date(null=True, default=None)
    gender = Varchar(length=20, choices=Gender, default="not_known")
    ethnicity = Varchar(length=100, default="")
    racially_minoritised = Boolean(default=False)
    disabled = Boolean(default=False)
    lgbt = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class VictimContact(Table, tablename="victim_contact"):
    """Restricted fields: never in agendas, invites, emails, Slack, logs or exports."""

    id: Serial
    person = ForeignKey(null=False, references=Person, unique=True, on_delete=OnDelete.restrict)
    address = Text(default="")
    postcode = Varchar(length=12, default="")
    phone = Varchar(length=40, default="")
    safe_to_call = Boolean(default=False)
    safe_times = Varchar(length=300, default="")
    safe_contacts = Text(default="")
    unsafe_contacts = Text(default="")
    feared_people = Text(default="")


class Case(Table, tablename="marac_case"):
    """One referral of a victim-perpetrator pair to a panel."""

    id: Serial
    reference = Varchar(length=30, unique=True)
    panel = ForeignKey(null=False, references=Panel, on_delete=OnDelete.restrict, index=True)
    victim = ForeignKey(null=False, references=Person, on_delete=OnDelete.restrict, index=True)
    perpetrator = ForeignKey(null=False, references=Person, on_delete=OnDelete.restrict, index=True)
    relationship = Varchar(length=100, default="")
    referral_date = Date(index=True)
    referring_agency = ForeignKey(
        null=False, references=Agency, on_delete=OnDelete.restrict, index=True
    )
    referrer_name = Varchar(length=200)
    dash_score = Integer(null=True, default=None)
    incidents_last_12_months = Integer(null=True, default=None)
    # Some areas count only police-reported incidents towards potential escalation.
    police_reported_incidents = Integer(null=True, default=None)
    incident_types = JSON(default=[])
    victim_aware = Boolean(default=False)
    victim_not_aware_reason = Text(default="")
    victim_consented = Boolean(default=False)
    previous_marac = Varchar(length=300, default="")
    is_repeat = Boolean(default=False)
    repeat_of: ForeignKey[Case] = ForeignKey(
        references="self", null=True, on_delete=OnDelete.restrict
    )
    assigned_idva = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict, index=True)
    status = Varchar(length=20, choices=CaseStatus, default="open")
    created_at = Timestamptz(default=TimestamptzNow())


class ReferralCriterion(Table, tablename="referral_criterion"):
    id: Serial
    case = ForeignKey(null=False, references=Case, on_delete=OnDelete.restrict, index=True)
    criterion = Varchar(length=30, choices=Criterion)
    evidence = Text(default="")


class DashAssessment(Table, tablename="dash_assessment"):
    """Each DASH score recorded for a case: a score may rise, never fall."""

    id: Serial
    case = ForeignKey(null=False, references=Case, on_delete=OnDelete.restrict, index=True)
    score = Integer()
    assessed_on = Date()
    recorded_by = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz(default=TimestamptzNow())


class Child(Table, tablename="child"):
    """A child in the household. ``school`` is a restricted field."""

    id: Serial
    case = ForeignKey(null=False, references=Case, on_delete=OnDelete.restrict, index=True)
    date_of_birth = Date(null=True, default=None)
    relationship_to_victim = Varchar(length=100, default="")
    relationship_to_perpetrator = Varchar(length=100, default="")
    school = Varchar(length=200, default="")


class RiskIdentifiedBy(StrEnum):
    POLICE_PANEL = "police_panel"
    PERPETRATOR_PANEL = "perpetrator_panel"
    RFG_V = "rfg_v"


class PersonalConnection(StrEnum):
    INTIMATE_PARTNER = "intimate_partner"
    EX_PARTNER = "ex_partner"
    FAMILY_MEMBER = "family_member"
    SHARED_PARENTAL_RESPONSIBILITY = "shared_parental_responsibility"
    NONE = "none"


class SubjectStatus(StrEnum):
    REFERRED = "referred"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    DISCHARGED = "discharged"


class Pathway(StrEnum):
    ENGAGING = "engaging"
    DISRUPT_ONLY = "disrupt_only"


class PerpetratorSubject(Table, tablename="perpetrator_subject"):
    """A perpetrator heard by a perpetrator panel (Drive / DAPP / MATAC)."""

    id: Serial
    reference = Varchar(length=30, unique=True)
    panel = ForeignKey(null=False, references=Panel, on_delete=OnDelete.restrict, index=True)
    person = ForeignKey(null=False, references=Person, on_delete=OnDelete.restrict, index=True)
    referring_agency = ForeignKey(null=False, references=Agency, on_delete=OnDelete.restrict)
    referral_received_at = Timestamptz()
    risk_identified_by = Varchar(length=30, choices=RiskIdentifiedBy)
    victim_high_risk = Boolean(default=False)
    connection = Varchar(length=40, choices=PersonalConnection)
    eligibility = JSON(default={})
    status = Varchar(length=20, choices=SubjectStatus, default="referred")
    not_accepted_reason = Text(default="")
    # An eligible referral is turned down only on these grounds (InterventionEvidencedAs).
    not_accepted_ground = Varchar(length=20, null=True, default=None)
    pathway = Varchar(length=20, choices=Pathway, null=True, default=None)
    case_manager = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    agencies_contacted_at = Timestamptz(null=True, default=None)
    initial_assessment_on = Date(null=True, default=None)
    plan_signed_off_on = Date(null=True, default=None)
    plan_signed_off_by = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz(default=TimestamptzNow())


class SubjectVictim(Table, tablename="subject_victim"):
    """A victim linked to a perpetrator subject, with their MARAC case where there is one."""

    id: Serial
    subject = ForeignKey(
        null=False, references=PerpetratorSubject, on_delete=OnDelete.restrict, index=True
    )
    victim = ForeignKey(null=False, references=Person, on_delete=OnDelete.restrict, index=True)
    case = ForeignKey(references=Case, null=True, on_delete=OnDelete.restrict, index=True)


class RfgvStage(StrEnum):
    ENTRY = "entry"
    EXIT = "exit"


class RfgvAssessment(Table, tablename="rfgv_assessment"):
    """A perpetrator's RFG-V score at entry or at exit, with the inputs it was worked out
    from and the version of the calculation that did it (weights differ by force)."""

    id: Serial
    subject = ForeignKey(
        null=False, references=PerpetratorSubject, on_delete=OnDelete.restrict, index=True
    )
    stage = Varchar(length=10, choices=RfgvStage)
    inputs = JSON(default={})
    calculation_version = Varchar(length=60)
    score = Integer()
    assessed_on = Date()
    recorded_by = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz(default=TimestamptzNow())
