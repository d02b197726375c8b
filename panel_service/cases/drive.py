"""Perpetrator-panel rules of domain.md §3 (the Bradford Drive specification), as pure
functions: who is eligible, how a referral may be decided, and the service clocks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from panel_service.cases.rules import MARAC_MINIMUM_AGE, age_on
from panel_service.cases.schemas import (
    ClockStatus,
    DecisionOutcome,
    DriveClocks,
    EligibilityCheck,
    EligibilityResult,
    ResponseClock,
    SubjectDecision,
    WorkingDayClock,
)
from panel_service.cases.tables import PersonalConnection, RiskIdentifiedBy
from panel_service.errors import Invalid
from panel_service.panels.tables import Nation
from panel_service.panels.working_days import add_working_days

RESPONSE_WINDOW = timedelta(hours=48)
INITIAL_ASSESSMENT_WORKING_DAYS = 10
PLAN_SIGN_OFF_WORKING_DAYS = 20

MET, NOT_MET, NOT_KNOWN = (
    EligibilityResult.MET,
    EligibilityResult.NOT_MET,
    EligibilityResult.NOT_KNOWN,
)


def _age_check(
    criterion: str, messages: tuple[str, str, str], dates_of_birth: Sequence[date | None], on: date
) -> EligibilityCheck:
    """``messages`` say, in order: all are 16 or over; one is under 16; one's age is unknown."""
    ages = [None if dob is None else age_on(dob, on) for dob in dates_of_birth]
    if any(age is not None and age < MARAC_MINIMUM_AGE for age in ages):
        return EligibilityCheck(criterion, NOT_MET, messages[1])
    if any(age is None for age in ages):
        return EligibilityCheck(criterion, NOT_KNOWN, messages[2])
    return EligibilityCheck(criterion, MET, messages[0])


def assess_eligibility(
    victim_high_risk: bool,
    risk_identified_by: RiskIdentifiedBy | None,
    connection: PersonalConnection,
    perpetrator_date_of_birth: date | None,
    victim_dates_of_birth: Sequence[date | None],
    referral_day: date,
) -> list[EligibilityCheck]:
    """Each eligibility criterion with its result. An unknown age is recorded as not
    known and does not by itself make the referral ineligible."""
    return [
        EligibilityCheck(
            "victim_high_risk",
            MET if victim_high_risk else NOT_MET,
            "the victim is high risk" if victim_high_risk else "the victim is not high risk",
        ),
        EligibilityCheck(
            "identified_as_high_risk",
            MET if risk_identified_by else NOT_MET,
            f"identified by {risk_identified_by.value.replace('_', ' ')}"
            if risk_identified_by
            else "not identified by a police or perpetrator panel or by RFG-V",
        ),
        EligibilityCheck(
            "personally_connected",
            NOT_MET if connection is PersonalConnection.NONE else MET,
            f"connection: {connection.value.replace('_', ' ')}",
        ),
        _age_check(
            "perpetrator_aged_16_or_over",
            (
                "the perpetrator is 16 or over",
                "the perpetrator is under 16",
                "the perpetrator's date of birth is not known",
            ),
            [perpetrator_date_of_birth],
            referral_day,
        ),
        _age_check(
            "victims_aged_16_or_over",
            (
                "every victim is 16 or over",
                "a victim is under 16",
                "a victim's date of birth is not known",
            ),
            victim_dates_of_birth,
            referral_day,
        ),
    ]


def is_eligible(checks: Sequence[EligibilityCheck]) -> bool:
    return all(check.result is not NOT_MET for check in checks)


def check_decision(decision: SubjectDecision, checks: Sequence[EligibilityCheck]) -> None:
    """An ineligible referral cannot be accepted; an eligible one can be turned down only
    when the intervention is evidenced as not safe or not appropriate."""
    eligible = is_eligible(checks)
    if decision.outcome is DecisionOutcome.ACCEPT:
        if not eligible:
            unmet = ", ".join(c.criterion for c in checks if c.result is NOT_MET)
            raise Invalid(f"the referral is not eligible ({unmet})", field="outcome")
        if decision.pathway is None:
            raise Invalid("choose a pathway: engaging or disrupt_only", field="pathway")
        if decision.case_manager_id is None:
            raise Invalid("name the case manager", field="case_manager_id")
        return
    for field in ("pathway", "case_manager_id"):
        if getattr(decision, field) is not None:
            raise Invalid(f"only an accepted referral has a {field}", field=field)
    if not decision.reason.strip():
        raise Invalid("give the reason the referral is not accepted", field="reason")
    if eligible and decision.intervention_evidenced_as is None:
        raise Invalid(
            "an eligible referral can be turned down only if the intervention is evidenced "
            "as not_safe or not_appropriate; give the evidence in reason",
            field="intervention_evidenced_as",
        )


Moment = TypeVar("Moment", date, datetime)


def clock_status(due: Moment, done: Moment | None, current: Moment) -> ClockStatus:
    """Met if done by the deadline; overdue if done late or still not done after it."""
    if done is not None:
        return ClockStatus.MET if done <= due else ClockStatus.OVERDUE
    return ClockStatus.OVERDUE if current > due else ClockStatus.PENDING


def drive_clocks(
    received_at: datetime,
    zone: ZoneInfo,
    nation: Nation,
    agencies_contacted_at: datetime | None,
    initial_assessment_on: date | None,
    plan_signed_off_on: date | None,
    now: datetime,
) -> DriveClocks:
    """The three Drive service clocks, working days counted in the panel's nation."""
    referral_day = received_at.astimezone(zone).date()
    today = now.astimezone(zone).date()
    response_due = received_at + RESPONSE_WINDOW
    assessment_due = add_working_days(referral_day, INITIAL_ASSESSMENT_WORKING_DAYS, nation)
    plan_due = add_working_days(referral_day, PLAN_SIGN_OFF_WORKING_DAYS, nation)
    return DriveClocks(
        response=ResponseClock(
            due=response_due,
            done_at=agencies_contacted_at,
            status=clock_status(response_due, agencies_contacted_at, now),
        ),
        initial_assessment=WorkingDayClock(
            due=assessment_due,
            done_on=initial_assessment_on,
            status=clock_status(assessment_due, initial_assessment_on, today),
        ),
        plan_sign_off=WorkingDayClock(
            due=plan_due,
            done_on=plan_signed_off_on,
            status=clock_status(plan_due, plan_signed_off_on, today),
        ),
    )
