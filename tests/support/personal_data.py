"""What must never leave the service in a message: the demo's (or a test's) people — names,
aliases, dates of birth — and victims' restricted contact details and children's schools."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.support.calls import on_app_loop


def _date_forms(day: date) -> list[str]:
    """A date of birth as a message might show it."""
    return [
        day.isoformat(),
        f"{day:%d/%m/%Y}",
        f"{day.day} {day:%B %Y}",
        f"{day:%d %B %Y}",
        f"{day.day} {day:%b %Y}",
    ]


async def _personal_data() -> list[str]:
    from panel_service.cases.tables import Child, Person, VictimContact

    values: list[str] = []
    for person in await Person.select(Person.full_name, Person.aliases, Person.date_of_birth):
        values.append(person["full_name"])
        values += [alias.strip() for alias in person["aliases"].split(",")]
        if person["date_of_birth"]:
            values += _date_forms(_as_date(person["date_of_birth"]))
    for contact in await VictimContact.select(
        VictimContact.address, VictimContact.postcode, VictimContact.phone
    ):
        values += [contact["address"], contact["postcode"], contact["phone"]]
    for child in await Child.select(Child.date_of_birth, Child.school):
        values.append(child["school"])
        if child["date_of_birth"]:
            values += _date_forms(_as_date(child["date_of_birth"]))
    return sorted({value for value in values if value and len(value) > 3})


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def personal_data(client: Any) -> list[str]:
    """Every name, alias, date of birth, address, postcode, phone and school on record."""
    values = on_app_loop(client, _personal_data)
    assert values, "no people on record: the scan would prove nothing"
    return values


def leaks(text: str, forbidden: list[str]) -> list[str]:
    """The forbidden values that appear in ``text`` (case-insensitive)."""
    folded = text.casefold()
    return [value for value in forbidden if value.casefold() in folded]
