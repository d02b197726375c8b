"""The world the messaging benchmark publishes into, and the SMTP sink it publishes to.

    python benchmarks/mail_world.py MEETINGS [CASES] [AGENCIES]

builds, in a process of its own (the engine is chosen once per process from the
environment) and through the service verbs as the system actor: one MARAC whose
``AGENCIES`` agencies (15) each have a named representative and a deputy, all invited to
``MEETINGS`` upcoming meetings; on each meeting ``CASES`` (40) new cases, each with the
victim's voice, referred by the agencies in turn and presented by the IDVA service (so
every agency's extract holds cases); a coordinator on the panel's staff, signed in.
Fictional people, ``*.northshire.example`` addresses. Prints one JSON object: meetings
(ids), recipients (addresses a publication goes to), secure_domain, session and csrf.

``mail_sink`` is an SMTP server (aiosmtpd) in its own process that hands every accepted
message back with the time it accepted it (``time.monotonic()``, one clock for every
process on Linux).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import queue
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

SECURE_DOMAIN = "northshire.example"
AGENCIES = (
    ("Northshire Police", "police", "police"),
    ("Northshire IDVA Service", "idva_service", "idva"),
    ("Northshire Children's Social Care", "childrens_social_care", "childrens"),
    ("Northshire Adult Safeguarding", "adult_social_care", "adults"),
    ("Northshire General Hospital", "health_acute", "hospital"),
    ("Northshire GP Safeguarding", "health_primary_care", "gp"),
    ("Northshire Health Visiting", "health_visiting", "hv"),
    ("Northshire Midwifery Service", "midwifery", "midwifery"),
    ("Northshire Mental Health Trust", "mental_health", "mentalhealth"),
    ("Northshire Probation Delivery Unit", "probation", "probation"),
    ("Northshire Council Housing", "housing", "housing"),
    ("Northshire Homes Association", "housing", "homes"),
    ("Northshire Education Safeguarding", "education", "education"),
    ("Northshire Recovery Service", "drug_and_alcohol", "recovery"),
    ("Northshire Women's Network", "specialist_bamer", "womensnetwork"),
)
FIRST = ("Ash", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kit", "Lou")
LAST = ("Archer", "Brook", "Carver", "Dale", "Ellery", "Frost", "Garner", "Hollis", "Irwin")
VICTIMS = ("Rosa", "Tanya", "Vera", "Wendy", "Zara", "Esther", "Freya", "Gemma", "Chloe")
SURNAMES = ("Quarry", "Stanway", "Upton", "Varley", "Yardley", "Eskdale", "Farrow", "Grayson")


async def build(meetings: int, cases: int, agency_count: int) -> dict[str, Any]:
    """The world (see the module's docstring); returns what the benchmark needs of it."""
    # Imported here: the sink's process imports this module and needs none of the service.
    from panel_service.accounts import services as accounts
    from panel_service.accounts.actor import SYSTEM
    from panel_service.accounts.schemas import RepresentativeCreate, UserCreate
    from panel_service.accounts.sessions import start_session
    from panel_service.accounts.tables import RepresentativeKind, Role
    from panel_service.agencies import services as agencies
    from panel_service.agencies.schemas import AgencyCreate
    from panel_service.agencies.tables import AgencyType
    from panel_service.cases import services as case_services
    from panel_service.cases.schemas import CaseCreate, CriterionClaim, PersonCreate
    from panel_service.cases.tables import Criterion, IncidentType
    from panel_service.meetings import services as meeting_services
    from panel_service.meetings.listings import add_listing
    from panel_service.meetings.schemas import ListingCreate, MeetingCreate, VictimVoiceSubmit
    from panel_service.meetings.victim_voice import record_victim_voice
    from panel_service.panels import services as panels
    from panel_service.panels.schemas import PanelCreate, PanelSettings, StaffAdd
    from panel_service.panels.tables import PanelKind

    agency_ids: list[int] = []
    recipients: list[str] = []
    for n, (name, kind, slug) in enumerate(AGENCIES[:agency_count]):
        domain = f"{slug}.{SECURE_DOMAIN}"
        agency = await agencies.create_agency(
            SYSTEM,
            AgencyCreate(name=name, agency_type=AgencyType(kind), secure_domains=[domain]),
        )
        agency_ids.append(agency.id)
        for k, role in enumerate(RepresentativeKind):
            first, last = FIRST[(2 * n + k) % len(FIRST)], LAST[(n + k) % len(LAST)]
            email = f"{first}.{last}.{n}{k}@{domain}".lower()
            user = await accounts.create_user(
                SYSTEM,
                UserCreate(
                    email=email,
                    full_name=f"{first} {last}",
                    role=Role.AGENCY_REPRESENTATIVE,
                    agency_id=agency.id,
                ),
            )
            await accounts.add_representative(
                SYSTEM, agency.id, RepresentativeCreate(user_id=user.id, kind=role)
            )
            recipients.append(email)

    def staff(role: Role, email: str, name: str, agency_id: int | None = None) -> Any:
        return accounts.create_user(
            SYSTEM, UserCreate(email=email, full_name=name, role=role, agency_id=agency_id)
        )

    coordinator = await staff(Role.COORDINATOR, f"coordinator@council.{SECURE_DOMAIN}", "Cy Cole")
    chair = await staff(Role.CHAIR, f"chair@police.{SECURE_DOMAIN}", "Chris Chair", agency_ids[0])
    idva = await staff(Role.IDVA, f"idva@idva.{SECURE_DOMAIN}", "Iris Idva", agency_ids[1])

    london = ZoneInfo("Europe/London")
    first_day = date.today() + timedelta(days=21)
    first_day += timedelta(days=(3 - first_day.weekday()) % 7)  # a Thursday
    panel = await panels.create_panel(
        SYSTEM,
        PanelCreate(
            name="Northshire MARAC",
            kind=PanelKind.MARAC,
            area="Northshire",
            recurrence_rule="FREQ=WEEKLY;BYDAY=TH",
            first_date=first_day,
            start_time=datetime.strptime("09:30", "%H:%M").time(),
            end_time=datetime.strptime("16:30", "%H:%M").time(),
            venue="Northshire Civic Centre, Committee Room 2",
            video_link=f"https://meet.council.{SECURE_DOMAIN}/marac",
            settings=PanelSettings(max_cases_per_meeting=cases),
            invited_agency_ids=agency_ids,
        ),
    )
    for person in (coordinator, chair):
        await panels.add_staff(SYSTEM, panel.id, StaffAdd(user_id=person.id))

    meeting_ids = []
    for m in range(meetings):
        day = first_day + timedelta(weeks=m)
        meeting = await meeting_services.create_meeting(
            SYSTEM,
            MeetingCreate(
                panel_id=panel.id,
                starts_at=datetime(day.year, day.month, day.day, 9, 30, tzinfo=london),
                chair_id=chair.id,
            ),
        )
        meeting_ids.append(meeting.id)
        for c in range(cases):
            n = m * cases + c
            case = await case_services.create_case(
                SYSTEM,
                CaseCreate(
                    panel_id=panel.id,
                    referral_date=day - timedelta(days=14 + c % 5),
                    referring_agency_id=agency_ids[c % len(agency_ids)],
                    referrer_name="Referring officer",
                    victim=PersonCreate(
                        full_name=f"{VICTIMS[n % len(VICTIMS)]} {SURNAMES[n % len(SURNAMES)]}",
                        date_of_birth=date(1970 + n % 30, 1 + n % 12, 1 + n % 28),
                    ),
                    perpetrator=PersonCreate(
                        full_name=f"Perry {SURNAMES[(n + 3) % len(SURNAMES)]} {n}",
                        date_of_birth=date(1965 + n % 30, 1 + n % 12, 1 + n % 28),
                    ),
                    relationship="ex-partner",
                    dash_score=14 + n % 10,
                    incident_types=[IncidentType.VIOLENCE_OR_THREATS],
                    criteria=[CriterionClaim(Criterion.VISIBLE_HIGH_RISK, "DASH 14 or more")],
                    victim_aware=True,
                    victim_consented=True,
                    assigned_idva_id=idva.id,
                ),
            )
            listing = await add_listing(SYSTEM, meeting.id, ListingCreate(case_id=case.id))
            await record_victim_voice(
                SYSTEM,
                listing.id,
                VictimVoiceSubmit(
                    views="Wants to stay in her home with a police marker on the address.",
                    contact_date=day - timedelta(days=7),
                    contact_means="Telephone, at a time she chose",
                ),
            )
    token, csrf = await start_session(coordinator.id, verified=True)
    return {
        "meetings": meeting_ids,
        "cases": cases,
        "recipients": recipients,
        "secure_domain": SECURE_DOMAIN,
        "session": token,
        "csrf": csrf,
    }


async def _main(meetings: int, cases: int, agency_count: int) -> dict[str, Any]:
    from panel_service.db import with_pool

    return await with_pool(lambda: build(meetings, cases, agency_count))


@dataclass(frozen=True, slots=True)
class Accepted:
    """One message the sink accepted: when (``time.monotonic()``), for whom, its bytes."""

    at: float
    recipients: tuple[str, ...]
    content: bytes


class _Keep:
    """aiosmtpd handler: stamp each message as it is accepted and hand it to the parent."""

    def __init__(self, out: Any) -> None:
        self.out = out

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        at = time.monotonic()
        self.out.put(Accepted(at, tuple(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"


def _serve_sink(port: int, out: Any, stop: Any) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(_Keep(out), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        stop.wait()
    finally:
        controller.stop()


class Sink:
    """The parent's side of the sink: its port, and what it has accepted."""

    def __init__(self, port: int, accepted: Any) -> None:
        self.port = port
        self._accepted = accepted

    def collect(self, count: int, timeout: float = 120) -> list[Accepted]:
        """Wait for ``count`` messages (in order of acceptance)."""
        deadline = time.monotonic() + timeout
        got: list[Accepted] = []
        while len(got) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the sink accepted {len(got)} of {count} messages")
            got.append(self._accepted.get(timeout=left))
        return got

    def drain(self, settle: float = 0.3) -> list[Accepted]:
        """Whatever else arrives within ``settle`` seconds (should be nothing)."""
        extra = []
        try:
            while True:
                extra.append(self._accepted.get(timeout=settle))
        except queue.Empty:
            return extra


@contextmanager
def mail_sink() -> Iterator[Sink]:
    """An SMTP sink on 127.0.0.1 in its own process (so it takes no CPU from whoever sends)."""
    context = multiprocessing.get_context("spawn")
    accepted, stop = context.Queue(), context.Event()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    process = context.Process(target=_serve_sink, args=(port, accepted, stop), daemon=True)
    process.start()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2) as probe:
                    probe.recv(100)  # the greeting; then it sees the connection close
                break
            except OSError:
                if time.monotonic() > deadline or not process.is_alive():
                    raise RuntimeError("the SMTP sink did not start") from None
                time.sleep(0.1)
        yield Sink(port, accepted)
    finally:
        stop.set()
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()


if __name__ == "__main__":
    size = [int(arg) for arg in sys.argv[1:]]
    meetings, cases, agency_count = (size + [1, 40, 15][len(size) :])[:3]
    print(json.dumps(asyncio.run(_main(meetings, cases, agency_count))))
