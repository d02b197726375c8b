"""Who may see and do what: role x agency x relationship, decided here and nowhere else.

Every service verb asks this module before it reads or changes a record:

- ``check(actor, record, id, right)`` for a verb on one record. A record the actor may
  not see answers 404 (a 403 would confirm it exists); a record they may see but not act
  on answers 403. Either refusal is written to the audit trail first, outside any
  transaction, so that it stays on record.
- ``require(actor, record, right)`` for a verb on no single record (a list, a create):
  a role that has no such right at all gets 403, also audited.
- ``visible(actor, record)`` is the condition a list adds to its query, so that a list
  holds exactly the records ``check`` would let the actor see.

Each rule is a SQL predicate on the record's own table, with ``{user}`` and ``{agency}``
standing for the actor's user and agency: one text serves both the single-record check and
the list filter, so the two cannot disagree. The system actor (the CLI, the demo loader,
the dispatchers) is not restricted.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from piccolo.columns.combination import WhereRaw

from panel_service import db
from panel_service.accounts.actor import Actor
from panel_service.accounts.tables import Role
from panel_service.audit.trail import record_event
from panel_service.errors import Invalid, NotFound, PermissionDenied


class Record(StrEnum):
    """The kinds of record access is decided for; the value is the audit record type."""

    AGENCY = "agency"
    USER = "user"
    PANEL = "panel"
    MEETING = "meeting"
    LISTING = "listing"
    CASE = "case"
    PERSON = "person"
    SUBJECT = "perpetrator_subject"
    ACTION = "action"
    AUDIT = "audit_event"
    TOKEN = "api_token"  # noqa: S105 - a record type, not a secret
    OUTBOX = "outbox_message"


class Right(StrEnum):
    VIEW = "view"
    # Add a record of a kind that belongs to nothing else (an agency, a user, a panel).
    CREATE = "create"
    # Change the record itself (a panel's settings, a meeting's lifecycle, a case's details).
    MANAGE = "manage"
    # Work within a panel: add its meetings, cases and perpetrator subjects.
    RUN = "run"
    # Victim contact details, children's schools, the victim's voice.
    VIEW_RESTRICTED = "view_restricted"
    EDIT_RESTRICTED = "edit_restricted"
    # Case details an IDVA keeps up to date: DASH, children, the case's own fields.
    EDIT = "edit"
    # Report an action's progress (its owning agency does this).
    REPORT = "report"


TABLE = {
    Record.AGENCY: "agency",
    Record.USER: "app_user",
    Record.PANEL: "panel",
    Record.MEETING: "meeting",
    Record.LISTING: "listing",
    Record.CASE: "marac_case",
    Record.PERSON: "person",
    Record.SUBJECT: "perpetrator_subject",
    Record.ACTION: "action",
    Record.AUDIT: "audit_event",
    Record.TOKEN: "api_token",
    Record.OUTBOX: "outbox_message",
}

ALL = "TRUE"

# --- the relationships the rules are made of -------------------------------------------
_STAFF_PANELS = 'SELECT ps."panel" FROM "panel_staff" ps WHERE ps."user" = {user}'
_AGENCY_MEETINGS = 'SELECT at."meeting" FROM "attendance" at WHERE at."agency" = {agency}'
_IDVA_CASES = 'SELECT c."id" FROM "marac_case" c WHERE c."assigned_idva" = {user}'
_OWN_SUBJECTS = 'SELECT s."id" FROM "perpetrator_subject" s WHERE s."case_manager" = {user}'


def _listed_on_agency_meetings(column: str) -> str:
    return (
        f'SELECT l."{column}" FROM "listing" l JOIN "attendance" at'
        ' ON at."meeting" = l."meeting" WHERE at."agency" = {agency}'
    )


def _meetings_listing(column: str, records: str) -> str:
    return f'SELECT l."meeting" FROM "listing" l WHERE l."{column}" IN ({records})'


# --- the rules: (record, right) -> {role: predicate on the record's table} -------------
_STAFF = (Role.COORDINATOR, Role.CHAIR, Role.SERVICE_MANAGER)
_MARAC_STAFF = (Role.COORDINATOR, Role.CHAIR)
_EVERYONE = tuple(Role)


def _each(roles: tuple[Role, ...], predicate: str) -> dict[Role, str]:
    return dict.fromkeys(roles, predicate)


_MEETING_STAFF = f'"meeting"."panel" IN ({_STAFF_PANELS})'
_MEETING_VIEW = {
    **_each(_STAFF, _MEETING_STAFF),
    Role.AGENCY_REPRESENTATIVE: f'"meeting"."id" IN ({_AGENCY_MEETINGS})',
    Role.IDVA: f'"meeting"."id" IN ({_meetings_listing("case", _IDVA_CASES)})',
    Role.CASE_MANAGER: f'"meeting"."id" IN ({_meetings_listing("subject", _OWN_SUBJECTS)})',
}


# Roles that see every listing of a meeting they may see (the whole agenda).
_WHOLE_MEETING = (*_STAFF, Role.AGENCY_REPRESENTATIVE)


def _listing_via_meeting(rules: dict[Role, str]) -> dict[Role, str]:
    return {
        role: f'"listing"."meeting" IN (SELECT "meeting"."id" FROM "meeting" WHERE {predicate})'
        for role, predicate in rules.items()
    }


_CASE_STAFF = f'"marac_case"."panel" IN ({_STAFF_PANELS})'
_CASE_IDVA = '"marac_case"."assigned_idva" = {user}'
_CASE_VIEW = {
    **_each(_MARAC_STAFF, _CASE_STAFF),
    Role.AGENCY_REPRESENTATIVE: f'"marac_case"."id" IN ({_listed_on_agency_meetings("case")})',
    Role.IDVA: _CASE_IDVA,
}
_SUBJECT_STAFF = f'"perpetrator_subject"."panel" IN ({_STAFF_PANELS})'
_SUBJECT_VIEW = {
    **_each(_STAFF, _SUBJECT_STAFF),
    Role.CASE_MANAGER: '"perpetrator_subject"."case_manager" = {user}',
    Role.AGENCY_REPRESENTATIVE: (
        f'"perpetrator_subject"."id" IN ({_listed_on_agency_meetings("subject")})'
    ),
}


def _person_via(cases: dict[Role, str], subjects: dict[Role, str]) -> dict[Role, str]:
    """A person is seen through the cases they are part of, and the perpetrator subjects
    they are (or are a victim of)."""
    rules: dict[Role, str] = {}
    for role in set(cases) | set(subjects):
        parts = []
        if role in cases:
            where = f'FROM "marac_case" WHERE {cases[role]}'
            parts += [
                f'"person"."id" IN (SELECT "marac_case"."victim" {where})',
                f'"person"."id" IN (SELECT "marac_case"."perpetrator" {where})',
            ]
        if role in subjects:
            seen = (
                f'SELECT "perpetrator_subject"."id" FROM "perpetrator_subject"'
                f" WHERE {subjects[role]}"
            )
            parts += [
                f'"person"."id" IN (SELECT "perpetrator_subject"."person"'
                f' FROM "perpetrator_subject" WHERE {subjects[role]})',
                f'"person"."id" IN (SELECT sv."victim" FROM "subject_victim" sv'
                f' WHERE sv."subject" IN ({seen}))',
            ]
        rules[role] = " OR ".join(parts)
    return rules


# Which actions a role sees, as alternatives "the action's <column> is one of <query>":
# the view rule is their OR, and a report over many actions (overdue by agency) drives
# from each alternative's own index instead (``action_sources``).
# The cast types the placeholder for PostgreSQL (a bare "SELECT $1" is text).
_THEIR_AGENCY = "SELECT CAST({agency} AS INTEGER)"
_ACTION_SOURCES: dict[Role, tuple[tuple[str, str], ...]] = {
    **dict.fromkeys(_STAFF, (("panel", _STAFF_PANELS),)),
    Role.AGENCY_REPRESENTATIVE: (("agency", _THEIR_AGENCY),),
    Role.IDVA: (("agency", _THEIR_AGENCY), ("case", _IDVA_CASES)),
    Role.CASE_MANAGER: (("subject", _OWN_SUBJECTS),),
}


def _any_of(sources: tuple[tuple[str, str], ...]) -> str:
    return " OR ".join(f'"action"."{column}" IN ({query})' for column, query in sources)


_ACTION_STAFF = _any_of(_ACTION_SOURCES[Role.COORDINATOR])
_ACTION_AGENCY = '"action"."agency" = {agency}'
_ACTION_REPORTERS = {
    **_each(_STAFF, _ACTION_STAFF),
    Role.AGENCY_REPRESENTATIVE: _ACTION_AGENCY,
    Role.IDVA: _ACTION_AGENCY,
    Role.CASE_MANAGER: _any_of(_ACTION_SOURCES[Role.CASE_MANAGER]),
}
_RESTRICTED_VOICE = {
    **_listing_via_meeting(_each(_MARAC_STAFF, _MEETING_STAFF)),
    Role.IDVA: f'"listing"."case" IN ({_IDVA_CASES})',
}
_USER_VIEW = {
    **_each((Role.ADMINISTRATOR, *_STAFF), ALL),
    **_each((Role.AGENCY_REPRESENTATIVE, Role.IDVA, Role.CASE_MANAGER), '"app_user"."id" = {user}'),
}

RULES: dict[tuple[Record, Right], dict[Role, str]] = {
    (Record.AGENCY, Right.VIEW): _each(_EVERYONE, ALL),
    (Record.AGENCY, Right.CREATE): {Role.ADMINISTRATOR: ALL},
    (Record.AGENCY, Right.MANAGE): {Role.ADMINISTRATOR: ALL},
    (Record.USER, Right.VIEW): _USER_VIEW,
    (Record.USER, Right.CREATE): {Role.ADMINISTRATOR: ALL},
    (Record.USER, Right.MANAGE): {Role.ADMINISTRATOR: ALL},
    (Record.PANEL, Right.VIEW): _each(_EVERYONE, ALL),
    (Record.PANEL, Right.CREATE): {Role.ADMINISTRATOR: ALL},
    (Record.PANEL, Right.MANAGE): {
        Role.ADMINISTRATOR: ALL,
        Role.COORDINATOR: f'"panel"."id" IN ({_STAFF_PANELS})',
    },
    (Record.PANEL, Right.RUN): _each(_STAFF, f'"panel"."id" IN ({_STAFF_PANELS})'),
    (Record.MEETING, Right.VIEW): _MEETING_VIEW,
    (Record.MEETING, Right.MANAGE): _each(_STAFF, _MEETING_STAFF),
    # IDVAs and case managers see the meetings their cases are heard at, but of the agenda
    # only their own cases' and subjects' listings.
    (Record.LISTING, Right.VIEW): {
        **_listing_via_meeting({r: _MEETING_VIEW[r] for r in _WHOLE_MEETING}),
        Role.IDVA: f'"listing"."case" IN ({_IDVA_CASES})',
        Role.CASE_MANAGER: f'"listing"."subject" IN ({_OWN_SUBJECTS})',
    },
    (Record.LISTING, Right.MANAGE): _listing_via_meeting(_each(_STAFF, _MEETING_STAFF)),
    (Record.LISTING, Right.VIEW_RESTRICTED): _RESTRICTED_VOICE,
    (Record.LISTING, Right.EDIT_RESTRICTED): _RESTRICTED_VOICE,
    (Record.CASE, Right.VIEW): _CASE_VIEW,
    (Record.CASE, Right.EDIT): {**_each(_MARAC_STAFF, _CASE_STAFF), Role.IDVA: _CASE_IDVA},
    (Record.CASE, Right.MANAGE): _each(_MARAC_STAFF, _CASE_STAFF),
    (Record.CASE, Right.VIEW_RESTRICTED): {
        **_each(_MARAC_STAFF, _CASE_STAFF),
        Role.IDVA: _CASE_IDVA,
    },
    (Record.CASE, Right.EDIT_RESTRICTED): {
        **_each(_MARAC_STAFF, _CASE_STAFF),
        Role.IDVA: _CASE_IDVA,
    },
    # Coordinators and chairs search the whole person index: it is how a referral finds the
    # victim or perpetrator already known (repeats, serial perpetrators, other panels).
    (Record.PERSON, Right.VIEW): {
        **_person_via(_CASE_VIEW, _SUBJECT_VIEW),
        **_each(_MARAC_STAFF, ALL),
    },
    (Record.PERSON, Right.MANAGE): _person_via(
        _each(_MARAC_STAFF, _CASE_STAFF), _each(_STAFF, _SUBJECT_STAFF)
    ),
    (Record.SUBJECT, Right.VIEW): _SUBJECT_VIEW,
    (Record.SUBJECT, Right.MANAGE): _each(_STAFF, _SUBJECT_STAFF),
    (Record.SUBJECT, Right.EDIT): {
        **_each(_STAFF, _SUBJECT_STAFF),
        Role.CASE_MANAGER: '"perpetrator_subject"."case_manager" = {user}',
    },
    (Record.ACTION, Right.VIEW): {role: _any_of(s) for role, s in _ACTION_SOURCES.items()},
    (Record.ACTION, Right.MANAGE): _each(_STAFF, _ACTION_STAFF),
    (Record.ACTION, Right.REPORT): _ACTION_REPORTERS,
    (Record.AUDIT, Right.VIEW): {Role.ADMINISTRATOR: ALL},
    (Record.TOKEN, Right.MANAGE): {Role.ADMINISTRATOR: ALL},
    # What was sent for a panel (addresses, subjects, delivery): its staff, who retry.
    (Record.OUTBOX, Right.VIEW): _each(_STAFF, f'"outbox_message"."panel" IN ({_STAFF_PANELS})'),
    (Record.OUTBOX, Right.MANAGE): _each(_STAFF, f'"outbox_message"."panel" IN ({_STAFF_PANELS})'),
}

# What an API token may be given, and the (record, right) pairs each permission opens. A
# token acts as a representative of its agency, limited to these.
TOKEN_PERMISSIONS: dict[str, frozenset[tuple[Record, Right]]] = {
    "meetings:read": frozenset(
        {
            (Record.MEETING, Right.VIEW),
            (Record.LISTING, Right.VIEW),
            (Record.AGENCY, Right.VIEW),
            (Record.PANEL, Right.VIEW),
        }
    ),
    "actions:read": frozenset({(Record.ACTION, Right.VIEW), (Record.AGENCY, Right.VIEW)}),
    "actions:report": frozenset({(Record.ACTION, Right.VIEW), (Record.ACTION, Right.REPORT)}),
}
_PLACEHOLDER = re.compile(r"\{(user|agency)\}")


def _predicate(actor: Actor, record: Record, right: Right) -> tuple[str, list[Any]] | None:
    """The rule for the actor, with its arguments; None when they have no such right."""
    role = actor.role
    if actor.permissions is not None:
        allowed = any((record, right) in TOKEN_PERMISSIONS[p] for p in actor.permissions)
        role = Role.AGENCY_REPRESENTATIVE if allowed else None
    template = RULES.get((record, right), {}).get(role) if role else None
    if template is None:
        return None
    args: list[Any] = []
    return _bind(actor, template, args), args


def action_sources(actor: Actor) -> list[tuple[str, str, list[Any]]] | None:
    """The actions the actor sees as (column, query, arguments) alternatives: an action is
    seen when its column's value is one the query returns. None for an unrestricted actor;
    call after ``require(actor, Record.ACTION)``."""
    if _unrestricted(actor):
        return None
    if _predicate(actor, Record.ACTION, Right.VIEW) is None:
        return []
    role = Role.AGENCY_REPRESENTATIVE if actor.permissions is not None else actor.role
    assert role is not None
    sources = []
    for column, query in _ACTION_SOURCES[role]:
        args: list[Any] = []
        sql = _bind(actor, query, args)
        sources.append((column, sql, args))
    return sources


def _bind(actor: Actor, template: str, args: list[Any]) -> str:
    """``template`` with Piccolo placeholders for the actor's user and agency (appended to
    ``args`` in order)."""

    def one(match: re.Match[str]) -> str:
        args.append(actor.user_id if match.group(1) == "user" else actor.agency_id)
        return "{}"

    return _PLACEHOLDER.sub(one, template)


def _unrestricted(actor: Actor) -> bool:
    return actor.user_id is None and actor.permissions is None


async def _refuse(actor: Actor, record: Record, record_id: int, right: Right, status: int) -> None:
    if db.get_engine().transaction_exists():
        raise RuntimeError("access is checked before a transaction starts, so refusals stay")
    await record_event(
        actor, "refused", record.value, record_id, {"right": right.value, "status": status}
    )


async def _holds(actor: Actor, record: Record, record_id: int, right: Right) -> bool:
    rule = _predicate(actor, record, right)
    if rule is None:
        return False
    predicate, args = rule
    table = TABLE[record]
    rows = await db.fetch(
        f'SELECT 1 AS hit FROM "{table}" WHERE "{table}"."id" = {{}} AND ({predicate})',
        record_id,
        *args,
    )
    return bool(rows)


async def check(
    actor: Actor,
    record: Record,
    record_id: int,
    right: Right = Right.VIEW,
    field: str | None = None,
) -> None:
    """Let the verb go on, or refuse: 404 when the actor may not see the record (or it does
    not exist), 403 when they may see it but not do this. ``field`` names the body field
    that referred to the record: then an unseen record is a 422 on that field."""
    if _unrestricted(actor):
        return
    if not await _holds(actor, record, record_id, Right.VIEW):
        await _refuse(actor, record, record_id, right, 422 if field else 404)
        message = f"{record.value.replace('_', ' ')} {record_id} not found"
        if field:
            raise Invalid(message, field=field)
        raise NotFound(message)
    if right is not Right.VIEW and not await _holds(actor, record, record_id, right):
        await _refuse(actor, record, record_id, right, 403)
        raise PermissionDenied(
            f"you may not {right.value.replace('_', ' ')} this {record.value.replace('_', ' ')}"
        )


async def check_agency_document(actor: Actor, meeting_id: int, agency_id: int) -> None:
    """A meeting's document for one agency (its extract, its actions): for that agency's own
    people and integrations, and for the meeting's staff. Anyone else gets 404, audited: an
    agency cannot learn what another agency receives."""
    await check(actor, Record.MEETING, meeting_id)
    if _unrestricted(actor) or actor.agency_id == agency_id:
        return
    if not await _holds(actor, Record.MEETING, meeting_id, Right.MANAGE):
        await _refuse(actor, Record.AGENCY, agency_id, Right.VIEW, 404)
        raise NotFound(f"agency {agency_id} has no document for meeting {meeting_id}")


async def check_agency_actions(actor: Actor, agency_id: int) -> None:
    """An agency's whole action list: for its own people and integrations, and for the
    staff who run panels (who see their panels' actions of it). Anyone else gets 404,
    audited, as for another agency's meeting documents."""
    await require(actor, Record.ACTION)
    runs_panels = actor.permissions is None and actor.role in _STAFF
    if _unrestricted(actor) or runs_panels or actor.agency_id == agency_id:
        return
    await _refuse(actor, Record.AGENCY, agency_id, Right.VIEW, 404)
    raise NotFound(f"agency {agency_id} has no action list for you")


async def require(actor: Actor, record: Record, right: Right = Right.VIEW) -> None:
    """Refuse (403, audited) an actor whose role has no ``right`` on any ``record``."""
    if _unrestricted(actor) or _predicate(actor, record, right) is not None:
        return
    await _refuse(actor, record, 0, right, 403)
    raise PermissionDenied(
        f"your role may not {right.value.replace('_', ' ')} {record.value.replace('_', ' ')}"
        " records"
    )


async def visible(actor: Actor, record: Record, right: Right = Right.VIEW) -> WhereRaw | None:
    """The condition a list of ``record`` adds to its query (None: every row); refuses
    (403, audited) a role that may see none of them."""
    await require(actor, record, right)
    rule = _predicate(actor, record, right)
    if rule is None or rule[0] == ALL:
        return None
    predicate, args = rule
    return WhereRaw(f"({predicate})", *args)


def sees_every_listing(actor: Actor) -> bool:
    """True when the actor sees every listing of any meeting they may see; an IDVA or a case
    manager sees only their own cases' and subjects' listings."""
    if _unrestricted(actor):
        return True
    role = Role.AGENCY_REPRESENTATIVE if actor.permissions is not None else actor.role
    return role in _WHOLE_MEETING


async def visible_ids(actor: Actor, record: Record, ids: list[int]) -> set[int]:
    """Those of ``ids`` the actor may see (one statement; none for an unrestricted actor)."""
    rule = None if _unrestricted(actor) else _predicate(actor, record, Right.VIEW)
    if not ids or _unrestricted(actor) or (rule is not None and rule[0] == ALL):
        return set(ids)
    if rule is None:
        return set()
    predicate, args = rule
    table = TABLE[record]
    marks = ", ".join("{}" for _ in ids)
    rows = await db.fetch(
        f'SELECT "{table}"."id" AS id FROM "{table}"'
        f' WHERE "{table}"."id" IN ({marks}) AND ({predicate})',
        *ids,
        *args,
    )
    return {row["id"] for row in rows}
