"""The one Piccolo app: every table, and the committed migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from panel_service.accounts.tables import (
    AgencyRepresentative,
    ApiToken,
    RecoveryCode,
    User,
    UserSession,
)
from panel_service.actions.tables import Action, ActionStatusChange
from panel_service.agencies.tables import Agency
from panel_service.audit.tables import AuditEvent
from panel_service.cases.tables import (
    Case,
    Child,
    DashAssessment,
    PerpetratorSubject,
    Person,
    ReferralCriterion,
    RfgvAssessment,
    SubjectVictim,
    VictimContact,
)
from panel_service.meetings.tables import Attendance, Listing, Meeting, VictimVoice
from panel_service.messaging.tables import (
    ActionLink,
    CalendarFeed,
    MeetingInvitee,
    OutboxMessage,
    ReminderSent,
)
from panel_service.minutes.tables import InformationShared, ListingMinutes, MinutesVersion
from panel_service.panels.tables import Panel, PanelAgency, PanelStaff

TABLES = [
    Agency,
    User,
    UserSession,
    RecoveryCode,
    AgencyRepresentative,
    ApiToken,
    Panel,
    PanelAgency,
    PanelStaff,
    Person,
    VictimContact,
    Case,
    ReferralCriterion,
    DashAssessment,
    Child,
    PerpetratorSubject,
    SubjectVictim,
    RfgvAssessment,
    Meeting,
    Listing,
    Attendance,
    VictimVoice,
    Action,
    ActionStatusChange,
    ListingMinutes,
    InformationShared,
    MinutesVersion,
    AuditEvent,
    OutboxMessage,
    MeetingInvitee,
    ActionLink,
    ReminderSent,
    CalendarFeed,
]

APP_CONFIG = AppConfig(
    app_name="panel_service",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=TABLES,
    migration_dependencies=[],
    commands=[],
)
