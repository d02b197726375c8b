"""A sitting MARAC meeting with invited agencies, and minutes saved through the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.support.accounts import make_agency
from tests.support.actions import sitting_marac_listing
from tests.support.calls import ok
from tests.support.panels import make_panel


@dataclass
class Sitting:
    panel: Any
    listing: Any
    police: Any
    housing: Any

    @property
    def meeting_id(self) -> int:
        return int(self.listing["meeting_id"])

    @property
    def listing_id(self) -> int:
        return int(self.listing["id"])


def sitting(client: Any, starts_at: str = "2026-12-03T10:00:00Z") -> Sitting:
    """A case listed on a MARAC meeting now in session, to which a police force and a
    housing provider are invited (the case's referrer is another police agency)."""
    police = make_agency(client, "police", name="Northtown Police")
    housing = make_agency(client, "housing", name="Northtown Homes")
    panel = make_panel(client, agency_ids=[police["id"], housing["id"]])
    listing = sitting_marac_listing(client, starts_at, panel=panel)
    return Sitting(panel, listing, police, housing)


def minutes_body(
    revision: int, risks: str = "", shared: tuple[tuple[int, str], ...] = ()
) -> dict[str, Any]:
    return {
        "risks_identified": risks,
        "information_shared": [{"agency_id": a, "text": t} for a, t in shared],
        "revision": revision,
    }


def put_minutes(
    client: Any,
    listing_id: int,
    revision: int,
    risks: str = "",
    shared: tuple[tuple[int, str], ...] = (),
) -> Any:
    """The response to saving a listing's minutes from ``revision``."""
    return client.put(
        f"/api/listings/{listing_id}/minutes", json=minutes_body(revision, risks, shared)
    )


def save_minutes(client: Any, listing_id: int, revision: int, risks: str = "", **kw: Any) -> Any:
    return ok(put_minutes(client, listing_id, revision, risks, **kw))


def read_minutes(client: Any, meeting_id: int, **params: Any) -> Any:
    return ok(client.get(f"/api/meetings/{meeting_id}/minutes", params=params))
