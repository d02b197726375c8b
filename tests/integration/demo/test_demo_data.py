"""The demo data: realistic variety, loaded through the services, idempotent, fictional."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.support.accounts import act_as
from tests.support.calls import ok, on_app_loop


def _load(client: Any) -> str:
    from panel_service.demo.loader import load_demo_data

    return on_app_loop(client, load_demo_data)


def _demo_user(client: Any, email: str) -> int:
    """Act as the demo user with this email (signing in is tested elsewhere)."""
    from panel_service.accounts.tables import User

    async def find() -> int:
        row = await User.select(User.id).where(User.email == email).first()
        assert row is not None, email
        return int(row["id"])

    user_id = on_app_loop(client, find)
    act_as(client, user_id)
    return user_id


def _coordinator(client: Any) -> None:
    """Act as the demo's coordinator, who is on the staff of both demo panels."""
    _demo_user(client, "coordinator@northtown.gov.example")


def _administrator(client: Any) -> None:
    """Act as the demo's administrator (the one role that reads the audit trail)."""
    _demo_user(client, "admin@panel.example")


def _all(client: Any, url: str, **params: Any) -> list[Any]:
    return ok(client.get(url, params={"limit": 200, **params}))["items"]


def test_the_demo_has_the_variety_a_coordinator_meets(app_client: Any) -> None:
    _load(app_client)
    client = app_client
    _coordinator(client)
    panels = _all(client, "/api/panels")
    assert sorted(p["kind"] for p in panels) == ["marac", "perpetrator_panel"]
    assert len(_all(client, "/api/agencies")) == 15

    cases = _all(client, "/api/cases")
    assert len(cases) == 40
    assert sum(c["is_repeat"] for c in cases) == 3
    assert sum(1 for c in cases if c["children_count"]) >= 15
    details = [ok(client.get(f"/api/cases/{c['id']}")) for c in cases]
    victims = {d["victim"]["id"]: d["victim"] for d in details}
    assert sum(v["gender"] == "male" for v in victims.values()) == 3
    assert {v["age_at_referral"] for v in victims.values()} >= {16, 17}
    assert any(d["perpetrator"]["serial_perpetrator"] for d in details)

    meetings = _all(client, "/api/meetings")
    statuses = [m["status"] for m in meetings]
    assert "minutes_circulated" in statuses and "minutes_drafted" in statuses
    assert statuses.count("scheduled") >= 4
    upcoming = next(m for m in meetings if m["status"] == "scheduled" and m["listed_cases"] == 16)
    agenda = ok(client.get(f"/api/meetings/{upcoming['id']}/agenda"))
    assert [i["victim_voice"] for i in agenda["items"]].count("missing") == 3
    assert agenda["items"][0]["section"] == "actions_review"
    ok(client.post(f"/api/meetings/{upcoming['id']}/publish-agenda"), 409)

    overdue = _all(client, "/api/actions", overdue=True)
    assert overdue
    assert all(date.fromisoformat(a["due_date"]) < date.today() for a in overdue)
    outcomes = {a["status"] for a in _all(client, "/api/actions")}
    assert {"completed", "not_completed_not_done", "not_completed_circumstances_changed"} <= (
        outcomes
    )
    subjects = _all(client, "/api/perpetrator-subjects")
    assert sorted(s["status"] for s in subjects) == ["accepted", "accepted", "referred"]


def test_loading_the_demo_twice_changes_nothing(app_client: Any) -> None:
    first = _load(app_client)
    _administrator(app_client)
    before = ok(app_client.get("/api/audit-events", params={"limit": 1}))["total"]
    second = _load(app_client)
    assert first.startswith("demo data loaded") and second.startswith("demo data already loaded")
    assert ok(app_client.get("/api/audit-events", params={"limit": 1}))["total"] == before


def test_every_demo_email_uses_a_reserved_domain(app_client: Any) -> None:
    _load(app_client)
    _coordinator(app_client)
    emails = [u["email"] for u in _all(app_client, "/api/users")]
    emails += [a["contact_email"] for a in _all(app_client, "/api/agencies")]
    assert emails
    assert all(e.endswith((".example", "@example.org", ".example.org")) for e in emails), emails


def test_each_demo_role_sees_its_own_work(app_client: Any) -> None:
    """The demo's users are staff of their panels, and its IDVAs are assigned their cases,
    so that each role signs in to something to do, and to nothing more."""
    _load(app_client)
    client = app_client

    def total(url: str) -> int:
        return int(ok(client.get(url, params={"limit": 1}))["total"])

    _coordinator(client)
    every_case = _all(client, "/api/cases")
    assert len(every_case) == 40
    for email in ("coordinator@northtown.gov.example", "chair@northtown.police.example"):
        _demo_user(client, email)
        assert total("/api/cases") == 40 and total("/api/perpetrator-subjects") == 3
        assert total("/api/meetings") == len(_all(client, "/api/meetings")) > 0

    idva_cases: list[int] = []
    for email in (
        "imani@idva.northtown.example",
        "iris@idva.northtown.example",
        "ivo@idva.northtown.example",
    ):
        idva_id = _demo_user(client, email)
        mine = _all(client, "/api/cases")
        assert len(mine) >= 13, email
        details = [ok(client.get(f"/api/cases/{c['id']}")) for c in mine]
        assert {d["assigned_idva_id"] for d in details} == {idva_id}
        idva_cases += [c["id"] for c in mine]
    assert sorted(idva_cases) == sorted(c["id"] for c in every_case)

    _demo_user(client, "sol@drive.example")  # the service manager, on the DAPP's staff
    assert total("/api/perpetrator-subjects") == 3
    ok(client.get("/api/cases"), 403)
    case_manager = _demo_user(client, "kit@drive.example")
    subjects = _all(client, "/api/perpetrator-subjects")
    assert subjects
    for subject in subjects:
        detail = ok(client.get(f"/api/perpetrator-subjects/{subject['id']}"))
        assert detail["case_manager_id"] == case_manager

    _demo_user(client, "alex.morgan@northtown.police.example")  # the police representative
    meetings = _all(client, "/api/meetings")
    assert meetings
    assert 0 < total("/api/cases") < 40

    _administrator(client)
    ok(client.get("/api/cases"), 403)
    assert total("/api/audit-events") > 0


def test_every_demo_meeting_downloads_its_documents_through_the_api(app_client: Any) -> None:
    import io

    from docx import Document

    _load(app_client)

    def opened(url: str) -> str:
        response = app_client.get(url)
        assert response.status_code == 200, (url, response.text[:200])
        document = Document(io.BytesIO(response.content))
        return "\n".join(p.text for p in document.paragraphs)

    _coordinator(app_client)
    meetings = ok(app_client.get("/api/meetings", params={"limit": 100}))["items"]
    police = next(
        a["id"]
        for a in ok(app_client.get("/api/agencies", params={"limit": 100}))["items"]
        if a["name"] == "Northtown Police"
    )
    minuted = [m for m in meetings if m["status"].startswith("minutes_")]
    assert len(minuted) >= 2
    for meeting in meetings:
        if meeting["status"] == "cancelled":
            continue
        base = f"/api/meetings/{meeting['id']}"
        assert "agenda" in opened(f"{base}/agenda.docx").lower()
        opened(f"{base}/agencies/{police}/agenda.docx")
        opened(f"{base}/agencies/{police}/actions.docx")
    for meeting in minuted:
        base = f"/api/meetings/{meeting['id']}"
        full = opened(f"{base}/minutes.docx")
        assert "minutes" in full.lower()
        opened(f"{base}/agencies/{police}/minutes.docx")
    # The circulated meeting's minutes are version 1, approved by the demo chair.
    circulated = next(m for m in meetings if m["status"] == "minutes_circulated")
    assert "Version 1, approved" in opened(f"/api/meetings/{circulated['id']}/minutes.docx")

    _demo_user(app_client, "alex.morgan@northtown.police.example")
    opened(f"/api/agencies/{police}/actions.docx")
    opened(f"/api/meetings/{circulated['id']}/agencies/{police}/minutes.docx")
