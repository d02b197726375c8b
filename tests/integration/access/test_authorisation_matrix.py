"""The authorisation matrix: every role x every /api route x a record inside and a record
outside the role's scope, with the status each cell must get, and an audit event for every
refusal. The routes come from the app's route table: a route without an entry here fails
``test_every_api_route_has_a_matrix_entry``.

Expected statuses follow the rules in the README ("Roles and what each can see"): a record
the role may not see answers 404; a record they may see but not act on answers 403; a route
about no single record answers 403 to a role that may not use it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.access.world import ROLES, World, build_side, build_world
from tests.support.accounts import act_as, make_user
from tests.support.calls import ok, on_app_loop
from tests.support.meetings import move

ADMIN, COORD, CHAIR, REP, IDVA, CM, SM = ROLES
EVERYONE = frozenset(ROLES)
PANEL_RUNNERS = frozenset({COORD, CHAIR})
Side = dict[str, Any]
Request = Callable[[World, Side, str], tuple[dict[str, int], Any]]

# Kinds of record every role (or some roles) may see wherever they are.
SEEN_ANYWHERE = {
    "agency": EVERYONE,
    "panel": EVERYONE,
    "person": frozenset({COORD, CHAIR}),
    "user": frozenset({ADMIN, COORD, CHAIR, SM}),
}
# What each side record is, and which roles it is in scope for on the ``in`` side.
KIND = {
    "agency": "agency",
    "unused_agency": "agency",
    "marac": "panel",
    "perpetrator_panel": "panel",
    "self": "user",
    "meeting": "meeting",
    "sitting": "meeting",
    "empty_meeting": "meeting",
    "perpetrator_meeting": "meeting",
    "case": "case",
    "sitting_case": "case",
    "victim": "person",
    "listing": "listing",
    "sitting_listing": "listing",
    "perpetrator_listing": "listing",
    "action": "action",
    "perpetrator_action": "action",
    "subject": "subject",
    "undecided_subject": "subject",
    "outbox": "outbox",
}
_MARAC_RECORD = frozenset({COORD, CHAIR, REP, IDVA})
_PERPETRATOR_RECORD = frozenset({COORD, CHAIR, SM, REP, CM})
IN_SCOPE = {
    "self": EVERYONE,
    "meeting": _MARAC_RECORD,
    "sitting": _MARAC_RECORD,
    # Nothing is listed on it, so no IDVA has a case there.
    "empty_meeting": frozenset({COORD, CHAIR, REP}),
    "perpetrator_meeting": _PERPETRATOR_RECORD,
    "case": _MARAC_RECORD,
    "sitting_case": _MARAC_RECORD,
    "victim": _MARAC_RECORD,
    # Each MARAC listing is the IDVA's own case's; the perpetrator listing the manager's.
    "listing": _MARAC_RECORD,
    "sitting_listing": _MARAC_RECORD,
    "perpetrator_listing": _PERPETRATOR_RECORD,
    "action": _MARAC_RECORD,
    "perpetrator_action": _PERPETRATOR_RECORD,
    "subject": _PERPETRATOR_RECORD,
    # Not yet accepted (no case manager) nor listed (no agency has seen it).
    "undecided_subject": frozenset({COORD, CHAIR, SM}),
    # A message of the MARAC's outbox: its staff (service managers staff the other panel).
    "outbox": frozenset({COORD, CHAIR}),
}


@dataclass(frozen=True)
class Route:
    """One route's row of the matrix. ``record`` names the side record the request is
    about (in the path or the body), or None for a route about no single record;
    ``allowed`` succeed with ``status`` on an in-scope record, ``anywhere`` on any record;
    ``listed`` names side records a list must show to the roles they are in scope for, and
    hide out of scope."""

    status: int
    allowed: frozenset[str]
    record: str | None = None
    anywhere: frozenset[str] = frozenset()
    request: Request = lambda world, side, role: ({}, None)
    listed: tuple[str, ...] = ()
    sides: tuple[str, ...] = ("in", "out")
    # Where a visible record's refusal is not 403: an agency's document answers 404 to
    # another agency (it must not learn what that agency receives).
    refused: int = 403
    refused_by_role: tuple[tuple[str, int], ...] = ()


def _on(record: str, body: Callable[[World, Side], Any] | None = None) -> Request:
    """The request names ``record`` in the path (as the route's only id parameter)."""

    def request(world: World, side: Side, role: str) -> tuple[dict[str, int], Any]:
        return {"id": side[record]}, body(world, side) if body else None

    return request


def _body(body: Callable[[World, Side], Any]) -> Request:
    return lambda world, side, role: ({}, body(world, side))


def _prepared(verbs: tuple[str, ...], record: str) -> Request:
    """Move the meeting through ``verbs`` (as the builder) before the request."""

    def request(world: World, side: Side, role: str) -> tuple[dict[str, int], Any]:
        key = ("prepared", record, verbs)
        if key not in side:
            act_as(world.client, world.builder)
            move(world.client, side[record], *verbs)
            side[key] = True
        return {"id": side[record]}, None

    return request


def _system(fn_name: str) -> Callable[..., Any]:
    """A service verb run as the system, to set up what a request needs."""
    import importlib

    module, name = fn_name.rsplit(".", 1)
    verb = getattr(importlib.import_module(f"panel_service.{module}"), name)

    def run(world: World, *args: Any) -> Any:
        from panel_service.accounts.actor import SYSTEM

        return on_app_loop(world.client, verb, SYSTEM, *args)

    return run


def _new_representative(world: World, side: Side, role: str) -> tuple[dict[str, int], Any]:
    from panel_service.accounts.schemas import RepresentativeCreate
    from panel_service.accounts.tables import RepresentativeKind

    member = make_user(world.client, "agency_representative", side["agency"])["id"]
    add = _system("accounts.services.add_representative")
    made = add(world, side["agency"], RepresentativeCreate(member, RepresentativeKind.DEPUTY))
    return {"id": side["agency"], "representative_id": made.id}, None


def _new_staff_member(world: World, side: Side, role: str) -> tuple[dict[str, int], Any]:
    """A coordinator who is not yet on the panel's staff."""
    return {"id": side["marac"]}, {"user_id": make_user(world.client, "coordinator")["id"]}


def _staff_member(world: World, side: Side, role: str) -> tuple[dict[str, int], Any]:
    """A coordinator on the panel's staff (not one of the role users)."""
    from panel_service.panels.schemas import StaffAdd

    spare = make_user(world.client, "coordinator")["id"]
    _system("panels.services.add_staff")(world, side["marac"], StaffAdd(user_id=spare))
    return {"id": side["marac"], "user_id": spare}, None


def _new_token(world: World, side: Side, role: str) -> tuple[dict[str, int], Any]:
    from panel_service.accounts.schemas import ApiTokenCreate

    data = ApiTokenCreate(name="Sync", agency_id=side["agency"], permissions=["actions:read"])
    issued = _system("accounts.tokens.create_token")(world, data)
    return {"id": issued.details.id}, None


def _user(world: World, side: Side, role: str) -> tuple[dict[str, int], Any]:
    """In scope: the acting user themselves; out of scope: a member of another agency."""
    return {"id": world.users[role] if side["inside"] else side["member"]}, None


def _renamed_user(world: World, side: Side, role: str) -> tuple[dict[str, int], Any]:
    return _user(world, side, role)[0], {"full_name": "Renamed Person"}


def _new_case(world: World, side: Side) -> Any:
    from tests.support.cases import case_body

    return case_body(world.client, side["marac"], referring_agency_id=side["agency"])


def _new_subject(world: World, side: Side) -> Any:
    """A referral naming, as victim, the victim already linked to the side's subject (whom
    the panel's staff can see)."""
    from tests.support.cases import subject_body

    return subject_body(
        world.client,
        side["perpetrator_panel"],
        referring_agency_id=side["agency"],
        victims=[{"victim_id": side["subject_victim"]}],
    )


def _unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


VOICE = {
    "views": "Wants to stay in the home.",
    "fears": "That he will return.",
    "contact_date": "2026-11-20",
    "contact_means": "phone, at a time she chose",
}
MANAGE_MEETING = PANEL_RUNNERS
MEETING_READERS = frozenset({COORD, CHAIR, SM, REP, IDVA, CM})
CASE_READERS = frozenset({COORD, CHAIR, REP, IDVA})
CASE_EDITORS = frozenset({COORD, CHAIR, IDVA})

MATRIX: dict[str, Route] = {
    # --- signing in: about the caller's own session, the same for every role -------------
    "POST /api/auth/sign-in": Route(
        401,
        EVERYONE,
        request=_body(lambda w, s: {"email": "nobody@test.example", "password": "x" * 12}),
        sides=("in",),
    ),
    "POST /api/auth/sign-out": Route(200, EVERYONE, sides=("in",)),
    "GET /api/auth/me": Route(200, EVERYONE, sides=("in",)),
    "POST /api/auth/totp/enrol": Route(200, EVERYONE, sides=("in",)),
    "POST /api/auth/totp/confirm": Route(
        409, EVERYONE, request=_body(lambda w, s: {"code": "000000"}), sides=("in",)
    ),
    "PUT /api/auth/password": Route(
        422,
        EVERYONE,
        request=_body(
            lambda w, s: {"current_password": "wrong" * 3, "new_password": "n3w-passw0rd-long"}
        ),
        sides=("in",),
    ),
    "POST /api/auth/tokens": Route(
        201,
        frozenset({ADMIN}),
        request=_body(
            lambda w, s: {
                "name": "Police sync",
                "agency_id": s["agency"],
                "permissions": ["actions:read"],
            }
        ),
    ),
    "GET /api/auth/tokens": Route(200, frozenset({ADMIN})),
    "POST /api/auth/tokens/{token_id:int}/revoke": Route(
        200, frozenset({ADMIN}), request=_new_token
    ),
    # --- agencies, users, panels: administration -----------------------------------------
    "GET /api/agencies": Route(200, EVERYONE),
    "POST /api/agencies": Route(
        201,
        frozenset({ADMIN}),
        request=_body(lambda w, s: {"name": _unique("Agency"), "agency_type": "housing"}),
    ),
    "GET /api/agencies/{agency_id:int}": Route(200, EVERYONE, "agency", EVERYONE, _on("agency")),
    "PATCH /api/agencies/{agency_id:int}": Route(
        200,
        frozenset({ADMIN}),
        "agency",
        frozenset({ADMIN}),
        _on("agency", lambda w, s: {"contact_name": "Pat Contact"}),
    ),
    "DELETE /api/agencies/{agency_id:int}": Route(
        204, frozenset({ADMIN}), "unused_agency", frozenset({ADMIN}), _on("unused_agency")
    ),
    "GET /api/agencies/{agency_id:int}/representatives": Route(
        200, EVERYONE, "agency", EVERYONE, _on("agency")
    ),
    "POST /api/agencies/{agency_id:int}/representatives": Route(
        201,
        frozenset({ADMIN}),
        "agency",
        frozenset({ADMIN}),
        _on("agency", lambda w, s: {"user_id": s["member"], "kind": "representative"}),
    ),
    "DELETE /api/agencies/{agency_id:int}/representatives/{representative_id:int}": Route(
        204, frozenset({ADMIN}), "agency", frozenset({ADMIN}), _new_representative
    ),
    "GET /api/audit-events": Route(200, frozenset({ADMIN})),
    "GET /api/users": Route(200, EVERYONE),
    "POST /api/users": Route(
        201,
        frozenset({ADMIN}),
        request=_body(
            lambda w, s: {
                "email": f"{uuid.uuid4().hex[:8]}@test.example",
                "full_name": "New Person",
                "role": "chair",
            }
        ),
    ),
    "GET /api/users/{user_id:int}": Route(200, EVERYONE, "self", SEEN_ANYWHERE["user"], _user),
    "PATCH /api/users/{user_id:int}": Route(
        200, frozenset({ADMIN}), "self", frozenset({ADMIN}), _renamed_user
    ),
    "GET /api/panels": Route(200, EVERYONE),
    "POST /api/panels": Route(
        201,
        frozenset({ADMIN}),
        request=_body(
            lambda w, s: {
                "name": _unique("Panel"),
                "kind": "marac",
                "area": "Northtown",
                "recurrence_rule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
                "first_date": "2027-01-07",
                "start_time": "10:00:00",
                "end_time": "13:00:00",
            }
        ),
    ),
    "GET /api/panels/{panel_id:int}": Route(200, EVERYONE, "marac", EVERYONE, _on("marac")),
    "PATCH /api/panels/{panel_id:int}": Route(
        200,
        frozenset({ADMIN, COORD}),
        "marac",
        frozenset({ADMIN}),
        _on("marac", lambda w, s: {"venue": "Town Hall, Room 2"}),
    ),
    "POST /api/panels/{panel_id:int}/calendar-feed": Route(
        201, frozenset({ADMIN, COORD}), "marac", frozenset({ADMIN}), _on("marac")
    ),
    "GET /api/panels/{panel_id:int}/sittings": Route(
        200, EVERYONE, "marac", EVERYONE, _on("marac")
    ),
    "GET /api/panels/{panel_id:int}/staff": Route(200, EVERYONE, "marac", EVERYONE, _on("marac")),
    "POST /api/panels/{panel_id:int}/staff": Route(
        201,
        frozenset({ADMIN, COORD}),
        "marac",
        frozenset({ADMIN}),
        _new_staff_member,
    ),
    "DELETE /api/panels/{panel_id:int}/staff/{user_id:int}": Route(
        204, frozenset({ADMIN, COORD}), "marac", frozenset({ADMIN}), _staff_member
    ),
    # --- meetings and their lifecycle ---------------------------------------------------
    "POST /api/meetings": Route(
        201,
        PANEL_RUNNERS,
        "marac",
        request=_body(lambda w, s: {"panel_id": s["marac"], "starts_at": "2027-03-11T10:00:00Z"}),
    ),
    "GET /api/meetings": Route(200, MEETING_READERS, listed=("meeting", "perpetrator_meeting")),
    "POST /api/meetings/from-schedule": Route(
        201,
        PANEL_RUNNERS,
        "marac",
        request=_body(lambda w, s: {"panel_id": s["marac"], "until": "2027-02-28"}),
    ),
    "GET /api/meetings/{meeting_id:int}": Route(200, EVERYONE, "meeting", request=_on("meeting")),
    "GET /api/meetings/{meeting_id:int}/agenda": Route(
        200, EVERYONE, "meeting", request=_on("meeting")
    ),
    "GET /api/meetings/{meeting_id:int}/attendance": Route(
        200, EVERYONE, "meeting", request=_on("meeting")
    ),
    "PUT /api/meetings/{meeting_id:int}/attendance/{agency_id:int}": Route(
        200,
        MANAGE_MEETING,
        "meeting",
        request=lambda w, s, r: (
            {"id": s["meeting"], "agency_id": s["agency"]},
            {"status": "apologies"},
        ),
    ),
    "POST /api/meetings/{meeting_id:int}/observers": Route(
        201,
        MANAGE_MEETING,
        "meeting",
        request=_on("meeting", lambda w, s: {"attendee_name": "Olive Observer"}),
    ),
    "GET /api/meetings/{meeting_id:int}/listings": Route(
        200, EVERYONE, "meeting", request=_on("meeting")
    ),
    "POST /api/meetings/{meeting_id:int}/listings": Route(
        201,
        MANAGE_MEETING,
        "empty_meeting",
        request=_on("empty_meeting", lambda w, s: {"case_id": s["case"]}),
    ),
    "POST /api/meetings/{meeting_id:int}/reschedule": Route(
        200,
        MANAGE_MEETING,
        "meeting",
        request=_on("meeting", lambda w, s: {"starts_at": "2027-01-15T10:00:00Z"}),
    ),
    "POST /api/meetings/{meeting_id:int}/publish-agenda": Route(
        200, MANAGE_MEETING, "meeting", request=_on("meeting")
    ),
    "POST /api/meetings/{meeting_id:int}/start": Route(
        200, MANAGE_MEETING, "meeting", request=_prepared(("publish-agenda",), "meeting")
    ),
    "POST /api/meetings/{meeting_id:int}/close": Route(
        200, MANAGE_MEETING, "sitting", request=_on("sitting")
    ),
    "POST /api/meetings/{meeting_id:int}/approve-minutes": Route(
        200, MANAGE_MEETING, "sitting", request=_prepared(("close",), "sitting")
    ),
    "POST /api/meetings/{meeting_id:int}/circulate-minutes": Route(
        200,
        MANAGE_MEETING,
        "sitting",
        request=_prepared(("close", "approve-minutes"), "sitting"),
    ),
    "POST /api/meetings/{meeting_id:int}/cancel": Route(
        200,
        MANAGE_MEETING,
        "empty_meeting",
        request=_on("empty_meeting", lambda w, s: {"reason": "Room unavailable"}),
    ),
    "POST /api/meetings/{meeting_id:int}/roll-forward": Route(
        200, MANAGE_MEETING, "sitting", request=_on("sitting")
    ),
    # --- listings, victim's voice, actions ----------------------------------------------
    "GET /api/listings/{listing_id:int}": Route(200, EVERYONE, "listing", request=_on("listing")),
    "POST /api/listings/{listing_id:int}/outcome": Route(
        200,
        MANAGE_MEETING,
        "listing",
        request=_on("listing", lambda w, s: {"outcome": "withdrawn"}),
    ),
    "GET /api/listings/{listing_id:int}/victim-voice": Route(
        200, CASE_EDITORS, "listing", request=_on("listing")
    ),
    "PUT /api/listings/{listing_id:int}/victim-voice": Route(
        200, CASE_EDITORS, "listing", request=_on("listing", lambda w, s: VOICE)
    ),
    "POST /api/listings/{listing_id:int}/actions": Route(
        201,
        MANAGE_MEETING,
        "sitting_listing",
        request=_on(
            "sitting_listing",
            lambda w, s: {
                "agency_id": s["agency"],
                "description": "Housing to fit a lock change at the address",
                "due_date": "2027-02-11",
            },
        ),
    ),
    # --- messaging: the outbox is for the staff of its panel ---------------------------
    "GET /api/outbox": Route(200, frozenset({COORD, CHAIR, SM}), listed=("outbox",)),
    "GET /api/outbox/{message_id:int}": Route(200, PANEL_RUNNERS, "outbox", request=_on("outbox")),
    "POST /api/outbox/{message_id:int}/retry": Route(
        200, PANEL_RUNNERS, "outbox", request=_on("outbox")
    ),
    # --- documents: the full set for the chair and coordinators, extracts per agency -------
    "GET /api/meetings/{meeting_id:int}/agenda.docx": Route(
        200, MANAGE_MEETING, "meeting", request=_on("meeting")
    ),
    "GET /api/meetings/{meeting_id:int}/agencies/{agency_id:int}/agenda.docx": Route(
        200,
        MANAGE_MEETING | {REP},
        "meeting",
        request=lambda w, s, r: ({"id": s["meeting"], "agency_id": s["agency"]}, None),
        refused=404,
    ),
    "GET /api/meetings/{meeting_id:int}/agencies/{agency_id:int}/actions.docx": Route(
        200,
        MANAGE_MEETING | {REP},
        "sitting",
        request=lambda w, s, r: ({"id": s["sitting"], "agency_id": s["agency"]}, None),
        refused=404,
    ),
    # The meeting is in session: its minutes exist (as a draft) from then on.
    "GET /api/meetings/{meeting_id:int}/minutes.docx": Route(
        200, MANAGE_MEETING, "sitting", request=_on("sitting")
    ),
    "GET /api/meetings/{meeting_id:int}/agencies/{agency_id:int}/minutes.docx": Route(
        200,
        MANAGE_MEETING | {REP},
        "sitting",
        request=lambda w, s, r: ({"id": s["sitting"], "agency_id": s["agency"]}, None),
        refused=404,
    ),
    # Staff get their panels' actions of any agency; an agency's people only their own.
    "GET /api/agencies/{agency_id:int}/actions.docx": Route(
        200,
        PANEL_RUNNERS | {SM, REP},
        "agency",
        PANEL_RUNNERS | {SM},
        _on("agency"),
        refused=404,
        refused_by_role=((ADMIN, 403),),
    ),
    # --- minutes (the full set is for the chair and coordinators) -------------------------
    "GET /api/listings/{listing_id:int}/minutes": Route(
        200, MANAGE_MEETING, "sitting_listing", request=_on("sitting_listing")
    ),
    "PUT /api/listings/{listing_id:int}/minutes": Route(
        200,
        MANAGE_MEETING,
        "sitting_listing",
        request=_on(
            "sitting_listing",
            lambda w, s: {
                "risks_identified": "Escalating threats since the separation.",
                "information_shared": [{"agency_id": s["agency"], "text": "Two call-outs."}],
                "revision": 0,
            },
        ),
    ),
    "GET /api/meetings/{meeting_id:int}/minutes": Route(
        200, MANAGE_MEETING, "sitting", request=_on("sitting")
    ),
    "GET /api/meetings/{meeting_id:int}/minutes/versions": Route(
        200, MANAGE_MEETING, "sitting", request=_on("sitting")
    ),
    "GET /api/actions": Route(200, MEETING_READERS, listed=("action", "perpetrator_action")),
    "GET /api/actions/overdue-by-agency": Route(200, MEETING_READERS),
    "GET /api/actions/{action_id:int}": Route(200, EVERYONE, "action", request=_on("action")),
    "PATCH /api/actions/{action_id:int}": Route(
        200,
        PANEL_RUNNERS,
        "action",
        request=_on("action", lambda w, s: {"owner_name": "DS Ray"}),
    ),
    "POST /api/actions/{action_id:int}/status": Route(
        200,
        frozenset({COORD, CHAIR, REP}),
        "action",
        request=_on("action", lambda w, s: {"status": "completed"}),
    ),
    # --- cases, people, perpetrator subjects -------------------------------------------
    "POST /api/cases": Route(201, PANEL_RUNNERS, "marac", request=_body(_new_case)),
    "GET /api/cases": Route(200, CASE_READERS, listed=("case",)),
    "GET /api/cases/{case_id:int}": Route(200, EVERYONE, "case", request=_on("case")),
    "PATCH /api/cases/{case_id:int}": Route(
        200, CASE_EDITORS, "case", request=_on("case", lambda w, s: {"relationship": "husband"})
    ),
    "GET /api/cases/{case_id:int}/access-log": Route(
        200, PANEL_RUNNERS, "case", request=_on("case")
    ),
    "POST /api/cases/{case_id:int}/children": Route(
        201,
        CASE_EDITORS,
        "case",
        request=_on("case", lambda w, s: {"date_of_birth": "2019-04-01"}),
    ),
    "GET /api/cases/{case_id:int}/dash-assessments": Route(
        200, EVERYONE, "case", request=_on("case")
    ),
    "POST /api/cases/{case_id:int}/dash-assessments": Route(
        201,
        CASE_EDITORS,
        "case",
        request=_on("case", lambda w, s: {"score": 18, "assessed_on": "2026-11-20"}),
    ),
    "POST /api/cases/{case_id:int}/listings/next-meeting": Route(
        201, PANEL_RUNNERS, "sitting_case", request=_on("sitting_case")
    ),
    "GET /api/cases/{case_id:int}/victim-contact": Route(
        200, CASE_EDITORS, "case", request=_on("case")
    ),
    "PUT /api/cases/{case_id:int}/victim-contact": Route(
        200, CASE_EDITORS, "case", request=_on("case", lambda w, s: {"phone": "07700 900456"})
    ),
    "GET /api/people": Route(200, EVERYONE - {ADMIN}, listed=("victim",)),
    "GET /api/people/{person_id:int}": Route(
        200, EVERYONE, "victim", SEEN_ANYWHERE["person"], _on("victim")
    ),
    "PATCH /api/people/{person_id:int}": Route(
        200, PANEL_RUNNERS, "victim", request=_on("victim", lambda w, s: {"aliases": "Vee"})
    ),
    "POST /api/perpetrator-subjects": Route(
        201, PANEL_RUNNERS | {SM}, "perpetrator_panel", request=_body(_new_subject)
    ),
    "GET /api/perpetrator-subjects": Route(200, _PERPETRATOR_RECORD, listed=("subject",)),
    "GET /api/perpetrator-subjects/{subject_id:int}": Route(
        200, EVERYONE, "subject", request=_on("subject")
    ),
    "POST /api/perpetrator-subjects/{subject_id:int}/decision": Route(
        200,
        PANEL_RUNNERS | {SM},
        "undecided_subject",
        request=_on(
            "undecided_subject",
            lambda w, s: {
                "outcome": "accept",
                "pathway": "disrupt_only",
                "case_manager_id": w.users[CM],
            },
        ),
    ),
    "POST /api/perpetrator-subjects/{subject_id:int}/rfgv": Route(
        201,
        PANEL_RUNNERS | {SM, CM},
        "subject",
        request=_on(
            "subject",
            lambda w, s: {
                "stage": "entry",
                "assessed_on": "2026-04-01",
                "inputs": {
                    "days_since_last_incident": 30,
                    "incidents_last_12_months": 3,
                    "most_serious_gravity": 3,
                    "victims": 1,
                },
            },
        ),
    ),
    "POST /api/perpetrator-subjects/{subject_id:int}/milestones": Route(
        200,
        PANEL_RUNNERS | {SM, CM},
        "subject",
        request=_on("subject", lambda w, s: {"initial_assessment_on": "2026-03-10"}),
    ),
}


def _api_routes() -> set[str]:
    from panel_service.app import create_app

    return {
        f"{method} {route.path}"
        for route in create_app().routes
        if route.path.startswith("/api/")
        for method in route.methods - {"HEAD", "OPTIONS"}
    }


def test_every_api_route_has_a_matrix_entry() -> None:
    routes = _api_routes()
    assert sorted(routes - MATRIX.keys()) == [], "routes without a row in the matrix"
    assert sorted(MATRIX.keys() - routes) == [], "matrix rows for routes that do not exist"


def expected_status(route: Route, role: str, inside: bool) -> int:
    if route.record is None:
        return route.status if role in route.allowed else dict(route.refused_by_role).get(role, 403)
    kind = KIND[route.record]
    visible = role in SEEN_ANYWHERE.get(kind, frozenset()) or (
        inside and role in IN_SCOPE.get(route.record, EVERYONE)
    )
    if not visible:
        # A record referred to from the body is a field error, not a missing resource.
        return 404 if "{" in _path_of(route) else 422
    if role in (route.allowed if inside else route.anywhere):
        return route.status
    return dict(route.refused_by_role).get(role, route.refused)


def _path_of(route: Route) -> str:
    return next(key for key, value in MATRIX.items() if value is route).split(" ", 1)[1]


def _url(path: str, params: dict[str, int]) -> str:
    """Fill the path's parameters: ``id`` is the first one, the rest by name."""
    parts, values = path.split("/"), dict(params)
    for i, part in enumerate(parts):
        if part.startswith("{"):
            name = part[1:].split(":")[0]
            parts[i] = str(values.pop(name) if name in values else values.pop("id"))
    return "/".join(parts)


def _refusals(client: Any, user_id: int) -> int:
    from panel_service.audit.tables import AuditEvent

    async def count() -> int:
        return await AuditEvent.count().where(
            (AuditEvent.actor == user_id) & (AuditEvent.verb == "refused")
        )

    return on_app_loop(client, count)


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_authorisation_matrix(app_client: Any, key: str) -> None:
    route = MATRIX[key]
    method, path = key.split(" ", 1)
    world = build_world(app_client)
    sides: dict[bool, Side] = {}

    def side(inside: bool, fresh: bool) -> Side:
        if fresh or inside not in sides:
            made = {**build_side(world, inside), "inside": inside}
            if fresh:
                return made
            sides[inside] = made
        return sides[inside]

    cells = [
        (role, name == "in", expected_status(route, role, name == "in"))
        for role in ROLES
        # A route about no single record has no "out of scope" to try.
        for name in (route.sides if route.record else ("in",))
    ]
    # Refusals first: they change nothing, so every cell after them sees the same records.
    cells.sort(key=lambda cell: cell[2] < 400)
    mismatches = []
    for role, inside, expected in cells:
        succeeds = expected < 400 and method != "GET"
        records = side(inside, fresh=succeeds and inside)
        params, body = route.request(world, records, role)
        user_id = world.users[role]
        act_as(app_client, user_id)
        before = _refusals(app_client, user_id)
        response = app_client.request(method, _url(path, params), json=body)
        refused_on_record = _refusals(app_client, user_id) - before
        cell = f"{role:<22} {'in ' if inside else 'out'}"
        if response.status_code != expected:
            mismatches.append(
                f"{cell} expected {expected}, got {response.status_code}: {response.text[:160]}"
            )
        elif expected != route.status and refused_on_record != 1:
            mismatches.append(
                f"{cell} refused without exactly one audit event ({refused_on_record})"
            )
        elif expected < 400 and refused_on_record:
            mismatches.append(f"{cell} succeeded but wrote a refusal")
        if route.listed and expected == 200:
            ids = {item["id"] for item in ok(response)["items"]}
            for name in route.listed:
                out_id = side(False, fresh=False)[name]
                if role in IN_SCOPE[name] and records[name] not in ids:
                    mismatches.append(f"{cell} list is missing its in-scope {name}")
                if out_id in ids and role not in SEEN_ANYWHERE.get(KIND[name], frozenset()):
                    mismatches.append(f"{cell} list shows an out-of-scope {name}")
    assert not mismatches, f"{key}:\n" + "\n".join(mismatches)
