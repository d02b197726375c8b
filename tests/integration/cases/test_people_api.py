"""People: search, reading, corrections, and the serial-perpetrator flag."""

from __future__ import annotations

from typing import Any

from tests.support.calls import ok, on_app_loop
from tests.support.cases import audit_verbs, make_case, make_person, make_subject
from tests.support.panels import make_panel


def test_people_are_found_by_name_or_alias_ignoring_case(client: Any) -> None:
    ann = make_person(client, full_name="Ann Example", aliases="Annie Sample")
    make_person(client, full_name="Bob Fictional")
    make_person(client, full_name="Under_score 100%")
    assert [p["id"] for p in ok(client.get("/api/people", params={"q": "ann ex"}))["items"]] == [
        ann["id"]
    ]
    assert [p["id"] for p in ok(client.get("/api/people", params={"q": "SAMPLE"}))["items"]] == [
        ann["id"]
    ]
    # LIKE wildcards in the query are taken literally.
    assert ok(client.get("/api/people", params={"q": "%"}))["total"] == 1
    assert ok(client.get("/api/people", params={"q": "a_p"}))["total"] == 0
    page = ok(client.get("/api/people", params={"limit": 2}))
    assert (page["total"], len(page["items"])) == (3, 2)


def test_reading_a_person_is_audited(client: Any) -> None:
    person = make_person(client)
    read = ok(client.get(f"/api/people/{person['id']}"))
    assert read["serial_perpetrator"] is False
    assert audit_verbs(client, "person", person["id"]) == ["created", "viewed"]
    ok(client.get("/api/people/9999"), 404)


def test_a_persons_name_date_of_birth_and_diversity_can_be_corrected(client: Any) -> None:
    # The coordinator corrects people on the cases of the panels they run.
    person = make_person(client, full_name="Cara Example")
    make_case(client, make_panel(client)["id"], victim_id=person["id"])
    updated = ok(
        client.patch(
            f"/api/people/{person['id']}",
            json={
                "full_name": "Cara Example-Jones",
                "date_of_birth": "1994-08-30",
                "gender": "female",
                "ethnicity": "Black British",
                "racially_minoritised": True,
                "disabled": True,
                "lgbt": True,
            },
        )
    )
    assert updated["full_name"] == "Cara Example-Jones"
    assert updated["date_of_birth"] == "1994-08-30"
    assert (updated["racially_minoritised"], updated["disabled"], updated["lgbt"]) == (
        True,
        True,
        True,
    )
    cleared = ok(client.patch(f"/api/people/{person['id']}", json={"date_of_birth": None}))
    assert cleared["date_of_birth"] is None
    body = ok(client.patch(f"/api/people/{person['id']}", json={"gender": "unknown"}), 400)
    assert body["errors"][0]["field"] == "gender"


def _serial_case(client: Any, panel_id: int, perpetrator_id: int, referral_date: str) -> Any:
    return make_case(client, panel_id, perpetrator_id=perpetrator_id, referral_date=referral_date)


def test_a_perpetrator_of_two_victims_within_three_years_is_flagged_everywhere(
    client: Any,
) -> None:
    marac, perpetrator_panel = make_panel(client), make_panel(client, kind="perpetrator_panel")
    perpetrator = make_person(client, date_of_birth="1980-01-01")
    first = _serial_case(client, marac["id"], perpetrator["id"], "2023-03-02")
    assert first["perpetrator"]["serial_perpetrator"] is False
    second = _serial_case(client, marac["id"], perpetrator["id"], "2026-03-02")
    assert second["perpetrator"]["serial_perpetrator"] is True
    assert ok(client.get(f"/api/cases/{first['id']}"))["perpetrator"]["serial_perpetrator"]
    assert ok(client.get(f"/api/people/{perpetrator['id']}"))["serial_perpetrator"] is True
    listed = ok(client.get("/api/cases"))["items"]
    assert {c["serial_perpetrator"] for c in listed} == {True}
    subject = make_subject(client, perpetrator_panel["id"], person_id=perpetrator["id"])
    assert subject["person"]["serial_perpetrator"] is True
    victim = ok(client.get(f"/api/people/{second['victim']['id']}"))
    assert victim["serial_perpetrator"] is False


def test_two_victims_more_than_three_years_apart_do_not_make_a_serial(client: Any) -> None:
    panel = make_panel(client)
    perpetrator = make_person(client)
    _serial_case(client, panel["id"], perpetrator["id"], "2023-03-02")
    later = _serial_case(client, panel["id"], perpetrator["id"], "2026-03-03")
    assert later["perpetrator"]["serial_perpetrator"] is False
    assert ok(client.get(f"/api/people/{perpetrator['id']}"))["serial_perpetrator"] is False


def test_serial_perpetrators_are_found_for_many_people_in_one_query(client: Any) -> None:
    from panel_service.cases.services import serial_perpetrator_ids
    from panel_service.db import get_engine

    panel = make_panel(client)
    serials = []
    for _ in range(4):
        perpetrator = make_person(client)
        make_case(client, panel["id"], perpetrator_id=perpetrator["id"])
        make_case(client, panel["id"], perpetrator_id=perpetrator["id"])
        serials.append(perpetrator["id"])
    single = make_case(client, panel["id"])["perpetrator"]["id"]
    engine = get_engine()
    before = engine.queries_run
    found = on_app_loop(client, serial_perpetrator_ids, [*serials, single, 9999])
    assert engine.queries_run - before == 1
    assert found == set(serials)
    assert on_app_loop(client, serial_perpetrator_ids, []) == set()
