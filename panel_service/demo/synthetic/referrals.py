"""Referrals: victims and perpetrators, their cases, criteria, DASH scores and children."""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from panel_service.cases.tables import (
    Case,
    CaseStatus,
    Child,
    Criterion,
    DashAssessment,
    Gender,
    IncidentType,
    Person,
    ReferralCriterion,
    VictimContact,
)
from panel_service.demo.synthetic import vocabulary as words
from panel_service.demo.synthetic.organisation import Area, Organisation, Staff
from panel_service.demo.synthetic.plan import Context, Rows, at

# Shares from the national figures of domain.md §4 where there is one.
REPEAT_SHARE = 0.32
SERIAL_SHARE = 0.08
CHILDREN_SHARE = 0.5
IDVA_SHARE = 0.9
# A repeat is a referral within 12 months of the pair's last one; draw inside that.
REPEAT_WINDOW = timedelta(days=330)
SERIAL_WINDOW = timedelta(days=3 * 365)
DASH_THRESHOLD = 14
ESCALATION_INCIDENTS = 3


PERSON_COLUMNS = (
    Person.id,
    Person.full_name,
    Person.aliases,
    Person.date_of_birth,
    Person.gender,
    Person.ethnicity,
    Person.racially_minoritised,
    Person.disabled,
    Person.lgbt,
    Person.created_at,
)
CONTACT_COLUMNS = (
    VictimContact.id,
    VictimContact.person,
    VictimContact.address,
    VictimContact.postcode,
    VictimContact.phone,
    VictimContact.safe_to_call,
    VictimContact.safe_times,
    VictimContact.safe_contacts,
    VictimContact.unsafe_contacts,
    VictimContact.feared_people,
)
CASE_COLUMNS = (
    Case.id,
    Case.reference,
    Case.panel,
    Case.victim,
    Case.perpetrator,
    Case.relationship,
    Case.referral_date,
    Case.referring_agency,
    Case.referrer_name,
    Case.dash_score,
    Case.incidents_last_12_months,
    Case.incident_types,
    Case.victim_aware,
    Case.victim_not_aware_reason,
    Case.victim_consented,
    Case.previous_marac,
    Case.is_repeat,
    Case.repeat_of,
    Case.assigned_idva,
    Case.status,
    Case.created_at,
)
CRITERION_COLUMNS = (
    ReferralCriterion.id,
    ReferralCriterion.case,
    ReferralCriterion.criterion,
    ReferralCriterion.evidence,
)
DASH_COLUMNS = (
    DashAssessment.id,
    DashAssessment.case,
    DashAssessment.score,
    DashAssessment.assessed_on,
    DashAssessment.recorded_by,
    DashAssessment.recorded_at,
)
CHILD_COLUMNS = (
    Child.id,
    Child.case,
    Child.date_of_birth,
    Child.relationship_to_victim,
    Child.relationship_to_perpetrator,
    Child.school,
)


@dataclass(slots=True)
class Referral:
    id: int
    reference: str
    area: Area
    day: date
    victim: int
    perpetrator: int
    relationship: str
    idva: Staff | None
    repeat_of: Referral | None
    dash_score: int
    incidents: int


def referral_rows(ctx: Context, org: Organisation, count: int) -> tuple[list[Referral], list[Rows]]:
    """``count`` referrals in date order, and the rows of every table they fill."""
    people = _People(ctx)
    referrals = _refer(ctx, org, people, count)
    return referrals, [
        Rows(Person, PERSON_COLUMNS, people.rows),
        Rows(VictimContact, CONTACT_COLUMNS, _contacts(ctx, people.victims)),
        Rows(Case, CASE_COLUMNS, _cases(ctx, org, referrals)),
        Rows(ReferralCriterion, CRITERION_COLUMNS, _criteria(ctx, referrals)),
        Rows(DashAssessment, DASH_COLUMNS, _assessments(ctx, org, referrals)),
        Rows(Child, CHILD_COLUMNS, _children(ctx, referrals)),
    ]


class _People:
    """Victims and perpetrators as they are first referred; diversity as nationally."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rows: list[tuple[Any, ...]] = []
        self.victims: list[tuple[int, str, str]] = []
        """Each victim's id, area and the name of the perpetrator they fear."""
        self.ethnicity_weights = [e.weight for e in words.ETHNICITIES]

    def add(self, on: date, victim: bool) -> tuple[int, str]:
        rng = self.ctx.rng
        female = rng.random() < (0.935 if victim else 0.07)
        gender = Gender.FEMALE if female else Gender.MALE
        first = rng.choice(words.FEMALE_FIRST_NAMES if female else words.MALE_FIRST_NAMES)
        name = f"{first} {rng.choice(words.LAST_NAMES)}"
        aliases = f"{first} {rng.choice(words.LAST_NAMES)}" if rng.random() < 0.05 else ""
        age = rng.choice((16, 17)) if rng.random() < 0.013 else int(rng.triangular(18, 75, 30))
        (ethnicity,) = rng.choices(words.ETHNICITIES, self.ethnicity_weights)
        (person_id,) = self.ctx.ids(Person, 1)
        self.rows.append(
            (
                person_id,
                name,
                aliases,
                # Whole years of age on the day, however the leap years fall.
                on - timedelta(days=int((age + rng.random()) * 365.25) + 1),
                gender.value,
                ethnicity.label,
                ethnicity.racially_minoritised,
                rng.random() < 0.10,
                rng.random() < 0.016,
                at(on, 9),
            )
        )
        return person_id, name


def _refer(ctx: Context, org: Organisation, people: _People, count: int) -> list[Referral]:
    """Referrals in date order: a share repeat a recent pair, some perpetrators are serial."""
    rng = ctx.rng
    span = (ctx.today - ctx.first_day).days + 1
    days = sorted(ctx.first_day + timedelta(days=rng.randrange(span)) for _ in range(count))
    referrals: list[Referral] = []
    latest: dict[tuple[int, int], Referral] = {}
    perpetrators: list[tuple[int, str]] = []
    perpetrator_days: list[date] = []
    window = 0  # the first referral inside the repeat window of the current day
    for n, (case_id, day) in enumerate(zip(ctx.ids(Case, count), days, strict=True)):
        while days[window] < day - REPEAT_WINDOW:
            window += 1
        last = None
        if window < n and rng.random() < REPEAT_SHARE:
            earlier = referrals[rng.randrange(window, n)]
            last = latest[(earlier.victim, earlier.perpetrator)]
            area, victim, perpetrator = last.area, last.victim, last.perpetrator
            relationship, idva = last.relationship, last.idva
        else:
            area = rng.choice(org.areas)
            victim, _ = people.add(day, victim=True)
            recent = bisect_left(perpetrator_days, day - SERIAL_WINDOW)
            if recent < len(perpetrators) and rng.random() < SERIAL_SHARE:
                perpetrator, name = perpetrators[rng.randrange(recent, len(perpetrators))]
            else:
                perpetrator, name = people.add(day, victim=False)
                perpetrators.append((perpetrator, name))
                perpetrator_days.append(day)
            people.victims.append((victim, area.name, name))
            (relationship,) = rng.choices(words.RELATIONSHIPS, words.RELATIONSHIP_WEIGHTS)
            idva = rng.choice(org.idvas) if rng.random() < IDVA_SHARE else None
        referral = Referral(
            id=case_id,
            reference=f"{words.REFERENCE_PREFIX}{n + 1:06d}",
            area=area,
            day=day,
            victim=victim,
            perpetrator=perpetrator,
            relationship=relationship,
            idva=idva,
            repeat_of=last,
            dash_score=rng.randint(14, 22) if rng.random() < 0.6 else rng.randint(5, 13),
            incidents=rng.choice((0, 1, 1, 2, 2, 3, 4, 6)),
        )
        latest[(referral.victim, referral.perpetrator)] = referral
        referrals.append(referral)
    return referrals


def _contacts(ctx: Context, victims: list[tuple[int, str, str]]) -> Iterator[tuple[Any, ...]]:
    """Restricted contact details; phone numbers are in Ofcom's range for drama."""
    rng = ctx.stream("contacts")
    for contact_id, (victim, area, feared) in zip(
        ctx.ids(VictimContact, len(victims)), victims, strict=True
    ):
        safe_to_call = rng.random() < 0.7
        yield (
            contact_id,
            victim,
            f"{rng.randint(1, 199)} {rng.choice(words.STREETS)}, {area}",
            f"WY{rng.randint(1, 30)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}Z",
            f"07700 900{rng.randrange(1000):03d}",
            safe_to_call,
            "Weekdays 10:00-14:00" if safe_to_call else "",
            rng.choice(("Sister", "Mother", "Friend at work")),
            rng.choice(("The perpetrator's family", "Shared friends")),
            feared,
        )


def _cases(ctx: Context, org: Organisation, referrals: list[Referral]) -> Iterator[tuple[Any, ...]]:
    rng = ctx.stream("cases")
    agencies = list(org.agencies)
    weights = [profile.referral_weight for profile in org.agencies.values()]
    incident_types = [t.value for t in IncidentType]
    first_names = (words.FEMALE_FIRST_NAMES, words.MALE_FIRST_NAMES)
    closing_age = ctx.today - timedelta(days=365)
    for r in referrals:
        aware = rng.random() < 0.85
        if r.day > closing_age:
            status = CaseStatus.OPEN
        else:
            status = CaseStatus.TRANSFERRED_OUT if rng.random() < 0.02 else CaseStatus.CLOSED
        last = r.repeat_of
        (referring_agency,) = rng.choices(agencies, weights)
        yield (
            r.id,
            r.reference,
            r.area.panel_id,
            r.victim,
            r.perpetrator,
            r.relationship,
            r.day,
            referring_agency,
            f"{rng.choice(rng.choice(first_names))} {rng.choice(words.LAST_NAMES)}",
            r.dash_score,
            r.incidents,
            json.dumps(rng.sample(incident_types, rng.randint(1, 2))),
            aware,
            "" if aware else rng.choice(words.NOT_AWARE_REASONS),
            aware and rng.random() < 0.8,
            f"{words.COUNTY} {last.area.name} MARAC, {last.day:%d %B %Y}" if last else "",
            last is not None,
            last.id if last else None,
            r.idva.id if r.idva else None,
            status.value,
            at(r.day, 10),
        )


def _criteria(ctx: Context, referrals: list[Referral]) -> Iterator[tuple[Any, ...]]:
    """The criteria each referral meets (any one is enough; domain.md §2.1)."""
    rng = ctx.stream("criteria")
    for r in referrals:
        met = []
        if r.dash_score >= DASH_THRESHOLD:
            met.append((Criterion.VISIBLE_HIGH_RISK, f"DASH: {r.dash_score} of 24 answered yes."))
        if r.incidents >= ESCALATION_INCIDENTS:
            met.append((Criterion.POTENTIAL_ESCALATION, f"{r.incidents} incidents in 12 months."))
        if r.repeat_of:
            last = r.repeat_of
            met.append((Criterion.REPEAT, f"Last referred as {last.reference} on {last.day}."))
        if not met or rng.random() < 0.1:
            met.append(
                (Criterion.PROFESSIONAL_JUDGEMENT, rng.choice(words.PROFESSIONAL_JUDGEMENTS))
            )
        for criterion, evidence in met:
            (criterion_id,) = ctx.ids(ReferralCriterion, 1)
            yield criterion_id, r.id, criterion.value, evidence


def _assessments(
    ctx: Context, org: Organisation, referrals: list[Referral]
) -> Iterator[tuple[Any, ...]]:
    rng = ctx.stream("assessments")
    for dash_id, r in zip(ctx.ids(DashAssessment, len(referrals)), referrals, strict=True):
        assessed_on = r.day - timedelta(days=rng.randint(0, 3))
        yield (
            dash_id,
            r.id,
            r.dash_score,
            assessed_on,
            rng.choice(org.coordinators).id,
            at(r.day, 11),
        )


def _children(ctx: Context, referrals: list[Referral]) -> Iterator[tuple[Any, ...]]:
    rng = ctx.stream("children")
    for r in referrals:
        if rng.random() >= CHILDREN_SHARE:
            continue
        for _ in range(rng.choices((1, 2, 3), (50, 35, 15))[0]):
            age_days = rng.randrange(17 * 365)
            to_victim, to_perpetrator = rng.choice(words.CHILD_RELATIONSHIPS)
            if age_days < 4 * 365:
                school = ""
            else:
                school = f"{r.area.name} {'Primary' if age_days < 11 * 365 else 'Academy'}"
            (child_id,) = ctx.ids(Child, 1)
            yield (
                child_id,
                r.id,
                r.day - timedelta(days=age_days),
                to_victim,
                to_perpetrator,
                school,
            )
