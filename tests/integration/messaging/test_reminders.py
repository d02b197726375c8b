"""The reminder sweep: a reminder before the due date, chasers after it, then escalation to
the agency's point of contact (or, when it has none, the panel's coordinators) — each
queued once however often the sweep runs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.integration.messaging.conftest import outbox
from tests.support.calls import on_app_loop
from tests.support.reminder_sweeps import london, only_open, sweep_at


async def _open_action(due: date) -> int:
    """Every demo action closed but one, due on ``due``."""
    (action_id,) = await only_open([due])
    return action_id


def _sweep(client: Any, day: date) -> int:
    return sweep_at(client, london(day))


def _kinds(client: Any) -> list[str]:
    return [row["kind"] for row in outbox(client) if row["kind"].startswith("action_")]


def test_reminder_chasers_and_escalation_each_once(demo: Any) -> None:
    due = date(2027, 3, 10)
    on_app_loop(demo, _open_action, due)
    on_app_loop(demo, _clear_outbox)
    # Three days before: the reminder, once however often the sweep runs.
    _sweep(demo, due - timedelta(days=3))
    _sweep(demo, due - timedelta(days=3))
    assert set(_kinds(demo)) == {"action_reminder"}
    reminders = len(_kinds(demo))
    # The day after: the first chaser; a week on, the second; then escalation.
    _sweep(demo, due + timedelta(days=1))
    _sweep(demo, due + timedelta(days=2))
    assert _kinds(demo).count("action_chaser") == reminders
    _sweep(demo, due + timedelta(days=8))
    assert _kinds(demo).count("action_chaser") == 2 * reminders
    _sweep(demo, due + timedelta(days=15))
    _sweep(demo, due + timedelta(days=16))
    escalations = [r for r in outbox(demo) if r["kind"] == "action_escalation"]
    assert len(escalations) == 1
    assert escalations[0]["recipient"].startswith(("alex.morgan", "jordan.reid", "avery"))
    assert _kinds(demo).count("action_chaser") == 2 * reminders


def test_a_completed_action_is_not_chased(demo: Any) -> None:
    from panel_service.actions.tables import Action

    due = date(2027, 3, 10)
    action_id = on_app_loop(demo, _open_action, due)
    on_app_loop(demo, _clear_outbox)
    on_app_loop(
        demo,
        lambda: Action.update({Action.status: "completed"}).where(Action.id == action_id),
    )
    _sweep(demo, due + timedelta(days=1))
    assert _kinds(demo) == []


def test_an_agency_without_a_point_of_contact_is_escalated_to_the_panels_coordinators(
    dispatch: Any,
) -> None:
    from email import message_from_bytes, policy

    due = date(2027, 3, 10)
    action_id = on_app_loop(dispatch.client, _open_action, due)
    panel_id, coordinators = on_app_loop(dispatch.client, _no_point_of_contact, action_id)
    on_app_loop(dispatch.client, _clear_outbox)
    for days in (1, 8, 15, 16):
        _sweep(dispatch.client, due + timedelta(days=days))
    escalations = [r for r in outbox(dispatch.client) if r["kind"] == "action_escalation"]
    assert sorted(r["recipient"] for r in escalations) == coordinators
    assert {r["panel"] for r in escalations} == {panel_id}
    dispatch()
    sent = [
        message_from_bytes(m.content, policy=policy.default)
        for m in dispatch.server.received
        if set(m.rcpt_tos) <= set(coordinators)
    ]
    assert len(sent) == len(coordinators)
    for message in sent:
        assert message["Subject"].startswith("OFFICIAL-SENSITIVE: Escalation: overdue actions")
        text = message.get_body(preferencelist=("plain",))
        assert text is not None and "has no point of contact recorded" in text.get_content()


def test_an_escalation_that_reaches_nobody_is_not_marked_done_and_goes_once_someone_can_take_it(
    demo: Any,
) -> None:
    due = date(2027, 3, 10)
    action_id = on_app_loop(demo, _open_action, due)
    _, coordinators = on_app_loop(demo, _no_point_of_contact, action_id)
    on_app_loop(demo, _coordinators_active, coordinators, False)
    on_app_loop(demo, _clear_outbox)
    for days in (1, 8, 15, 16):
        _sweep(demo, due + timedelta(days=days))
    assert "action_escalation" not in _kinds(demo), "no point of contact, no coordinator"
    on_app_loop(demo, _coordinators_active, coordinators, True)
    _sweep(demo, due + timedelta(days=17))
    _sweep(demo, due + timedelta(days=18))
    escalations = [r for r in outbox(demo) if r["kind"] == "action_escalation"]
    assert sorted(r["recipient"] for r in escalations) == coordinators


async def _coordinators_active(emails: list[str], active: bool) -> None:
    from panel_service.accounts.tables import User

    await User.update({User.active: active}).where(User.email.is_in(emails))


def test_an_agency_gets_one_email_per_panel_for_actions_on_two_panels(demo: Any) -> None:
    from panel_service.messaging.flows import action_emails

    agency_id, panels = on_app_loop(demo, _an_agency_and_two_panels)
    rows = [
        {"id": 1, "agency": agency_id, "owner": None, "panel": panels[0]},
        {"id": 2, "agency": agency_id, "owner": None, "panel": panels[1]},
        {"id": 3, "agency": agency_id, "owner": None, "panel": panels[0]},
    ]
    emails = on_app_loop(demo, action_emails, "action_chaser", rows)
    people = {email.recipient for email in emails}
    assert people, "the agency has representatives"
    assert sorted((e.recipient, e.panel_id, e.parameters["actions"]) for e in emails) == sorted(
        [(person, panels[0], [1, 3]) for person in people]
        + [(person, panels[1], [2]) for person in people]
    )


async def _an_agency_and_two_panels() -> tuple[int, list[int]]:
    from panel_service.accounts.tables import AgencyRepresentative
    from panel_service.panels.tables import Panel

    row = await AgencyRepresentative.select(AgencyRepresentative.agency).first()
    panels = await Panel.select(Panel.id).order_by(Panel.id).limit(2)
    assert row is not None and len(panels) == 2, "the demo has two panels"
    return int(row["agency"]), [int(p["id"]) for p in panels]


async def _no_point_of_contact(action_id: int) -> tuple[int, list[str]]:
    """Clear the action's agency's point of contact; its panel and coordinators' emails."""
    from panel_service.accounts.tables import Role
    from panel_service.actions.tables import Action
    from panel_service.agencies.tables import Agency
    from panel_service.panels.tables import PanelStaff

    action = await Action.select(Action.agency, Action.panel).where(Action.id == action_id).first()
    assert action is not None
    await Agency.update({Agency.contact_email: ""}).where(Agency.id == action["agency"])
    staff = await PanelStaff.select(PanelStaff.user.email.as_alias("email")).where(
        (PanelStaff.panel == action["panel"]) & (PanelStaff.user.role == Role.COORDINATOR.value)
    )
    assert staff, "the demo panel has a coordinator"
    return action["panel"], sorted(row["email"] for row in staff)


async def _clear_outbox() -> None:
    from panel_service.messaging.tables import OutboxMessage

    await OutboxMessage.delete(force=True)
