"""The referral rules of domain.md §2.1, as pure functions of the data they judge."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from dateutil.relativedelta import relativedelta

from panel_service.cases.schemas import CriterionClaim, CriterionRead
from panel_service.cases.tables import Criterion, IncidentType
from panel_service.errors import Invalid
from panel_service.panels.schemas import PanelSettings
from panel_service.panels.tables import RepeatDefinition

MARAC_MINIMUM_AGE = 16
SERIAL_WINDOW = relativedelta(years=3)

# The older definition of a repeat counts only these (domain.md §2.1, criterion 4).
LEGACY_REPEAT_INCIDENTS = frozenset(
    {
        IncidentType.VIOLENCE_OR_THREATS,
        IncidentType.STALKING_OR_HARASSMENT,
        IncidentType.SEXUAL_ABUSE,
    }
)


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years of age on ``day``; someone born on 29 February turns a year older
    on 1 March in other years."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


def refuse_under_16(date_of_birth: date | None, referral_date: date, role: str, field: str) -> None:
    """MARAC hears adults and 16-17-year-olds; a child goes to children's services.
    An unknown date of birth is accepted."""
    if date_of_birth is None or age_on(date_of_birth, referral_date) >= MARAC_MINIMUM_AGE:
        return
    if role == "victim":
        message = (
            "MARAC hears victims aged 16 and over; refer a child at risk to "
            "children's social care / the MASH"
        )
    else:
        message = (
            "MARAC hears cases whose perpetrator is aged 16 or over; refer a child who "
            "harms to children's social care / the MASH"
        )
    raise Invalid(message, field=field)


def check_awareness(victim_aware: bool, not_aware_reason: str) -> None:
    """A referral may go ahead without the victim knowing, but the reason is recorded."""
    if not victim_aware and not not_aware_reason.strip():
        raise Invalid(
            "say why the victim is not aware of the referral", field="victim_not_aware_reason"
        )


def is_within_repeat_window(earlier: date, later: date, window_months: int) -> bool:
    """True up to and including the day ``window_months`` months after ``earlier``."""
    return later <= earlier + relativedelta(months=window_months)


def counts_as_repeat(incident_types: Iterable[IncidentType], definition: RepeatDefinition) -> bool:
    """Whether this referral's incident can make it a repeat under the panel's definition.

    The current definition counts any abuse, crime or not; the legacy one only violence
    or threats, stalking or harassment, and sexual abuse.
    """
    if definition is RepeatDefinition.CURRENT:
        return True
    return not LEGACY_REPEAT_INCIDENTS.isdisjoint(incident_types)


def repeat_criterion(
    earlier_reference: str, earlier_date: date, window_months: int
) -> CriterionRead:
    return CriterionRead(
        criterion=Criterion.REPEAT,
        evidence=(
            f"Referred again within {window_months} months of the last referral of this "
            f"victim and perpetrator, {earlier_reference} on {earlier_date.isoformat()}."
        ),
    )


def check_criteria(
    claims: Sequence[CriterionClaim],
    dash_score: int | None,
    incidents_last_12_months: int | None,
    settings: PanelSettings,
    repeat: CriterionRead | None,
) -> list[CriterionRead]:
    """The criteria the referral meets, or ``Invalid`` naming the first claim that fails.

    ``repeat`` is the criterion found from earlier referrals, if any: the service decides
    a repeat, so a referrer cannot claim one.
    """
    seen: set[Criterion] = set()
    met: list[CriterionRead] = []
    for index, claim in enumerate(claims):
        field = f"criteria[{index}]"
        if claim.criterion in seen:
            raise Invalid(f"{claim.criterion.value} is listed twice", field=f"{field}.criterion")
        seen.add(claim.criterion)
        _check_claim(claim, field, dash_score, incidents_last_12_months, settings)
        met.append(CriterionRead(criterion=claim.criterion, evidence=claim.evidence.strip()))
    if repeat is not None:
        met.append(repeat)
    if not met:
        raise Invalid(
            "a referral must meet at least one criterion: visible high risk, professional "
            "judgement, potential escalation or repeat",
            field="criteria",
        )
    return met


def _check_claim(
    claim: CriterionClaim,
    field: str,
    dash_score: int | None,
    incidents: int | None,
    settings: PanelSettings,
) -> None:
    match claim.criterion:
        case Criterion.VISIBLE_HIGH_RISK:
            if dash_score is None or dash_score < settings.dash_threshold:
                raise Invalid(
                    f"visible high risk needs a DASH score of at least "
                    f"{settings.dash_threshold} (this panel's threshold); "
                    f"the score given is {'none' if dash_score is None else dash_score}",
                    field=f"{field}.criterion",
                )
        case Criterion.PROFESSIONAL_JUDGEMENT:
            if not claim.evidence.strip():
                raise Invalid(
                    "professional judgement needs a written rationale",
                    field=f"{field}.evidence",
                )
        case Criterion.POTENTIAL_ESCALATION:
            counted = (
                "police-reported incidents" if settings.escalation_police_only else "incidents"
            )
            if incidents is None or incidents < settings.escalation_incidents:
                raise Invalid(
                    f"potential escalation needs at least {settings.escalation_incidents} "
                    f"{counted} in the last {settings.escalation_window_months} months",
                    field=f"{field}.criterion",
                )
        case Criterion.REPEAT:
            raise Invalid(
                "repeat is decided from earlier referrals of this victim and perpetrator, "
                "not claimed; record a MARAC elsewhere in previous_marac",
                field=f"{field}.criterion",
            )


def is_serial(cases: Iterable[tuple[date, int]]) -> bool:
    """A serial perpetrator: two of their cases with different victims referred at most
    three years apart. ``cases`` are (referral date, victim id) pairs of one perpetrator."""
    ordered = sorted(cases)
    if len({victim for _, victim in ordered}) < 2:
        return False  # the common case, decided without date arithmetic
    for index, (earlier, victim) in enumerate(ordered):
        limit = earlier + SERIAL_WINDOW
        for later, other_victim in ordered[index + 1 :]:
            if later > limit:
                break
            if other_victim != victim:
                return True
    return False
