"""Finding actions: filters, the overdue boundary, overdue counts by agency, and the agenda."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.support.accounts import make_agency
from tests.support.actions import (
    call_service,
    make_action,
    set_status,
    sitting_marac_listing,
    sitting_subject_listing,
)
from tests.support.calls import ok
from tests.support.panels import make_panel

# The meeting sits on 3 December 2026; "today" is fixed where the answer depends on it.
SITTING = "2026-12-03T10:00:00Z"
TODAY = date(2026, 12, 20)


def _ids(page: Any) -> list[int]:
    return [item["id"] for item in page["items"]]


def test_actions_are_listed_by_due_date_and_filtered(client: Any) -> None:
    first = sitting_marac_listing(client, SITTING)
    second = sitting_marac_listing(client, "2026-12-10T10:00:00Z")
    subject_listing = sitting_subject_listing(client, SITTING)
    police, housing = make_agency(client, "police"), make_agency(client, "housing")
    late = make_action(client, first["id"], agency_id=police["id"], due_date="2026-12-30")
    soon = make_action(client, first["id"], agency_id=housing["id"], due_date="2026-12-05")
    other = make_action(client, second["id"], agency_id=police["id"], due_date="2026-12-12")
    perpetrator = make_action(client, subject_listing["id"], agency_id=police["id"])
    set_status(client, other["id"], "completed")

    def listed(**params: Any) -> list[int]:
        return _ids(ok(client.get("/api/actions", params=params)))

    assert listed() == [soon["id"], other["id"], perpetrator["id"], late["id"]]
    assert listed(agency_id=housing["id"]) == [soon["id"]]
    assert listed(case_id=first["case_id"]) == [soon["id"], late["id"]]
    assert listed(subject_id=subject_listing["subject_id"]) == [perpetrator["id"]]
    assert listed(meeting_id=second["meeting_id"]) == [other["id"]]
    assert listed(status="completed") == [other["id"]]
    assert listed(due_before="2026-12-12") == [soon["id"]]
    assert listed(agency_id=police["id"], status="open") == [perpetrator["id"], late["id"]]
    page = ok(client.get("/api/actions", params={"limit": 2, "offset": 1}))
    assert (_ids(page), page["total"]) == ([other["id"], perpetrator["id"]], 4)


def test_an_action_due_today_is_not_overdue_but_one_due_yesterday_is(client: Any) -> None:
    from panel_service.actions.queries import list_actions
    from panel_service.actions.schemas import ActionFilters
    from panel_service.pagination import PageParams

    listing = sitting_marac_listing(client, SITTING)
    yesterday = make_action(client, listing["id"], due_date="2026-12-19")
    due_today = make_action(client, listing["id"], due_date="2026-12-20")
    done_late = make_action(client, listing["id"], due_date="2026-12-04")
    set_status(client, done_late["id"], "completed")
    page = PageParams(limit=50, offset=0)

    overdue = call_service(client, list_actions, page, ActionFilters(overdue=True), TODAY)
    assert [(a.id, a.overdue) for a in overdue.items] == [(yesterday["id"], True)]
    current = call_service(client, list_actions, page, ActionFilters(overdue=False), TODAY)
    assert [(a.id, a.overdue) for a in current.items] == [
        (done_late["id"], False),
        (due_today["id"], False),
    ]


def test_the_overdue_filter_uses_todays_date(client: Any) -> None:
    today = date.today()
    listing = sitting_marac_listing(client, f"{today - timedelta(days=14)}T10:00:00Z")
    yesterday = make_action(client, listing["id"], due_date=str(today - timedelta(days=1)))
    make_action(client, listing["id"], due_date=str(today))
    page = ok(client.get("/api/actions", params={"overdue": "true"}))
    assert _ids(page) == [yesterday["id"]]
    assert page["items"][0]["overdue"] is True


def test_overdue_actions_are_counted_by_agency_most_overdue_first(client: Any) -> None:
    from panel_service.actions.queries import overdue_by_agency

    listing = sitting_marac_listing(client, SITTING)
    police = make_agency(client, "police", name="Northtown Police")
    housing = make_agency(client, "housing", name="Northtown Homes")
    make_agency(client, "education", name="Northtown Schools")  # no actions: not listed
    for due in ("2026-12-10", "2026-12-20", "2026-12-30"):
        make_action(client, listing["id"], agency_id=police["id"], due_date=due)
    for due in ("2026-12-12", "2026-12-05"):
        make_action(client, listing["id"], agency_id=housing["id"], due_date=due)
    closed = make_action(client, listing["id"], agency_id=housing["id"], due_date="2026-12-04")
    set_status(client, closed["id"], "not_completed_not_done", "Not started")

    rows = call_service(client, overdue_by_agency, None, TODAY)
    assert [(r.agency_name, r.open, r.overdue, r.oldest_overdue_due_date) for r in rows] == [
        ("Northtown Homes", 2, 2, date(2026, 12, 5)),
        ("Northtown Police", 3, 1, date(2026, 12, 10)),
    ]


def test_overdue_counts_can_be_limited_to_one_panel(client: Any) -> None:
    from panel_service.actions.queries import overdue_by_agency

    panel = make_panel(client)
    ours = sitting_marac_listing(client, SITTING, panel=panel)
    theirs = sitting_marac_listing(client, SITTING)
    police = make_agency(client, "police", name="Northtown Police")
    make_action(client, ours["id"], agency_id=police["id"], due_date="2026-12-10")
    make_action(client, theirs["id"], agency_id=police["id"], due_date="2026-12-10")
    make_action(client, theirs["id"], due_date="2026-12-10")

    rows = call_service(client, overdue_by_agency, panel["id"], TODAY)
    assert [(r.agency_id, r.open, r.overdue) for r in rows] == [(police["id"], 1, 1)]
    assert len(call_service(client, overdue_by_agency, None, TODAY)) == 2


def test_overdue_by_agency_is_its_own_route_not_an_action_id(client: Any) -> None:
    today = date.today()
    listing = sitting_marac_listing(client, f"{today - timedelta(days=14)}T10:00:00Z")
    agency = make_agency(client, name="Northtown Police")
    action = make_action(
        client, listing["id"], agency_id=agency["id"], due_date=str(today - timedelta(days=2))
    )
    rows = ok(client.get("/api/actions/overdue-by-agency"))
    assert rows == [
        {
            "agency_id": agency["id"],
            "agency_name": "Northtown Police",
            "open": 1,
            "overdue": 1,
            "oldest_overdue_due_date": action["due_date"],
        }
    ]
    assert ok(client.get(f"/api/actions/{action['id']}"))["id"] == action["id"]
    unknown_panel = client.get("/api/actions/overdue-by-agency", params={"panel_id": 9999})
    assert ok(unknown_panel, 404)["message"] == "panel 9999 not found"


def test_the_overdue_report_is_one_statement(client: Any) -> None:
    from panel_service.db import get_engine

    listing = sitting_marac_listing(client, SITTING)
    for _ in range(3):
        make_action(client, listing["id"])
    engine = get_engine()
    before = engine.queries_run
    ok(client.get("/api/actions/overdue-by-agency"))
    # The acting user is looked up first, then the report runs as one statement.
    assert engine.queries_run - before == 2


def test_the_agenda_shows_an_agreed_action_until_it_is_completed(client: Any) -> None:
    listing = sitting_marac_listing(client, SITTING)
    action = make_action(client, listing["id"])
    url = f"/api/meetings/{listing['meeting_id']}/agenda"

    def open_actions() -> list[int]:
        items = ok(client.get(url))["items"]
        item = next(i for i in items if i["listing_id"] == listing["id"])
        return [a["id"] for a in item["open_actions"]]

    assert open_actions() == [action["id"]]
    set_status(client, action["id"], "completed", "Marker placed on the address")
    assert open_actions() == []
