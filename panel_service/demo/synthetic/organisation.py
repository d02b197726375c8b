"""The force's organisation: agencies, staff, area MARACs, their meetings and attendance."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from panel_service.accounts.tables import AgencyRepresentative, RepresentativeKind, Role, User
from panel_service.agencies.tables import Agency, AgencyType
from panel_service.demo.synthetic.plan import HORIZON, Context, Rows
from panel_service.demo.synthetic.vocabulary import (
    AGENCIES,
    AREAS,
    COUNTY,
    FEMALE_FIRST_NAMES,
    LAST_NAMES,
    MALE_FIRST_NAMES,
    AgencyProfile,
)
from panel_service.meetings.tables import Attendance, AttendanceStatus, Meeting, MeetingStatus
from panel_service.panels.tables import Nation, Panel, PanelAgency, PanelKind, PanelStaff
from panel_service.panels.working_days import is_working_day

# Enough weekly sittings that ~13 new cases a meeting fit under the cap with room for
# deferrals and reviews (domain.md §2.2: ~16 a meeting nationally).
CASES_PER_AREA = 7_000
MAX_CASES_PER_MEETING = 25
# Staffing ratios of domain.md §1 over ten years: a coordinator per ~400 cases a year,
# an IDVA per ~100.
CASES_PER_COORDINATOR = 400 * 10
CASES_PER_IDVA = 100 * 10
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")
LONDON = ZoneInfo("Europe/London")
SITTING_LENGTH = timedelta(hours=3)

ATTENDANCE = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.APOLOGIES,
    AttendanceStatus.APOLOGIES_INFORMATION_SENT,
    AttendanceStatus.ABSENT,
)
ATTENDANCE_WEIGHTS = (85, 4, 7, 4)
DEPUTY_SHARE = 0.15


AGENCY_COLUMNS = (
    Agency.id,
    Agency.name,
    Agency.agency_type,
    Agency.secure_domains,
    Agency.contact_name,
    Agency.contact_email,
    Agency.created_at,
)
USER_COLUMNS = (User.id, User.email, User.full_name, User.role, User.agency, User.created_at)
REPRESENTATIVE_COLUMNS = (
    AgencyRepresentative.id,
    AgencyRepresentative.agency,
    AgencyRepresentative.user,
    AgencyRepresentative.kind,
)
PANEL_COLUMNS = (
    Panel.id,
    Panel.name,
    Panel.kind,
    Panel.area,
    Panel.recurrence_rule,
    Panel.first_date,
    Panel.start_time,
    Panel.end_time,
    Panel.venue,
    Panel.video_link,
    Panel.max_cases_per_meeting,
    Panel.created_at,
)
PANEL_AGENCY_COLUMNS = (PanelAgency.id, PanelAgency.panel, PanelAgency.agency)
PANEL_STAFF_COLUMNS = (PanelStaff.id, PanelStaff.panel, PanelStaff.user)
MEETING_COLUMNS = (
    Meeting.id,
    Meeting.panel,
    Meeting.starts_at,
    Meeting.ends_at,
    Meeting.venue,
    Meeting.video_link,
    Meeting.status,
    Meeting.cancelled_reason,
    Meeting.chair,
    Meeting.created_at,
)
ATTENDANCE_COLUMNS = (
    Attendance.id,
    Attendance.meeting,
    Attendance.agency,
    Attendance.representative,
    Attendance.attendee_name,
    Attendance.status,
    Attendance.information_sent_on,
    Attendance.confidentiality_signed,
)


@dataclass(frozen=True)
class Staff:
    id: int
    name: str
    email: str


@dataclass(frozen=True)
class Sitting:
    id: int
    day: date
    starts_at: datetime
    ends_at: datetime
    held: bool


@dataclass
class Area:
    """One area MARAC: its panel, the agencies it invites, who speaks for them, its sittings."""

    panel_id: int
    name: str
    agencies: list[int]
    representatives: dict[int, Staff]
    deputies: dict[int, Staff]
    chairs: list[Staff]
    sittings: list[Sitting] = field(default_factory=list)
    days: list[date] = field(default_factory=list)
    """The sittings' days, for bisecting."""


@dataclass
class Organisation:
    agencies: dict[int, AgencyProfile]
    coordinators: list[Staff]
    idvas: list[Staff]
    areas: list[Area]
    rows: list[Rows]


class _Staffing:
    """Hires fictional staff, each with a unique address on their agency's domain."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rows: list[tuple[Any, ...]] = []

    def team(self, count: int, role: Role, agency: int | None, domain: str) -> list[Staff]:
        rng, team = self.ctx.rng, []
        for user_id in self.ctx.ids(User, count):
            first = rng.choice(rng.choice((FEMALE_FIRST_NAMES, MALE_FIRST_NAMES)))
            name = f"{first} {rng.choice(LAST_NAMES)}"
            email = f"{name.replace(' ', '.')}.{len(self.rows) + 1}@{domain}".lower()
            self.rows.append((user_id, email, name, role.value, agency, self.ctx.set_up_at))
            team.append(Staff(user_id, name, email))
        return team


def build_organisation(ctx: Context, cases: int) -> Organisation:
    """Agencies, staff and one weekly MARAC per area, sized for ``cases`` referrals."""
    area_count = max(1, math.ceil(cases / CASES_PER_AREA))
    agency_ids = dict(zip(AGENCIES, ctx.ids(Agency, len(AGENCIES)), strict=True))
    by_type = {p.agency_type: i for p, i in agency_ids.items()}

    staffing = _Staffing(ctx)
    staffing.team(1, Role.ADMINISTRATOR, None, "council.example")
    coordinators = staffing.team(
        math.ceil(cases / CASES_PER_COORDINATOR), Role.COORDINATOR, None, "council.example"
    )
    idvas = staffing.team(
        max(2, math.ceil(cases / CASES_PER_IDVA)),
        Role.IDVA,
        by_type[AgencyType.IDVA_SERVICE],
        "idva.example",
    )
    drive = by_type[AgencyType.PERPETRATOR_PROGRAMME]
    staffing.team(3, Role.CASE_MANAGER, drive, "drive.example")
    staffing.team(1, Role.SERVICE_MANAGER, drive, "drive.example")

    # Each agency has a named representative and a deputy for every two areas.
    pairs = math.ceil(area_count / 2)
    representatives: dict[int, list[Staff]] = {}
    deputies: dict[int, list[Staff]] = {}
    links: list[tuple[int, int, str]] = []
    for profile, agency_id in agency_ids.items():
        for kind, staff_of in (
            (RepresentativeKind.REPRESENTATIVE, representatives),
            (RepresentativeKind.DEPUTY, deputies),
        ):
            staff_of[agency_id] = staffing.team(
                pairs, Role.AGENCY_REPRESENTATIVE, agency_id, profile.domain
            )
            links += [(agency_id, person.id, kind.value) for person in staff_of[agency_id]]

    invited = [i for p, i in agency_ids.items() if p.invited]
    areas = [
        Area(
            panel_id=panel_id,
            name=AREAS[n % len(AREAS)] + (f" {n // len(AREAS) + 1}" if n >= len(AREAS) else ""),
            agencies=invited,
            representatives={a: team[n // 2] for a, team in representatives.items()},
            deputies={a: team[n // 2] for a, team in deputies.items()},
            chairs=staffing.team(2, Role.CHAIR, by_type[AgencyType.POLICE], "police.example"),
        )
        for n, panel_id in enumerate(ctx.ids(Panel, area_count))
    ]
    meetings = [row for n, area in enumerate(areas) for row in _schedule(ctx, area, n)]
    agencies = [
        (
            agency_id,
            profile.name,
            profile.agency_type.value,
            json.dumps([profile.domain]),
            representatives[agency_id][0].name,
            representatives[agency_id][0].email,
            ctx.set_up_at,
        )
        for profile, agency_id in agency_ids.items()
    ]
    panel_agencies = [(area.panel_id, agency) for area in areas for agency in area.agencies]
    # Each area's MARAC is run by its two chairs and one coordinator (in turn).
    panel_staff = [
        (area.panel_id, person.id)
        for n, area in enumerate(areas)
        for person in (*area.chairs, coordinators[n % len(coordinators)])
    ]
    return Organisation(
        agencies={i: p for p, i in agency_ids.items()},
        coordinators=coordinators,
        idvas=idvas,
        areas=areas,
        rows=[
            Rows(Agency, AGENCY_COLUMNS, agencies),
            Rows(User, USER_COLUMNS, staffing.rows),
            Rows(
                AgencyRepresentative,
                REPRESENTATIVE_COLUMNS,
                ctx.numbered(AgencyRepresentative, links),
            ),
            Rows(Panel, PANEL_COLUMNS, [_panel_row(ctx, area, n) for n, area in enumerate(areas)]),
            Rows(PanelAgency, PANEL_AGENCY_COLUMNS, ctx.numbered(PanelAgency, panel_agencies)),
            Rows(PanelStaff, PANEL_STAFF_COLUMNS, ctx.numbered(PanelStaff, panel_staff)),
            Rows(Meeting, MEETING_COLUMNS, meetings),
            Rows(Attendance, ATTENDANCE_COLUMNS, _attendance(ctx, areas)),
        ],
    )


def _first_sitting(ctx: Context, n: int) -> tuple[date, time]:
    """Areas sit on different weekdays, mornings and afternoons in turn."""
    weekday = n % len(WEEKDAYS)
    first = ctx.first_day + timedelta(days=(weekday - ctx.first_day.weekday()) % 7)
    return first, time(9, 30) if (n // len(WEEKDAYS)) % 2 == 0 else time(13, 30)


def _venue(area: Area) -> tuple[str, str]:
    slug = area.name.lower().replace(" ", "-")
    return f"{area.name} Police Station, Conference Room 2", f"https://meet.example/{slug}-marac"


def _panel_row(ctx: Context, area: Area, n: int) -> tuple[Any, ...]:
    first, start = _first_sitting(ctx, n)
    end = (datetime.combine(first, start) + SITTING_LENGTH).time()
    return (
        area.panel_id,
        f"{COUNTY} {area.name} MARAC",
        PanelKind.MARAC.value,
        area.name,
        f"FREQ=WEEKLY;BYDAY={WEEKDAYS[n % len(WEEKDAYS)]}",
        first,
        start,
        end,
        *_venue(area),
        MAX_CASES_PER_MEETING,
        ctx.set_up_at,
    )


def _schedule(ctx: Context, area: Area, n: int) -> Iterator[tuple[Any, ...]]:
    """Weekly sittings from the first day to the horizon: held ones have circulated
    minutes; one that falls on a bank holiday is cancelled and hears nothing."""
    first, start = _first_sitting(ctx, n)
    weeks = (ctx.today + HORIZON - first).days // 7 + 1
    venue, video_link = _venue(area)
    for week, meeting_id in enumerate(ctx.ids(Meeting, weeks)):
        day = first + timedelta(weeks=week)
        starts_at = datetime.combine(day, start, tzinfo=LONDON).astimezone(UTC)
        sitting = Sitting(meeting_id, day, starts_at, starts_at + SITTING_LENGTH, day < ctx.today)
        if not is_working_day(day, Nation.ENGLAND):
            status, reason = MeetingStatus.CANCELLED, "Bank holiday"
        else:
            area.sittings.append(sitting)
            area.days.append(day)
            status = MeetingStatus.MINUTES_CIRCULATED if sitting.held else MeetingStatus.SCHEDULED
            reason = ""
        yield (
            meeting_id,
            area.panel_id,
            sitting.starts_at,
            sitting.ends_at,
            venue,
            video_link,
            status.value,
            reason,
            ctx.rng.choice(area.chairs).id,
            starts_at - timedelta(weeks=4),
        )


def _attendance(ctx: Context, areas: list[Area]) -> Iterator[tuple[Any, ...]]:
    """Every invited agency at every sitting: invited ahead, then present or apologies."""
    rng = ctx.stream("attendance")
    ids = iter(ctx.ids(Attendance, sum(len(a.sittings) * len(a.agencies) for a in areas)))
    for area in areas:
        for sitting in area.sittings:
            for agency in area.agencies:
                named = area.representatives[agency]
                if not sitting.held:
                    invited = AttendanceStatus.INVITED.value
                    yield (next(ids), sitting.id, agency, named.id, "", invited, None, False)
                    continue
                (status,) = rng.choices(ATTENDANCE, ATTENDANCE_WEIGHTS)
                present = status == AttendanceStatus.PRESENT
                attendee = area.deputies[agency] if rng.random() < DEPUTY_SHARE else named
                yield (
                    next(ids),
                    sitting.id,
                    agency,
                    attendee.id if present else named.id,
                    attendee.name if present else "",
                    status.value,
                    sitting.day - timedelta(days=1)
                    if status == AttendanceStatus.APOLOGIES_INFORMATION_SENT
                    else None,
                    present,
                )
