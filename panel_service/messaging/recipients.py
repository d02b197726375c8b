"""Who receives what: an agency's named representative and deputies, a named action owner,
an agency's point of contact, a panel's coordinators."""

from __future__ import annotations

from collections import defaultdict

from panel_service.accounts.tables import AgencyRepresentative, Role, User
from panel_service.agencies.tables import Agency
from panel_service.messaging.outbox import Recipient
from panel_service.panels.tables import PanelStaff


async def agency_people(agency_ids: list[int]) -> dict[int, list[Recipient]]:
    """Each agency's active representatives and deputies (one entry per address)."""
    if not agency_ids:
        return {}
    rows = (
        await AgencyRepresentative.select(
            AgencyRepresentative.agency,
            AgencyRepresentative.user.id.as_alias("user_id"),
            AgencyRepresentative.user.email.as_alias("email"),
        )
        .where(
            AgencyRepresentative.agency.is_in(agency_ids)
            & (AgencyRepresentative.user.active == True)  # noqa: E712
        )
        .order_by(AgencyRepresentative.agency)
        .order_by(AgencyRepresentative.kind, ascending=False)
    )
    people: dict[int, list[Recipient]] = defaultdict(list)
    for row in rows:
        group = people[row["agency"]]
        if all(person.email != row["email"] for person in group):
            group.append(Recipient(row["email"], row["user_id"], row["agency"]))
    return people


async def users(user_ids: list[int]) -> dict[int, Recipient]:
    """Active users by id, as recipients."""
    if not user_ids:
        return {}
    rows = await User.select(User.id, User.email, User.agency).where(
        User.id.is_in(user_ids) & (User.active == True)  # noqa: E712
    )
    return {r["id"]: Recipient(r["email"], r["id"], r["agency"]) for r in rows}


async def points_of_contact(agency_ids: list[int]) -> dict[int, Recipient]:
    """Each agency's point of contact (for escalations), where one is recorded."""
    if not agency_ids:
        return {}
    rows = await Agency.select(Agency.id, Agency.contact_email).where(
        Agency.id.is_in(agency_ids) & (Agency.contact_email != "")
    )
    return {r["id"]: Recipient(r["contact_email"], None, r["id"]) for r in rows}


async def panel_coordinators(panel_ids: list[int]) -> dict[int, list[Recipient]]:
    """Each panel's active coordinators."""
    if not panel_ids:
        return {}
    rows = await PanelStaff.select(
        PanelStaff.panel,
        PanelStaff.user.id.as_alias("user_id"),
        PanelStaff.user.email.as_alias("email"),
        PanelStaff.user.agency.as_alias("agency"),
    ).where(
        PanelStaff.panel.is_in(panel_ids)
        & (PanelStaff.user.role == Role.COORDINATOR.value)
        & (PanelStaff.user.active == True)  # noqa: E712
    )
    coordinators: dict[int, list[Recipient]] = defaultdict(list)
    for row in rows:
        coordinators[row["panel"]].append(Recipient(row["email"], row["user_id"], row["agency"]))
    return coordinators
