"""The action rules as pure functions: SMART descriptions and due dates, perpetrator-panel
activities, status reports and the overdue boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from panel_service.actions.queries import is_overdue
from panel_service.actions.schemas import SUB_AREAS, ActionSubArea
from panel_service.actions.services import (
    check_activity,
    check_description,
    check_due_date,
    check_status_change,
    meeting_day,
)
from panel_service.actions.tables import ActionCategory, ActionStatus
from panel_service.errors import Conflict, Invalid
from panel_service.panels.tables import PanelKind

OPEN = ActionStatus.OPEN
COMPLETED = ActionStatus.COMPLETED
CIRCUMSTANCES_CHANGED = ActionStatus.NOT_COMPLETED_CIRCUMSTANCES_CHANGED
NOT_DONE = ActionStatus.NOT_COMPLETED_NOT_DONE


@pytest.mark.parametrize("description", ["", "          ", "Call her", " \n Visit  \t "])
def test_a_blank_or_vague_description_is_refused_naming_the_field(description: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_description(description)
    assert refused.value.field == "description"


def test_a_specific_description_is_kept_without_surrounding_space() -> None:
    assert check_description("  Housing to change the locks \n") == "Housing to change the locks"


def test_an_action_may_fall_due_on_the_day_of_the_meeting_but_not_before() -> None:
    check_due_date(date(2026, 12, 3), date(2026, 12, 3))
    with pytest.raises(Invalid) as refused:
        check_due_date(date(2026, 12, 2), date(2026, 12, 3))
    assert refused.value.field == "due_date"


def test_the_meeting_day_is_the_panels_local_day() -> None:
    # 23:30 UTC on 30 June is already 1 July in London (BST).
    starts_at = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert meeting_day(starts_at, "Europe/London") == date(2026, 7, 1)
    assert meeting_day(starts_at, "UTC") == date(2026, 6, 30)


def test_a_perpetrator_action_with_a_sub_area_of_its_category_is_accepted() -> None:
    check_activity(PanelKind.PERPETRATOR_PANEL, ActionCategory.SUPPORT, ActionSubArea.MENTAL_HEALTH)
    check_activity(
        PanelKind.PERPETRATOR_PANEL,
        ActionCategory.DISRUPTION,
        ActionSubArea.USE_OF_BREACH_OF_ORDERS,
    )


def test_a_sub_area_shared_by_support_and_disruption_is_accepted_under_either() -> None:
    for category in (ActionCategory.SUPPORT, ActionCategory.DISRUPTION):
        check_activity(PanelKind.PERPETRATOR_PANEL, category, ActionSubArea.HOUSING)


def test_a_sub_area_of_another_category_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        check_activity(
            PanelKind.PERPETRATOR_PANEL,
            ActionCategory.SUPPORT,
            ActionSubArea.EVIDENCE_GATHERING_FOR_PROSECUTION,
        )
    assert refused.value.field == "sub_area"


def test_a_perpetrator_action_needs_a_category_and_a_sub_area() -> None:
    with pytest.raises(Invalid) as no_category:
        check_activity(PanelKind.PERPETRATOR_PANEL, None, None)
    assert no_category.value.field == "category"
    with pytest.raises(Invalid) as no_sub_area:
        check_activity(PanelKind.PERPETRATOR_PANEL, ActionCategory.BEHAVIOUR_CHANGE, None)
    assert no_sub_area.value.field == "sub_area"


def test_a_marac_action_with_a_category_or_sub_area_is_refused() -> None:
    check_activity(PanelKind.MARAC, None, None)
    with pytest.raises(Invalid) as with_category:
        check_activity(PanelKind.MARAC, ActionCategory.SUPPORT, ActionSubArea.HOUSING)
    assert with_category.value.field == "category"
    with pytest.raises(Invalid) as with_sub_area:
        check_activity(PanelKind.MARAC, None, ActionSubArea.HOUSING)
    assert with_sub_area.value.field == "sub_area"


def test_the_activity_categories_have_the_sub_areas_of_domain_section_3() -> None:
    assert {category: len(areas) for category, areas in SUB_AREAS.items()} == {
        ActionCategory.SUPPORT: 11,
        ActionCategory.DISRUPTION: 9,
        ActionCategory.BEHAVIOUR_CHANGE: 1,
    }
    assert set().union(*SUB_AREAS.values()) == set(ActionSubArea)
    assert max(len(area.value) for area in ActionSubArea) <= 60  # the sub_area column


@pytest.mark.parametrize("outcome", [CIRCUMSTANCES_CHANGED, NOT_DONE])
def test_each_not_completed_outcome_needs_a_note_saying_why(outcome: ActionStatus) -> None:
    with pytest.raises(Invalid) as refused:
        check_status_change(OPEN, outcome, "   ")
    assert refused.value.field == "note"
    check_status_change(OPEN, outcome, "The family moved out of the area")


def test_completing_needs_no_note_but_reopening_does() -> None:
    check_status_change(OPEN, COMPLETED, "")
    with pytest.raises(Invalid) as refused:
        check_status_change(COMPLETED, OPEN, "")
    assert refused.value.field == "note"
    check_status_change(COMPLETED, OPEN, "The alarm was removed again")


@pytest.mark.parametrize("status", list(ActionStatus))
def test_reporting_the_status_an_action_already_has_is_a_conflict(status: ActionStatus) -> None:
    with pytest.raises(Conflict) as refused:
        check_status_change(status, status, "Reported twice by mistake")
    assert refused.value.field == "status"


def test_an_action_due_today_is_not_overdue_but_one_due_yesterday_is() -> None:
    today = date(2026, 12, 20)
    assert not is_overdue("open", date(2026, 12, 20), today)
    assert is_overdue("open", date(2026, 12, 19), today)


def test_a_closed_action_is_never_overdue() -> None:
    for status in (COMPLETED, CIRCUMSTANCES_CHANGED, NOT_DONE):
        assert not is_overdue(status.value, date(2026, 1, 1), date(2026, 12, 20))
