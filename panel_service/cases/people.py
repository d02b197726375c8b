"""Verbs on people (victims and perpetrators), and who is a serial perpetrator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date
from typing import Any, cast

import msgspec
from piccolo.columns.combination import WhereRaw

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.audit.trail import record_event
from panel_service.cases.rules import age_on, is_serial
from panel_service.cases.schemas import (
    CasePerpetratorRead,
    CaseVictimRead,
    PersonCreate,
    PersonRead,
    PersonUpdate,
)
from panel_service.cases.tables import Person
from panel_service.errors import NotFound
from panel_service.pagination import Page, PageParams, fetch_page
from panel_service.records import fetch_row, set_fields, to_struct

# asyncpg allows 32,767 bind parameters a statement.
_ID_CHUNK = 10_000


async def serial_perpetrator_ids(person_ids: Collection[int]) -> set[int]:
    """Which of these people are serial perpetrators (two or more different victims
    referred within three years), in one query for up to 10,000 people.

    Hand-written SQL: the agenda calls this on every read, and building the same query
    with Piccolo's ``is_in`` cost more than running it."""
    ids = sorted(set(person_ids))
    cases: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = ids[start : start + _ID_CHUNK]
        placeholders = ", ".join("{}" for _ in chunk)
        rows = await db.fetch(
            "SELECT perpetrator, victim, referral_date FROM marac_case"  # noqa: S608 - placeholders only
            f" WHERE perpetrator IN ({placeholders})",
            *chunk,
        )
        for row in rows:
            cases[row["perpetrator"]].append((row["referral_date"], row["victim"]))
    return {person_id for person_id, found in cases.items() if is_serial(found)}


async def add_person(data: PersonCreate) -> int:
    """Insert a person inside the caller's transaction; the caller writes the audit."""
    row = Person(**{**msgspec.structs.asdict(data), "gender": data.gender.value})
    await row.save()
    return int(row.id)


async def create_person(actor: Actor, data: PersonCreate) -> PersonRead:
    """Record a person who may later be named as a victim or a perpetrator."""
    async with db.transaction():
        person_id = await add_person(data)
        await record_event(actor, "created", "person", person_id)
    return await _read_person(person_id)


async def person_rows(person_ids: Collection[int]) -> dict[int, dict[str, Any]]:
    """People by id, in one query."""
    if not person_ids:
        return {}
    rows = await Person.select().where(Person.id.is_in(list(set(person_ids))))
    return {row["id"]: row for row in rows}


async def require_person(person_id: int, field: str) -> dict[str, Any]:
    """A person named by id in a request, or ``NotFound`` naming that field."""
    row = (await person_rows([person_id])).get(person_id)
    if row is None:
        raise NotFound(f"person {person_id} does not exist", field=field)
    return row


def _age(row: dict[str, Any], on: date) -> int | None:
    return None if row["date_of_birth"] is None else age_on(row["date_of_birth"], on)


def victim_view(row: dict[str, Any], on: date) -> CaseVictimRead:
    return to_struct({**row, "age_at_referral": _age(row, on)}, CaseVictimRead)


def perpetrator_view(row: dict[str, Any], on: date, serial: bool) -> CasePerpetratorRead:
    return to_struct(
        {**row, "age_at_referral": _age(row, on), "serial_perpetrator": serial}, CasePerpetratorRead
    )


async def _read_person(person_id: int) -> PersonRead:
    row = await fetch_row(Person, person_id, "person")
    serial = person_id in await serial_perpetrator_ids([person_id])
    return to_struct({**row, "serial_perpetrator": serial}, PersonRead)


async def get_person(actor: Actor, person_id: int) -> PersonRead:
    """One person; reading them is recorded in the audit trail."""
    await access.check(actor, access.Record.PERSON, person_id)
    person = await _read_person(person_id)
    await record_event(actor, "viewed", "person", person_id)
    return person


def _like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def search_people(actor: Actor, page: PageParams, q: str | None = None) -> Page[PersonRead]:
    """People whose name or aliases contain ``q`` (ignoring case), by name."""
    matches = None
    if q and q.strip():
        pattern = _like_pattern(q.strip())
        # LOWER() on both sides: SQLite has no ILIKE, and PostgreSQL's LIKE is case-sensitive.
        matches = WhereRaw(
            "(LOWER(full_name) LIKE {} ESCAPE '\\' OR LOWER(aliases) LIKE {} ESCAPE '\\')",
            pattern,
            pattern,
        )
    rows, total = await fetch_page(
        Person.select().order_by(Person.full_name, Person.id),
        Person.count(),
        page,
        await access.visible(actor, access.Record.PERSON),
        matches,
    )
    serial = await serial_perpetrator_ids([r["id"] for r in rows])
    return Page.of(
        [to_struct({**r, "serial_perpetrator": r["id"] in serial}, PersonRead) for r in rows],
        total,
        page,
    )


async def update_person(actor: Actor, person_id: int, data: PersonUpdate) -> PersonRead:
    """Correct a person's name, aliases, date of birth or diversity details."""
    await access.check(actor, access.Record.PERSON, person_id, access.Right.MANAGE)
    changes: dict[str, Any] = {
        k: v.value if hasattr(v, "value") else v for k, v in set_fields(data).items()
    }
    async with db.transaction():
        await fetch_row(Person, person_id, "person")
        if changes:
            await Person.update(cast(dict[Any, Any], changes)).where(Person.id == person_id)
            await record_event(actor, "updated", "person", person_id, {"fields": sorted(changes)})
    return await _read_person(person_id)
