"""The demo data of ``fixtures/demo.json``, loaded through the real services.

Everything goes through the same verbs the API uses (so every rule holds and the audit
trail is written), as the system actor, inside one transaction: the load is all or
nothing. Dates in the fixture are offsets from the day of loading, so the demo always has
past meetings (minutes circulated, actions overdue) and upcoming ones (an agenda being
built, some victim voices still missing). Loading twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import msgspec

from panel_service import db
from panel_service.accounts import services as accounts
from panel_service.accounts.actor import SYSTEM, Actor
from panel_service.accounts.credentials import hash_password
from panel_service.accounts.schemas import RepresentativeCreate, UserCreate
from panel_service.accounts.tables import RepresentativeKind, Role, User
from panel_service.actions import services as actions
from panel_service.actions.schemas import ActionCreate, ActionStatusUpdate
from panel_service.actions.tables import ActionStatus
from panel_service.agencies import services as agencies
from panel_service.agencies.schemas import AgencyCreate
from panel_service.cases import services as cases
from panel_service.cases import subjects
from panel_service.cases.schemas import (
    CaseCreate,
    DecisionOutcome,
    SubjectCreate,
    SubjectDecision,
    SubjectMilestones,
    SubjectVictimLink,
)
from panel_service.cases.tables import Pathway, PersonalConnection, RiskIdentifiedBy
from panel_service.meetings import attendance, lifecycle, listings, victim_voice
from panel_service.meetings import services as meetings
from panel_service.meetings.schemas import (
    AttendanceUpdate,
    ListingCreate,
    ListingOutcomeUpdate,
    ListingRead,
    MeetingCreate,
    VictimVoiceSubmit,
)
from panel_service.meetings.tables import (
    Attendance,
    AttendanceStatus,
    ListingOutcome,
    VoiceNotObtainedReason,
)
from panel_service.messaging.tables import OutboxMessage, OutboxStatus
from panel_service.minutes import services as minutes
from panel_service.minutes.schemas import InformationSharedWrite, ListingMinutesWrite
from panel_service.pagination import PageParams
from panel_service.panels import services as panels
from panel_service.panels.schedule import occurrences
from panel_service.panels.schemas import PanelCreate, StaffAdd
from panel_service.panels.tables import PanelKind
from panel_service.settings import PROJECT_ROOT

FIXTURE = PROJECT_ROOT / "fixtures" / "demo.json"
DEMO_PASSWORD = "panel-demo-password"  # noqa: S105 - published on purpose: demo data only
# The statuses reported for actions agreed at the older past meeting, in turn: the mix a
# coordinator chases (some done, one not possible, one simply not done, some still open).
REPORTED = [
    ("completed", "Done and confirmed with the IDVA."),
    ("open", ""),
    ("not_completed_circumstances_changed", "The victim moved out of the area."),
    ("completed", "Completed within the deadline."),
    ("not_completed_not_done", "No response from the agency despite two reminders."),
    ("open", ""),
]


@dataclass
class Loaded:
    """Keys of the fixture mapped to the ids the database gave them."""

    agencies: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    panels: dict[str, int] = field(default_factory=dict)
    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)
    cases: dict[str, Any] = field(default_factory=dict)
    # The IDVAs, by fixture key, as the actors who record their cases' victim voices.
    idvas: dict[str, Actor] = field(default_factory=dict)


def _years_before(day: date, years: int, extra_days: int) -> date:
    try:
        anniversary = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        anniversary = day.replace(year=day.year - years, day=28)
    return anniversary - timedelta(days=extra_days)


async def load_demo_data(today: date | None = None) -> str:
    """Load the demo (idempotently) and return what to sign in as."""
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    coordinator_email = next(u["email"] for u in fixture["users"] if u["role"] == "coordinator")
    if await User.exists().where(User.email == coordinator_email):
        return "demo data already loaded\n" + await _sign_ins(fixture)
    today = today or datetime.now(UTC).date()
    loaded = Loaded()
    async with db.transaction():
        await _load_people_and_panels(fixture, loaded)
        await _load_meetings(loaded, today)
        await _load_cases(fixture, loaded, today)
        await _run_past_meetings(fixture, loaded, today)
        await _load_subjects(fixture, loaded, today)
        # The past meetings' emails belong to the past: the demo's mail starts with only what
        # the first reminder sweep finds due today (chasers for the demo's overdue actions,
        # reminders of missing victims' voices), and fills as the newcomer publishes,
        # reschedules, cancels and circulates.
        await OutboxMessage.delete().where(OutboxMessage.status == OutboxStatus.QUEUED.value)
    return f"demo data loaded: {len(loaded.cases)} cases\n" + await _sign_ins(fixture)


async def _sign_ins(fixture: dict[str, Any]) -> str:
    """One demo sign-in per role (every demo user has the same password)."""
    shown: dict[str, str] = {}
    for user in fixture["users"]:
        shown.setdefault(user["role"], user["email"])
    lines = [f"  {role:<22} {email}" for role, email in shown.items()]
    return (
        f"demo sign-ins (password {DEMO_PASSWORD!r}; two-factor is off for demo users only):\n"
        + "\n".join(lines)
    )


async def _load_people_and_panels(fixture: dict[str, Any], loaded: Loaded) -> None:
    for a in fixture["agencies"]:
        data = msgspec.convert({k: v for k, v in a.items() if k != "key"}, AgencyCreate)
        loaded.agencies[a["key"]] = (await agencies.create_agency(SYSTEM, data)).id
    for u in fixture["users"]:
        user = await accounts.create_user(
            SYSTEM,
            UserCreate(
                email=u["email"],
                full_name=u["full_name"],
                role=Role(u["role"]),
                agency_id=loaded.agencies.get(u.get("agency", "")),
            ),
        )
        loaded.users[u["key"]] = user.id
        if "represents" in u:
            await accounts.add_representative(
                SYSTEM,
                loaded.agencies[u["agency"]],
                RepresentativeCreate(user_id=user.id, kind=RepresentativeKind(u["represents"])),
            )
    loaded.idvas = {
        u["key"]: await _as_user(loaded.users[u["key"]])
        for u in fixture["users"]
        if u["role"] == Role.IDVA.value
    }
    # Demo users, and only they, may sign in without a second factor. One Argon2 hash
    # serves them all: they share the published demo password.
    await User.update(
        {User.password_hash: hash_password(DEMO_PASSWORD), User.demo_account: True}
    ).where(User.id.is_in(list(loaded.users.values())))
    for p in fixture["panels"]:
        body = {k: v for k, v in p.items() if k not in ("key", "invited")}
        body["invited_agency_ids"] = [loaded.agencies[k] for k in p["invited"]]
        panel = await panels.create_panel(SYSTEM, msgspec.convert(body, PanelCreate))
        loaded.panels[p["key"]] = panel.id
        runners = ["coordinator", "chair"]
        if panel.kind == PanelKind.PERPETRATOR_PANEL:
            runners.append("service_manager")
        for runner in runners:
            await panels.add_staff(SYSTEM, panel.id, StaffAdd(user_id=loaded.users[runner]))


async def _load_meetings(loaded: Loaded, today: date) -> None:
    """Two past and four upcoming sittings of the MARAC; one past, one upcoming of the
    perpetrator panel; all from each panel's own schedule."""
    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    for panel_key, past_names, future_names in (
        ("marac", ["past2", "past1"], ["next", "next2", "next3", "next4"]),
        ("dapp", ["dapp_past"], ["dapp_next"]),
    ):
        panel = await panels.get_panel(SYSTEM, loaded.panels[panel_key])
        sittings = occurrences(
            panel.recurrence_rule,
            panel.first_date,
            panel.start_time,
            panel.end_time,
            panel.timezone,
            after=now - timedelta(days=75),
            limit=12,
        )
        past = [s for s, _ in sittings if s < now][-len(past_names) :]
        future = [s for s, _ in sittings if s >= now + timedelta(days=1)][: len(future_names)]
        for name, starts_at in zip([*past_names, *future_names], [*past, *future], strict=True):
            meeting = await meetings.create_meeting(
                SYSTEM,
                MeetingCreate(
                    panel_id=panel.id, starts_at=starts_at, chair_id=loaded.users["chair"]
                ),
            )
            loaded.meetings[name] = msgspec.to_builtins(meeting)


def _meeting_day(loaded: Loaded, name: str) -> date:
    return date.fromisoformat(loaded.meetings[name]["starts_at"][:10])


def _person(spec: dict[str, Any], referral: date, index: int) -> dict[str, Any]:
    person = {k: v for k, v in spec.items() if k != "age"}
    person["date_of_birth"] = _years_before(referral, spec["age"], 20 + index).isoformat()
    return person


def _contact(index: int) -> dict[str, Any]:
    """Restricted contact details: invented, with Ofcom's drama numbers (07700 900xxx)."""
    return {
        "address": f"{index + 2} Example Road, Northtown",
        "postcode": f"NT{index % 9 + 1} {index % 10}EX",
        "phone": f"07700 900{index:03d}",
        "safe_to_call": index % 3 != 0,
        "safe_times": "Weekdays 10:00-14:00, while he is at work",
        "safe_contacts": "Her sister",
        "unsafe_contacts": "His mother",
        "feared_people": "Her ex-partner and his brother",
    }


async def _load_cases(fixture: dict[str, Any], loaded: Loaded, today: date) -> None:
    for index, spec in enumerate(fixture["cases"]):
        meeting = spec["meeting"]
        referral = (
            _meeting_day(loaded, meeting) - timedelta(days=10 + index % 9)
            if meeting
            else today - timedelta(days=1 + index % 4)
        )
        body: dict[str, Any] = {
            "panel_id": loaded.panels["marac"],
            "referral_date": referral.isoformat(),
            "referring_agency_id": loaded.agencies[spec["referrer"]],
            "referrer_name": "Referring officer",
            "dash_score": spec["dash"],
            "incidents_last_12_months": spec.get("incidents"),
            "incident_types": spec["incident_types"],
            "criteria": [{"criterion": c, "evidence": e} for c, e in spec["criteria"]],
            "victim_aware": spec["victim_aware"],
            "victim_not_aware_reason": ""
            if spec["victim_aware"]
            else "Not yet safe to tell her: the perpetrator monitors her phone.",
            "victim_consented": spec["victim_aware"],
            "assigned_idva_id": loaded.users[spec["idva"]],
        }
        if "repeat_of" in spec:
            earlier = loaded.cases[spec["repeat_of"]]
            body["victim_id"] = earlier["victim"]["id"]
            body["perpetrator_id"] = earlier["perpetrator"]["id"]
            body["relationship"] = earlier["relationship"]
        else:
            body["victim"] = _person(spec["victim"], referral, index)
            body["relationship"] = spec["relationship"]
            body["victim_contact"] = _contact(index)
            body["children"] = [
                {
                    "date_of_birth": _years_before(referral, 2 + 3 * n, index).isoformat(),
                    "relationship_to_victim": "son" if n % 2 else "daughter",
                    "relationship_to_perpetrator": "son" if n % 2 else "daughter",
                    "school": f"Example {'Primary' if n % 2 else 'Academy'} School {index}",
                }
                for n in range(spec["children"])
            ]
            if "perpetrator_of" in spec:
                body["perpetrator_id"] = loaded.cases[spec["perpetrator_of"]]["perpetrator"]["id"]
            else:
                body["perpetrator"] = _person(spec["perpetrator"], referral, index)
        created = await cases.create_case(SYSTEM, msgspec.convert(body, CaseCreate))
        loaded.cases[spec["key"]] = msgspec.to_builtins(created)
        if meeting:
            listing = await listings.add_listing(
                SYSTEM,
                loaded.meetings[meeting]["id"],
                ListingCreate(case_id=created.id),
            )
            idva = loaded.idvas[spec["idva"]]
            await _record_voice(idva, listing.id, spec["voice"], referral)


async def _record_voice(idva: Actor, listing_id: int, voice: str, referral: date) -> None:
    """The case's own IDVA records the victim's voice (or why it could not be had)."""
    if voice == "missing":
        return
    if voice == "obtained":
        data = VictimVoiceSubmit(
            views="Wants the police marker kept on the address and to stay in her home.",
            wishes="Help with a non-molestation order and a school move for the children.",
            fears="That he will find her new phone number through mutual friends.",
            safety_concerns="He has been seen near her workplace twice this month.",
            contact_date=referral + timedelta(days=3),
            contact_means="Telephone, at a time she chose",
        )
    else:
        reason = VoiceNotObtainedReason(voice)
        data = VictimVoiceSubmit(
            not_obtained_reason=reason,
            contact_attempts=3 if reason == VoiceNotObtainedReason.NO_SAFE_CONTACT else 0,
        )
    await victim_voice.record_victim_voice(idva, listing_id, data)


async def _as_user(user_id: int) -> Actor:
    user = await accounts.get_user(SYSTEM, user_id)
    return Actor(user_id=user.id, label=user.full_name, role=user.role, agency_id=user.agency_id)


def _actions_for(listing: ListingRead, position: int, fixture: dict[str, Any]) -> list[Any]:
    """Two actions per heard listing: [agency, category, sub-area, text] templates, with
    categories only on the perpetrator panel."""
    pool = fixture["perpetrator_action_templates" if listing.subject_id else "action_templates"]
    return [pool[(position + k) % len(pool)] for k in (0, 3)]


async def _sit(meeting_id: int, fixture: dict[str, Any], loaded: Loaded, due: date) -> list[int]:
    """Hold a past meeting: publish, sit, hear every listing, agree actions and minute them,
    close (which rolls what is still open forward to the next meeting)."""
    await lifecycle.publish_agenda(SYSTEM, meeting_id)
    await lifecycle.start_meeting(SYSTEM, meeting_id)
    agreed = []
    held = await listings.list_listings(SYSTEM, meeting_id, PageParams(limit=200, offset=0))
    at_meeting = [
        row["agency"]
        for row in await Attendance.select(Attendance.agency)
        .where((Attendance.meeting == meeting_id) & Attendance.agency.is_not_null())
        .order_by(Attendance.agency)
    ]
    await _take_attendance(meeting_id, at_meeting, fixture, loaded)
    for position, listing in enumerate(held.items):
        await listings.set_listing_outcome(
            SYSTEM, listing.id, ListingOutcomeUpdate(outcome=ListingOutcome.HEARD)
        )
        if listing.kind.value == "actions_review":
            continue
        for week, (agency, category, sub_area, text) in enumerate(
            _actions_for(listing, position, fixture)
        ):
            action = await actions.agree_action(
                SYSTEM,
                listing.id,
                msgspec.convert(
                    {
                        "agency_id": loaded.agencies[agency],
                        "description": text,
                        "due_date": (due + timedelta(days=7 * week)).isoformat(),
                        "category": category,
                        "sub_area": sub_area,
                    },
                    ActionCreate,
                ),
            )
            agreed.append(action.id)
        await _minute(listing.id, position, at_meeting, fixture)
    await lifecycle.close_meeting(SYSTEM, meeting_id)
    return agreed


async def _take_attendance(
    meeting_id: int, agencies: list[int], fixture: dict[str, Any], loaded: Loaded
) -> None:
    """Most agencies' named representatives attend and sign the confidentiality statement;
    one in five sends apologies with information, one in seven apologies only."""
    representative_of = {
        loaded.agencies[u["agency"]]: loaded.users[u["key"]]
        for u in fixture["users"]
        if u.get("represents") == RepresentativeKind.REPRESENTATIVE.value
    }
    meeting = await meetings.get_meeting(SYSTEM, meeting_id)
    for n, agency in enumerate(agencies):
        if n % 5 == 4:
            update = AttendanceUpdate(
                status=AttendanceStatus.APOLOGIES_INFORMATION_SENT,
                information_sent_on=meeting.starts_at.date() - timedelta(days=1),
            )
        elif n % 7 == 6 or agency not in representative_of:
            update = AttendanceUpdate(status=AttendanceStatus.APOLOGIES)
        else:
            update = AttendanceUpdate(
                status=AttendanceStatus.PRESENT,
                representative_id=representative_of[agency],
                confidentiality_signed=True,
            )
        await attendance.record_attendance(SYSTEM, meeting_id, agency, update)


async def _minute(listing_id: int, position: int, at_meeting: list[int], fixture: Any) -> None:
    """What the minutes record of a heard case: the risks identified and what two of the
    agencies at the meeting shared."""
    texts = fixture["minutes_templates"]
    sharing = [at_meeting[(position + k) % len(at_meeting)] for k in (0, 1)]
    await minutes.save_listing_minutes(
        SYSTEM,
        listing_id,
        ListingMinutesWrite(
            risks_identified=texts["risks"][position % len(texts["risks"])],
            information_shared=[
                InformationSharedWrite(
                    agency_id=agency, text=texts["shared"][(position + k) % len(texts["shared"])]
                )
                for k, agency in enumerate(dict.fromkeys(sharing))
            ],
            revision=0,
        ),
    )


async def _report_statuses(action_ids: list[int], today: date) -> None:
    for n, action_id in enumerate(action_ids):
        status, note = REPORTED[n % len(REPORTED)]
        if status != "open":
            await actions.set_action_status(
                SYSTEM,
                action_id,
                ActionStatusUpdate(status=ActionStatus(status), note=note),
                today=today,
            )


async def _run_past_meetings(fixture: dict[str, Any], loaded: Loaded, today: date) -> None:
    older, newer = loaded.meetings["past2"], loaded.meetings["past1"]
    older_due = _meeting_day(loaded, "past2") + timedelta(days=14)
    await _report_statuses(await _sit(older["id"], fixture, loaded, older_due), today)
    await _sit(newer["id"], fixture, loaded, _meeting_day(loaded, "past1") + timedelta(days=21))
    # The chair approves the older meeting's minutes; they are circulated.
    chair = await _as_user(loaded.users["chair"])
    await lifecycle.approve_minutes(chair, older["id"])
    await lifecycle.circulate_minutes(SYSTEM, older["id"])


async def _load_subjects(fixture: dict[str, Any], loaded: Loaded, today: date) -> None:
    """Perpetrator subjects of MARAC cases: two accepted and heard at the last sitting of
    the perpetrator panel (with their Drive milestones), one still awaiting a decision."""
    held = _meeting_day(loaded, "dapp_past")
    for n, spec in enumerate(fixture["subjects"]):
        case = loaded.cases[spec["perpetrator_of"]]
        day = held - timedelta(days=21 - 3 * n) if "decision" in spec else today - timedelta(4)
        received = datetime.combine(day, time(9), tzinfo=UTC)
        subject = await subjects.create_subject(
            SYSTEM,
            SubjectCreate(
                panel_id=loaded.panels["dapp"],
                referring_agency_id=loaded.agencies["police"],
                referral_received_at=received,
                risk_identified_by=RiskIdentifiedBy(spec["risk_identified_by"]),
                victim_high_risk=True,
                connection=PersonalConnection(spec["connection"]),
                victims=[SubjectVictimLink(victim_id=case["victim"]["id"], case_id=case["id"])],
                person_id=case["perpetrator"]["id"],
            ),
        )
        if "decision" not in spec:
            continue
        await subjects.decide_subject(
            SYSTEM,
            subject.id,
            SubjectDecision(
                outcome=DecisionOutcome(spec["decision"]),
                pathway=Pathway(spec["pathway"]),
                case_manager_id=loaded.users["case_manager"],
            ),
        )
        await subjects.record_milestones(
            SYSTEM,
            subject.id,
            SubjectMilestones(
                agencies_contacted_at=received + timedelta(hours=20),
                initial_assessment_on=day + timedelta(days=8),
            ),
        )
        await listings.add_listing(
            SYSTEM, loaded.meetings["dapp_past"]["id"], ListingCreate(subject_id=subject.id)
        )
    await _report_statuses(
        await _sit(loaded.meetings["dapp_past"]["id"], fixture, loaded, held + timedelta(14)),
        today,
    )
