"""The IDVA's victim's-voice reminder: some days before a meeting (``voice_reminder_days``),
each assigned IDVA gets one email per meeting listing, by opaque reference only, their
cases on it that have neither a victim's voice nor a recorded reason; it is queued once
however often the sweep runs. The coordinator sees the same gaps in the meeting's
readiness (``/panel next``) and who was reminded in the outbox."""

from __future__ import annotations

import email
import hashlib
import hmac
import json
import time
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlencode

from tests.integration.messaging.conftest import outbox, user_id
from tests.support.calls import ok, on_app_loop
from tests.support.meetings import list_case, record_voice
from tests.support.personal_data import leaks, personal_data
from tests.support.reminder_sweeps import (
    cases_of_meeting,
    reminder_keys,
    scheduled_meetings,
    sweep_at,
)

IMANI = "imani@idva.northtown.example"
IRIS = "iris@idva.northtown.example"
IVO = "ivo@idva.northtown.example"


async def _unlisted_case_of(idva_email: str) -> dict[str, Any]:
    from panel_service import db

    rows = await db.fetch(
        "SELECT c.id, c.reference FROM marac_case c JOIN app_user u ON u.id = c.assigned_idva"
        ' WHERE u.email = {} AND NOT EXISTS (SELECT 1 FROM listing l WHERE l."case" = c.id)'
        " ORDER BY c.id",
        idva_email,
    )
    assert rows, f"the demo has a case of {idva_email} not yet listed"
    return rows[0]


def _gaps(client: Any) -> tuple[dict[str, Any], dict[str, list[str]], set[str]]:
    """The MARAC's next meeting set up so that Imani has two cases with neither a voice nor
    a reason, Iris one, and Ivo none any more. Returns the meeting, the references each IDVA
    should be reminded of, and the references that must not appear (voice or reason in)."""
    meeting = scheduled_meetings(client)[0]
    extra = on_app_loop(client, _unlisted_case_of, IMANI)
    list_case(client, meeting["id"], extra["id"])
    for row in cases_of_meeting(client, meeting["id"]):
        if row["idva"] == IVO and not row["has_voice"]:
            record_voice(client, row["listing_id"])  # Ivo catches up before the sweep
    cases = cases_of_meeting(client, meeting["id"])
    expected: dict[str, list[str]] = {}
    for row in cases:
        if not row["has_voice"]:
            expected.setdefault(row["idva"], []).append(row["reference"])
    assert set(expected) == {IMANI, IRIS}, expected
    assert len(expected[IMANI]) == 2 and extra["reference"] in expected[IMANI]
    covered = {row["reference"] for row in cases if row["has_voice"]}
    # The demo has both kinds among the cases that must not be listed.
    assert any(row["reason"] for row in cases), "a case with a recorded reason"
    assert any(row["has_voice"] and not row["reason"] for row in cases), "a case with a voice"
    return meeting, expected, covered


def _parameters(row: dict[str, Any]) -> dict[str, Any]:
    value = row["parameters"]
    return dict(json.loads(value) if isinstance(value, str) else value)


def _subject_and_bodies(content: bytes) -> tuple[str, str]:
    """The decoded subject, and the text and HTML bodies together."""
    parsed = email.message_from_bytes(content, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    bodies = [parsed.get_body(preferencelist=(subtype,)) for subtype in ("plain", "html")]
    assert all(bodies)
    return str(parsed["Subject"]), "\n".join(str(b.get_content()) for b in bodies if b)


def test_each_idva_gets_one_email_per_meeting_listing_only_their_cases_missing_a_voice(
    dispatch: Any,
) -> None:
    client = dispatch.client
    meeting, expected, covered = _gaps(client)
    before = meeting["starts_at"] - timedelta(days=4)  # within voice_reminder_days (5)
    sweep_at(client, before)
    reminders = outbox(client, kind="voice_reminder")
    assert sorted(row["recipient"] for row in reminders) == sorted(expected), "one per IDVA"
    for row in reminders:
        assert row["meeting"] == meeting["id"]
        assert _parameters(row)["references"] == expected[row["recipient"]]
    dispatch()  # the sweep queued the demo's action reminders as well: all are sent
    to_idvas = [r for r in dispatch.server.received if r.rcpt_tos[0] in expected]
    assert sorted(r.rcpt_tos[0] for r in to_idvas) == sorted(expected), "one each"
    received = {r.rcpt_tos[0]: r for r in to_idvas}
    forbidden = personal_data(client)
    others = {ref for refs in expected.values() for ref in refs}
    for idva, references in expected.items():
        subject, body = _subject_and_bodies(received[idva].content)
        assert "Victim's voice needed" in subject
        for reference in references:
            assert reference in body, (idva, reference)
        assert not [ref for ref in covered if ref in body], "a case with a voice or a reason"
        assert not [ref for ref in others - set(references) if ref in body], "another's case"
        assert not leaks(subject + body, forbidden), idva


def test_the_reminder_is_queued_once_however_often_the_sweep_runs(dispatch: Any) -> None:
    client = dispatch.client
    meeting, expected, _ = _gaps(client)
    first = meeting["starts_at"] - timedelta(days=4)
    sweep_at(client, first)
    queued = len(outbox(client, kind="voice_reminder"))
    assert queued == len(expected)
    listings = [
        row["listing_id"] for row in cases_of_meeting(client, meeting["id"]) if not row["has_voice"]
    ]
    assert {f"voice-reminder:{listing}" for listing in listings} <= reminder_keys(client)
    for later in (first, first + timedelta(minutes=15), first + timedelta(days=2)):
        sweep_at(client, later)
    assert len(outbox(client, kind="voice_reminder")) == queued


def test_no_reminder_once_every_case_has_a_voice_or_a_reason(dispatch: Any) -> None:
    client = dispatch.client
    meeting, _, _ = _gaps(client)
    for row in cases_of_meeting(client, meeting["id"]):
        if not row["has_voice"]:
            record_voice(client, row["listing_id"], not_obtained_reason="declined")
    sweep_at(client, meeting["starts_at"] - timedelta(days=4))
    assert outbox(client, kind="voice_reminder") == []


def _slash_next(client: Any) -> str:
    body = urlencode({"command": "/panel", "text": "next"})
    timestamp = str(int(time.time()))
    digest = hmac.new(
        b"signing-secret", f"v0:{timestamp}:{body}".encode(), hashlib.sha256
    ).hexdigest()
    answer = client.post(
        "/slack/commands",
        content=body,
        headers={
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": f"v0={digest}",
            "content-type": "application/x-www-form-urlencoded",
        },
    )
    return str(ok(answer)["text"])


def test_the_coordinator_sees_the_gaps_in_readiness_and_who_was_reminded(
    dispatch: Any, messaging_env: Any
) -> None:
    client = dispatch.client
    messaging_env(PANEL_SLACK_SIGNING_SECRET="signing-secret")
    meeting, expected, covered = _gaps(client)
    missing = [
        row["reference"] for row in cases_of_meeting(client, meeting["id"]) if not row["has_voice"]
    ]  # in listing order, as readiness shows them
    line = next(line for line in _slash_next(client).splitlines() if meeting["panel_name"] in line)
    assert f"missing: {', '.join(missing)}" in line
    assert not [ref for ref in covered if ref in line]
    sweep_at(client, meeting["starts_at"] - timedelta(days=4))
    dispatch()
    listed = ok(client.get("/api/outbox", params={"meeting_id": meeting["id"], "limit": 100}))
    reminded = [item for item in listed["items"] if item["kind"] == "voice_reminder"]
    assert sorted(item["recipient"] for item in reminded) == sorted(expected)
    assert {item["status"] for item in reminded} == {"sent"}
    # Once an IDVA records a reason, the gap closes in the coordinator's view.
    iris_case = next(
        row
        for row in cases_of_meeting(client, meeting["id"])
        if row["idva"] == IRIS and not row["has_voice"]
    )
    record_voice(client, iris_case["listing_id"], not_obtained_reason="declined")
    line = next(line for line in _slash_next(client).splitlines() if meeting["panel_name"] in line)
    assert iris_case["reference"] not in line
    assert f"missing: {', '.join(expected[IMANI])}" in line


def test_a_case_without_an_idva_is_reminded_once_one_is_assigned(dispatch: Any) -> None:
    client = dispatch.client
    meeting, expected, _ = _gaps(client)
    iris_case = next(
        row
        for row in cases_of_meeting(client, meeting["id"])
        if row["idva"] == IRIS and not row["has_voice"]
    )
    ok(client.patch(f"/api/cases/{iris_case['case_id']}", json={"assigned_idva_id": None}))
    sweep_at(client, meeting["starts_at"] - timedelta(days=4))
    assert sorted(row["recipient"] for row in outbox(client, kind="voice_reminder")) == [IMANI]
    # The coordinator assigns an IDVA the next day: the next sweep reminds them.
    ivo = user_id(client, IVO)
    ok(client.patch(f"/api/cases/{iris_case['case_id']}", json={"assigned_idva_id": ivo}))
    sweep_at(client, meeting["starts_at"] - timedelta(days=3))
    later = [row for row in outbox(client, kind="voice_reminder") if row["recipient"] == IVO]
    assert len(later) == 1
    assert _parameters(later[0])["references"] == expected[IRIS] == [iris_case["reference"]]
