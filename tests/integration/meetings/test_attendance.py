"""Attendance: per agency, observers apart, and who may sign the confidentiality statement."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import make_agency, make_user
from tests.support.calls import ok
from tests.support.meetings import make_meeting, move
from tests.support.panels import make_panel


def _setup(client: Any) -> tuple[Any, Any, str]:
    agency = make_agency(client, "housing")
    panel = make_panel(client, agency_ids=[agency["id"]])
    meeting = make_meeting(client, panel["id"])
    return agency, meeting, f"/api/meetings/{meeting['id']}/attendance/{agency['id']}"


def test_a_representative_present_signs_the_confidentiality_statement(client: Any) -> None:
    agency, _, url = _setup(client)
    rep = make_user(client, "agency_representative", agency_id=agency["id"], full_name="Hal Homes")
    body = {"status": "present", "representative_id": rep["id"], "confidentiality_signed": True}
    row = ok(client.put(url, json=body))
    assert (row["status"], row["attendee_name"], row["confidentiality_signed"]) == (
        "present",
        "Hal Homes",
        True,
    )


def test_apologies_with_information_sent_need_the_date_it_was_sent(client: Any) -> None:
    _, _, url = _setup(client)
    response = client.put(url, json={"status": "apologies_information_sent"})
    assert ok(response, 422)["errors"][0]["field"] == "information_sent_on"
    row = ok(
        client.put(
            url, json={"status": "apologies_information_sent", "information_sent_on": "2026-12-01"}
        )
    )
    assert row["information_sent_on"] == "2026-12-01"


def test_only_people_in_the_room_sign_and_someone_must_be_named_as_present(client: Any) -> None:
    _, _, url = _setup(client)
    signed_apology = {"status": "apologies", "confidentiality_signed": True}
    assert ok(client.put(url, json=signed_apology), 422)["errors"][0]["field"] == (
        "confidentiality_signed"
    )
    assert ok(client.put(url, json={"status": "present"}), 422)["errors"][0]["field"] == (
        "attendee_name"
    )


def test_a_deputy_from_another_agency_cannot_stand_in(client: Any) -> None:
    _, _, url = _setup(client)
    outsider = make_user(client, "agency_representative", agency_id=make_agency(client)["id"])
    response = client.put(url, json={"status": "present", "representative_id": outsider["id"]})
    assert ok(response, 422)["errors"][0]["field"] == "representative_id"


def test_an_agency_not_invited_by_default_is_added_once(client: Any) -> None:
    _, meeting, _ = _setup(client)
    extra = make_agency(client, "education")
    url = f"/api/meetings/{meeting['id']}/attendance/{extra['id']}"
    ok(client.put(url, json={"status": "present", "attendee_name": "Ed Ucation"}))
    ok(client.put(url, json={"status": "absent"}))
    rows = ok(client.get(f"/api/meetings/{meeting['id']}/attendance"))["items"]
    assert [r["status"] for r in rows if r["agency_id"] == extra["id"]] == ["absent"]


def test_observers_are_recorded_apart_from_agency_attendance(client: Any) -> None:
    agency, meeting, _ = _setup(client)
    url = f"/api/meetings/{meeting['id']}/observers"
    row = ok(
        client.post(url, json={"attendee_name": "Olu Observer", "confidentiality_signed": True}),
        201,
    )
    assert (row["status"], row["agency_id"]) == ("observer", None)
    body = {"attendee_name": "Dup", "agency_id": agency["id"]}
    assert ok(client.post(url, json=body), 409)["errors"][0]["field"] == "agency_id"
    observer_status = client.put(
        f"/api/meetings/{meeting['id']}/attendance/{agency['id']}", json={"status": "observer"}
    )
    assert ok(observer_status, 422)["errors"][0]["field"] == "status"


def test_attendance_is_final_once_minutes_are_approved(client: Any) -> None:
    _, meeting, url = _setup(client)
    move(client, meeting["id"], "publish-agenda", "start", "close", "approve-minutes")
    ok(client.put(url, json={"status": "absent"}), 409)
