"""Request and response shapes for actions, their status history and the overdue report,
and the perpetrator-panel activity sub-areas (domain.md §3)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from panel_service.actions.tables import ActionCategory, ActionStatus
from panel_service.validation import NO_NUL, Id


class ActionSubArea(StrEnum):
    """Every activity sub-area of domain.md §3; ``SUB_AREAS`` says which category has which
    (some, such as housing, belong to both support and disruption)."""

    PHYSICAL_HEALTH = "physical_health"
    MENTAL_HEALTH = "mental_health"
    HOUSING = "housing"
    CHILDREN_AND_FAMILIES = "children_and_families"
    SUBSTANCE_MISUSE = "substance_misuse"
    SOCIALISATION_AND_COMMUNITY = "socialisation_and_community"
    PURPOSEFUL_ACTIVITIES = "purposeful_activities"
    EDUCATION_EMPLOYMENT_AND_TRAINING = "education_employment_and_training"
    BENEFITS_DEBT_AND_FINANCES = "benefits_debt_and_finances"
    BEHAVIOURAL_AND_ATTITUDINAL_CHANGE = "behavioural_and_attitudinal_change"
    IDENTITY = "identity"
    EVIDENCE_GATHERING_FOR_PROSECUTION = "evidence_gathering_for_prosecution"
    USE_OF_BREACH_OF_ORDERS = "use_of_breach_of_orders"
    LEGAL_PROCEEDINGS = "legal_proceedings"
    INFORMATION_SHARING_WITH_POLICE = "information_sharing_with_police"
    AVAILABILITY_OF_VICTIMS = "availability_of_victims"
    NOTIFICATION = "notification"
    FOCUSED_INTERVENTIONS_ON_ATTITUDES_BELIEFS_AND_BEHAVIOUR = (
        "focused_interventions_on_attitudes_beliefs_and_behaviour"
    )


_A = ActionSubArea
SUB_AREAS: dict[ActionCategory, frozenset[ActionSubArea]] = {
    ActionCategory.SUPPORT: frozenset(
        {
            _A.PHYSICAL_HEALTH,
            _A.MENTAL_HEALTH,
            _A.HOUSING,
            _A.CHILDREN_AND_FAMILIES,
            _A.SUBSTANCE_MISUSE,
            _A.SOCIALISATION_AND_COMMUNITY,
            _A.PURPOSEFUL_ACTIVITIES,
            _A.EDUCATION_EMPLOYMENT_AND_TRAINING,
            _A.BENEFITS_DEBT_AND_FINANCES,
            _A.BEHAVIOURAL_AND_ATTITUDINAL_CHANGE,
            _A.IDENTITY,
        }
    ),
    ActionCategory.DISRUPTION: frozenset(
        {
            _A.CHILDREN_AND_FAMILIES,
            _A.EVIDENCE_GATHERING_FOR_PROSECUTION,
            _A.USE_OF_BREACH_OF_ORDERS,
            _A.LEGAL_PROCEEDINGS,
            _A.INFORMATION_SHARING_WITH_POLICE,
            _A.AVAILABILITY_OF_VICTIMS,
            _A.NOTIFICATION,
            _A.HOUSING,
            _A.BENEFITS_DEBT_AND_FINANCES,
        }
    ),
    ActionCategory.BEHAVIOUR_CHANGE: frozenset(
        {_A.FOCUSED_INTERVENTIONS_ON_ATTITUDES_BELIEFS_AND_BEHAVIOUR}
    ),
}

# Long enough to be specific (checked after stripping, in the service), short enough to
# stay an action rather than a report.
DESCRIPTION_MIN_LENGTH = 10
Description = Annotated[str, msgspec.Meta(max_length=2000, pattern=NO_NUL)]
OwnerName = Annotated[str, msgspec.Meta(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
Note = Annotated[str, msgspec.Meta(max_length=2000, pattern=NO_NUL)]


class ActionCreate(msgspec.Struct, forbid_unknown_fields=True):
    """An action agreed at a listing: specific, owned by one agency (optionally a named
    person), with a due date; perpetrator-panel actions also carry their activity."""

    agency_id: Id
    description: Description
    due_date: date
    owner_id: Id | None = None
    owner_name: OwnerName = ""
    category: ActionCategory | None = None
    sub_area: ActionSubArea | None = None


class ActionUpdate(msgspec.Struct, forbid_unknown_fields=True):
    description: Description | msgspec.UnsetType = msgspec.UNSET
    due_date: date | msgspec.UnsetType = msgspec.UNSET
    owner_id: Id | msgspec.UnsetType | None = msgspec.UNSET
    owner_name: OwnerName | msgspec.UnsetType = msgspec.UNSET


class ActionStatusUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """An agency's report on its action; the not-completed outcomes and reopening need a
    note saying why."""

    status: ActionStatus
    note: Note = ""


class ActionFilters(msgspec.Struct, frozen=True):
    agency_id: int | None = None
    status: ActionStatus | None = None
    overdue: bool | None = None
    case_id: int | None = None
    subject_id: int | None = None
    meeting_id: int | None = None
    due_before: date | None = None


class ActionRead(msgspec.Struct):
    id: int
    listing_id: int
    meeting_id: int
    case_id: int | None
    subject_id: int | None
    agency_id: int
    agency_name: str
    owner_id: int | None
    owner_name: str
    description: str
    due_date: date
    category: ActionCategory | None
    sub_area: ActionSubArea | None
    status: ActionStatus
    outcome_note: str
    closed_on: date | None
    created_at: datetime
    overdue: bool


class ActionStatusChangeRead(msgspec.Struct):
    id: int
    from_status: ActionStatus | None
    to_status: ActionStatus
    note: str
    changed_by_id: int | None
    changed_by_name: str | None
    changed_at: datetime


class ActionDetail(ActionRead):
    """An action with its status history, oldest change first."""

    history: list[ActionStatusChangeRead]


class AgencyOverdue(msgspec.Struct):
    """One agency's open actions, how many are overdue, and the oldest overdue due date."""

    agency_id: int
    agency_name: str
    open: int
    overdue: int
    oldest_overdue_due_date: date | None
