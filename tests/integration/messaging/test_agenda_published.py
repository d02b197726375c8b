"""Publishing an agenda: each invited agency's representative and deputy get their
agency's extract (secure addresses only) and a calendar invite; the envelope holds exactly
that one recipient; the disclosure is audited."""

from __future__ import annotations

import email
import json
from email import policy
from typing import Any

from icalendar import Calendar

from tests.integration.messaging.conftest import next_meeting, outbox, publish
from tests.support.calls import on_app_loop


def _parse(content: bytes) -> Any:
    return email.message_from_bytes(content, policy=policy.default)


def test_publishing_queues_one_email_per_representative_in_the_same_transaction(
    dispatch: Any,
) -> None:
    meeting = next_meeting(dispatch.client)
    publish(dispatch.client, meeting["id"])
    queued = outbox(dispatch.client, meeting=meeting["id"])
    assert queued, "publishing queued nothing"
    assert {row["kind"] for row in queued} == {"agenda_published"}
    assert all(row["status"] == "queued" for row in queued)
    assert len({row["recipient"] for row in queued}) == len(queued)
    assert len({row["message_id"] for row in queued}) == len(queued)


def test_each_recipient_gets_their_agency_extract_and_an_invite(dispatch: Any) -> None:
    meeting = next_meeting(dispatch.client)
    publish(dispatch.client, meeting["id"])
    queued = outbox(dispatch.client, meeting=meeting["id"])
    result = dispatch()
    assert result.sent == len(queued)
    received = dispatch.server.wait_for(len(queued))
    by_recipient = {tuple(r.rcpt_tos): r for r in received}
    for row in queued:
        message = by_recipient[(row["recipient"],)]
        parsed = _parse(message.content)
        assert parsed["Message-ID"] == row["message_id"]
        assert parsed["Subject"].startswith("OFFICIAL-SENSITIVE:")
        assert parsed["To"] == row["recipient"]
        calendars = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
        assert calendars, row["recipient"]
        invite = Calendar.from_ical(calendars[0].get_payload(decode=True))
        assert str(invite["METHOD"]) == "REQUEST"
        event = invite.walk("VEVENT")[0]
        assert str(event["UID"]).startswith(f"meeting-{meeting['id']}@")
        assert str(event["ATTENDEE"]).lower() == f"mailto:{row['recipient']}".lower()
        docx = [p for p in parsed.walk() if p.get_filename() and p.get_filename().endswith(".docx")]
        secure = row["recipient"].endswith(
            ("police.example", "gov.example", "nhs.example", "justice.example")
        )
        assert bool(docx) == secure, row["recipient"]
        text = parsed.get_body(preferencelist=("plain",)).get_content()
        assert "Research deadline" in text
        if not secure:
            assert "sign in to Panel Service" in text


def test_the_envelope_holds_exactly_the_intended_recipient(dispatch: Any) -> None:
    meeting = next_meeting(dispatch.client)
    publish(dispatch.client, meeting["id"])
    queued = outbox(dispatch.client, meeting=meeting["id"])
    dispatch()
    received = dispatch.server.wait_for(len(queued))
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(q["recipient"] for q in queued)
    assert all(len(r.rcpt_tos) == 1 for r in received)
    assert {r.mail_from for r in received} == {"marac-coordinator@panel.example"}


def test_sent_emails_are_audited_as_disclosures_with_the_attachment_decision(
    dispatch: Any,
) -> None:
    from panel_service.audit.tables import AuditEvent

    meeting = next_meeting(dispatch.client)
    publish(dispatch.client, meeting["id"])
    dispatch()
    events = on_app_loop(
        dispatch.client,
        lambda: AuditEvent.select().where(
            (AuditEvent.verb == "emailed") & (AuditEvent.record_type == "meeting")
        ),
    )
    queued = outbox(dispatch.client, meeting=meeting["id"])
    assert len(events) == len(queued)
    for event in events:
        for name in ("detail", "recipients"):
            if isinstance(event[name], str):
                event[name] = json.loads(event[name])
    withheld = [e for e in events if e["detail"]["withheld"]]
    attached = [e for e in events if e["detail"]["attached"]]
    assert withheld and attached
    for event in events:
        assert len(event["recipients"]) == 1
    assert all(row["status"] == "sent" for row in outbox(dispatch.client, meeting=meeting["id"]))
