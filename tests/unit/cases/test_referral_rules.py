"""The referral rules as pure functions: age, the repeat window and definition, serials."""

from __future__ import annotations

from datetime import date

import pytest

from panel_service.cases.rules import (
    age_on,
    check_criteria,
    counts_as_repeat,
    is_serial,
    is_within_repeat_window,
    refuse_under_16,
)
from panel_service.cases.schemas import CriterionClaim
from panel_service.cases.tables import Criterion, IncidentType
from panel_service.errors import Invalid
from panel_service.panels.schemas import PanelSettings
from panel_service.panels.tables import RepeatDefinition


def test_age_turns_over_on_the_birthday_not_the_day_before() -> None:
    assert age_on(date(2010, 3, 2), date(2026, 3, 1)) == 15
    assert age_on(date(2010, 3, 2), date(2026, 3, 2)) == 16


def test_someone_born_on_29_february_is_a_year_older_on_1_march() -> None:
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_a_victim_under_16_is_refused_naming_the_field_and_the_children_route() -> None:
    with pytest.raises(Invalid) as refused:
        refuse_under_16(date(2010, 3, 3), date(2026, 3, 2), "victim", "victim.date_of_birth")
    assert refused.value.field == "victim.date_of_birth"
    assert "children's social care" in refused.value.message


def test_sixteen_today_and_an_unknown_date_of_birth_are_accepted() -> None:
    refuse_under_16(date(2010, 3, 2), date(2026, 3, 2), "victim", "victim.date_of_birth")
    refuse_under_16(None, date(2026, 3, 2), "perpetrator", "perpetrator.date_of_birth")


def test_the_repeat_window_includes_the_day_exactly_window_months_later() -> None:
    assert is_within_repeat_window(date(2025, 3, 2), date(2026, 3, 2), 12)
    assert not is_within_repeat_window(date(2025, 3, 2), date(2026, 3, 3), 12)


def test_a_window_from_the_31st_ends_on_the_last_day_of_a_shorter_month() -> None:
    assert is_within_repeat_window(date(2026, 1, 31), date(2026, 2, 28), 1)
    assert not is_within_repeat_window(date(2026, 1, 31), date(2026, 3, 1), 1)


def test_the_current_definition_counts_any_abuse_and_the_legacy_one_only_three_kinds() -> None:
    contact_only = [IncidentType.UNWANTED_CONTACT]
    assert counts_as_repeat(contact_only, RepeatDefinition.CURRENT)
    assert not counts_as_repeat(contact_only, RepeatDefinition.LEGACY)
    assert counts_as_repeat(
        [IncidentType.UNWANTED_CONTACT, IncidentType.STALKING_OR_HARASSMENT],
        RepeatDefinition.LEGACY,
    )


def test_visible_high_risk_is_judged_against_the_panels_threshold() -> None:
    claim = [CriterionClaim(criterion=Criterion.VISIBLE_HIGH_RISK)]
    met = check_criteria(claim, 12, None, PanelSettings(dash_threshold=12), None)
    assert [c.criterion for c in met] == [Criterion.VISIBLE_HIGH_RISK]
    with pytest.raises(Invalid) as refused:
        check_criteria(claim, 12, None, PanelSettings(), None)
    assert refused.value.field == "criteria[0].criterion"


def test_a_criterion_listed_twice_is_refused_at_its_index() -> None:
    claim = CriterionClaim(criterion=Criterion.POTENTIAL_ESCALATION)
    with pytest.raises(Invalid) as refused:
        check_criteria([claim, claim], None, 5, PanelSettings(), None)
    assert refused.value.field == "criteria[1].criterion"


def test_two_victims_three_years_apart_to_the_day_make_a_serial_perpetrator() -> None:
    assert is_serial([(date(2023, 3, 2), 1), (date(2026, 3, 2), 2)])
    assert not is_serial([(date(2023, 3, 2), 1), (date(2026, 3, 3), 2)])


def test_the_same_victim_referred_again_does_not_make_a_serial_perpetrator() -> None:
    assert not is_serial([(date(2025, 1, 1), 1), (date(2025, 6, 1), 1), (date(2026, 1, 1), 1)])


def test_a_serial_pair_is_found_between_other_cases() -> None:
    cases = [
        (date(2018, 1, 1), 1),
        (date(2024, 1, 1), 1),
        (date(2025, 6, 1), 1),
        (date(2026, 1, 1), 2),
    ]
    assert is_serial(cases)
