"""Perpetrator-panel eligibility, decisions and the Drive clocks as pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from panel_service.cases.drive import (
    assess_eligibility,
    check_decision,
    clock_status,
    drive_clocks,
    is_eligible,
)
from panel_service.cases.schemas import (
    ClockStatus,
    DecisionOutcome,
    EligibilityResult,
    InterventionEvidencedAs,
    SubjectDecision,
)
from panel_service.cases.tables import Pathway, PersonalConnection, RiskIdentifiedBy
from panel_service.errors import Invalid
from panel_service.panels.tables import Nation

LONDON = ZoneInfo("Europe/London")
REFERRAL_DAY = date(2026, 3, 2)


def _checks(**overrides: object) -> list:
    arguments: dict = {
        "victim_high_risk": True,
        "risk_identified_by": RiskIdentifiedBy.RFG_V,
        "connection": PersonalConnection.FAMILY_MEMBER,
        "perpetrator_date_of_birth": date(1990, 1, 1),
        "victim_dates_of_birth": [date(1992, 1, 1)],
        "referral_day": REFERRAL_DAY,
    }
    arguments.update(overrides)
    return assess_eligibility(**arguments)


def _result(checks: list, criterion: str) -> EligibilityResult:
    return next(c.result for c in checks if c.criterion == criterion)


def test_a_referral_meeting_every_criterion_is_eligible() -> None:
    checks = _checks()
    assert is_eligible(checks)
    assert {c.result for c in checks} == {EligibilityResult.MET}


@pytest.mark.parametrize(
    ("override", "criterion"),
    [
        ({"victim_high_risk": False}, "victim_high_risk"),
        ({"risk_identified_by": None}, "identified_as_high_risk"),
        ({"connection": PersonalConnection.NONE}, "personally_connected"),
        ({"perpetrator_date_of_birth": date(2010, 3, 3)}, "perpetrator_aged_16_or_over"),
        (
            {"victim_dates_of_birth": [date(1990, 1, 1), date(2010, 3, 3)]},
            "victims_aged_16_or_over",
        ),
    ],
)
def test_each_unmet_criterion_makes_the_referral_ineligible(override: dict, criterion: str) -> None:
    checks = _checks(**override)
    assert not is_eligible(checks)
    assert _result(checks, criterion) is EligibilityResult.NOT_MET


def test_an_unknown_age_is_recorded_as_not_known_and_does_not_disqualify() -> None:
    checks = _checks(perpetrator_date_of_birth=None, victim_dates_of_birth=[None])
    assert _result(checks, "perpetrator_aged_16_or_over") is EligibilityResult.NOT_KNOWN
    assert _result(checks, "victims_aged_16_or_over") is EligibilityResult.NOT_KNOWN
    assert is_eligible(checks)


def test_an_eligible_referral_is_turned_down_only_on_evidenced_grounds() -> None:
    decline = SubjectDecision(outcome=DecisionOutcome.NOT_ACCEPT, reason="Lives abroad")
    with pytest.raises(Invalid) as refused:
        check_decision(decline, _checks())
    assert refused.value.field == "intervention_evidenced_as"
    evidenced = SubjectDecision(
        outcome=DecisionOutcome.NOT_ACCEPT,
        reason="Contact would raise the risk to the victim",
        intervention_evidenced_as=InterventionEvidencedAs.NOT_SAFE,
    )
    check_decision(evidenced, _checks())


def test_an_ineligible_referral_cannot_be_accepted() -> None:
    accept = SubjectDecision(
        outcome=DecisionOutcome.ACCEPT, pathway=Pathway.ENGAGING, case_manager_id=1
    )
    with pytest.raises(Invalid) as refused:
        check_decision(accept, _checks(connection=PersonalConnection.NONE))
    assert refused.value.field == "outcome"
    assert "personally_connected" in refused.value.message


def test_a_clock_done_late_stays_overdue() -> None:
    assert clock_status(date(2026, 3, 16), date(2026, 3, 16), date(2026, 4, 1)) is ClockStatus.MET
    assert (
        clock_status(date(2026, 3, 16), date(2026, 3, 17), date(2026, 4, 1)) is ClockStatus.OVERDUE
    )
    assert clock_status(date(2026, 3, 16), None, date(2026, 3, 16)) is ClockStatus.PENDING
    assert clock_status(date(2026, 3, 16), None, date(2026, 3, 17)) is ClockStatus.OVERDUE


def test_working_day_clocks_skip_easter_in_england() -> None:
    # Received Thu 26 March 2026. Good Friday 3 April and Easter Monday 6 April are bank
    # holidays: 10 working days end on Mon 13 April (not Thu 9), 20 on Mon 27 April.
    received = datetime(2026, 3, 26, 11, 0, tzinfo=UTC)
    clocks = drive_clocks(
        received,
        LONDON,
        Nation.ENGLAND,
        None,
        None,
        None,
        now=datetime(2026, 4, 13, 17, 0, tzinfo=UTC),
    )
    assert clocks.response.due == datetime(2026, 3, 28, 11, 0, tzinfo=UTC)
    assert clocks.response.status is ClockStatus.OVERDUE
    assert clocks.initial_assessment.due == date(2026, 4, 13)
    assert clocks.initial_assessment.status is ClockStatus.PENDING
    assert clocks.plan_sign_off.due == date(2026, 4, 27)


def test_the_referral_day_is_the_panels_local_date() -> None:
    # 23:30 UTC on Sunday 29 March 2026 is already Monday 30 March in London (BST).
    received = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    clocks = drive_clocks(received, LONDON, Nation.ENGLAND, None, None, None, now=received)
    assert clocks.initial_assessment.due == date(2026, 4, 15)
