"""Drive service clocks (domain.md §3): milestones recorded against a perpetrator
subject and the 48-hour / 10 / 20 working-day deadlines they are measured against."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support.accounts import make_agency, make_user
from tests.support.calls import ok, on_app_loop
from tests.support.cases import audit_verbs, make_subject
from tests.support.panels import make_panel


def _panel(client: Any, **settings: Any) -> Any:
    return make_panel(client, kind="perpetrator_panel", **settings)


def _case_manager(client: Any) -> Any:
    return make_user(
        client, "case_manager", agency_id=make_agency(client, "perpetrator_programme")["id"]
    )


def _milestones(client: Any, subject_id: int, status: int = 200, **fields: Any) -> Any:
    return ok(
        client.post(f"/api/perpetrator-subjects/{subject_id}/milestones", json=fields), status
    )


def test_the_plan_is_signed_off_only_by_a_service_manager(client: Any) -> None:
    panel = _panel(client)
    subject = make_subject(client, panel["id"], referral_received_at="2026-03-02T09:00:00+00:00")
    manager = _case_manager(client)
    service_manager = make_user(client, "service_manager")
    body = _milestones(
        client,
        subject["id"],
        422,
        plan_signed_off_on="2026-03-20",
        plan_signed_off_by_id=manager["id"],
    )
    assert body["errors"][0]["field"] == "plan_signed_off_by_id"
    body = _milestones(client, subject["id"], 422, plan_signed_off_on="2026-03-20")
    assert body["errors"][0]["field"] == "plan_signed_off_by_id"
    signed = _milestones(
        client,
        subject["id"],
        plan_signed_off_on="2026-03-20",
        plan_signed_off_by_id=service_manager["id"],
    )
    assert signed["plan_signed_off_by_id"] == service_manager["id"]
    assert signed["clocks"]["plan_sign_off"] == {
        "due": "2026-03-30",
        "done_on": "2026-03-20",
        "status": "met",
    }


def test_milestones_fill_the_clocks_and_cannot_precede_the_referral(client: Any) -> None:
    panel = _panel(client)
    subject = make_subject(client, panel["id"], referral_received_at="2026-03-02T09:00:00+00:00")
    body = _milestones(client, subject["id"], 422, initial_assessment_on="2026-03-01")
    assert body["errors"][0]["field"] == "initial_assessment_on"
    body = _milestones(client, subject["id"], 422, agencies_contacted_at="2026-03-02T08:00:00Z")
    assert body["errors"][0]["field"] == "agencies_contacted_at"
    body = _milestones(client, subject["id"], 400, agencies_contacted_at="2026-03-03T08:00:00")
    assert body["errors"][0]["field"] == "agencies_contacted_at"
    updated = _milestones(
        client,
        subject["id"],
        agencies_contacted_at="2026-03-04T10:00:00+00:00",
        initial_assessment_on="2026-03-16",
    )
    clocks = updated["clocks"]
    assert clocks["response"] == {
        "due": "2026-03-04T09:00:00Z",
        "done_at": "2026-03-04T10:00:00Z",
        "status": "overdue",
    }
    assert clocks["initial_assessment"] == {
        "due": "2026-03-16",
        "done_on": "2026-03-16",
        "status": "met",
    }
    assert audit_verbs(client, "perpetrator_subject", subject["id"])[-1] == "milestones_recorded"


def test_clocks_cross_easter_in_england_and_not_in_scotland(client: Any) -> None:
    from panel_service.accounts.actor import SYSTEM
    from panel_service.cases.subjects import get_subject

    received = "2026-03-26T11:00:00+00:00"
    england = make_subject(client, _panel(client)["id"], referral_received_at=received)
    scotland = make_subject(
        client, _panel(client, nation="SCT")["id"], referral_received_at=received
    )
    today = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)
    english = on_app_loop(client, get_subject, SYSTEM, england["id"], today).clocks
    scottish = on_app_loop(client, get_subject, SYSTEM, scotland["id"], today).clocks
    # Good Friday counts nowhere; Easter Monday (6 April) is a bank holiday only in England.
    assert str(english.initial_assessment.due) == "2026-04-13"
    assert english.initial_assessment.status == "pending"
    assert str(scottish.initial_assessment.due) == "2026-04-10"
    assert scottish.initial_assessment.status == "pending"
    assert str(english.plan_sign_off.due) == "2026-04-27"
    assert english.response.status == "overdue"
    later = on_app_loop(
        client, get_subject, SYSTEM, scotland["id"], datetime(2026, 4, 11, tzinfo=UTC)
    )
    assert later.clocks.initial_assessment.status == "overdue"
