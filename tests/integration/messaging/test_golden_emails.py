"""Golden files of what agency recipients receive: every kind of email, for a secure and a
non-secure address where what they get differs (documents attached or withheld, action
descriptions shown or not).

Each email is produced by the real flow (publishing, re-issuing, moving and cancelling a
meeting, circulating minutes, closing a meeting with actions, the reminder sweep), sent by
the dispatcher to a real SMTP server (aiosmtpd), and compared in a normalised form with
``golden/<kind>.<variant>.txt``:

- the decoded Subject, From and To (display names and addresses, not their encoding);
- the MIME structure: each part's content type, disposition and file name, nested as sent
  (a multipart container holding a single part shows as that part);
- the decoded text and HTML bodies;
- for each calendar part, METHOD, UID, SEQUENCE, STATUS, DTSTART, DTEND, SUMMARY,
  LOCATION, ORGANIZER and ATTENDEE as icalendar reads them.

Each is also checked for personal data (names, dates of birth, addresses, postcodes).

Nothing in it depends on header folding, MIME boundaries or transfer encodings, so the MIME
construction can change freely as long as what a recipient sees does not. Volatile values
are masked deterministically: Message-ID (checked against the queued message first), Date,
DTSTAMP, one-click link tokens (numbered in order of appearance, so the text and HTML parts
must carry the same links), and today's date should it ever appear. The demo is loaded as
of a fixed day (``DEMO_TODAY``), so meeting days, due dates and deadlines are fixed too.

After an intended change to what an email says, regenerate the files and review the diff::

    PANEL_UPDATE_GOLDEN=1 .venv/bin/python -m pytest \
        tests/integration/messaging/test_golden_emails.py
"""

from __future__ import annotations

import difflib
import email
import os
import re
from datetime import UTC, date, datetime, timedelta
from email import policy
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.integration.messaging.conftest import Dispatch, outbox, publish, user_id
from tests.support.accounts import act_as
from tests.support.actions import make_action
from tests.support.calls import ok, on_app_loop
from tests.support.meetings import record_voice
from tests.support.personal_data import leaks, personal_data
from tests.support.reminder_sweeps import cases_of_meeting, london, scheduled_meetings, sweep_at

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PANEL_UPDATE_GOLDEN") == "1"
LONDON = ZoneInfo("Europe/London")
DEMO_TODAY = date(2026, 6, 1)
COORDINATOR = "coordinator@northtown.gov.example"
# Agency people of the demo: police addresses are on the secure-domain allow-list of these
# tests, the housing association's and the IDVA service's are not.
POLICE = "alex.morgan@northtown.police.example"
RIVERSIDE = "drew.kowalski@riverside-homes.example"
IDVA_SERVICE = "sam.patel@idva.northtown.example"
IDVA = "imani@idva.northtown.example"
ACTIONS_DUE = date(2026, 7, 2)
_TOKEN = re.compile(r"(/actions/respond/)([^\s\"'<>&]+)")


# -- the normalised form ---------------------------------------------------------------------


def _unfold(value: str) -> str:
    """A header value whatever its folding (a fold may come before the first word)."""
    return " ".join(value.split())


def _addresses(header: Any) -> str:
    return ", ".join(
        f"{address.display_name} <{address.addr_spec}>"
        if address.display_name
        else address.addr_spec
        for address in header.addresses
    )


def _today_forms() -> list[str]:
    days = {datetime.now(UTC).date(), datetime.now(UTC).astimezone(LONDON).date()}
    forms = []
    for day in days:
        forms += [day.isoformat(), f"{day:%Y%m%d}", f"{day.day} {day:%B %Y}", f"{day:%d %B %Y}"]
    return forms


class _Masks:
    """Replaces volatile values, numbering link tokens in order of first appearance."""

    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        def token(found: re.Match[str]) -> str:
            label = self.tokens.setdefault(found.group(2), f"<link-token-{len(self.tokens) + 1}>")
            return found.group(1) + label

        text = _TOKEN.sub(token, text)
        for form in _today_forms():
            text = text.replace(form, "<today>")
        return text


def _body(part: Message) -> str:
    content = part.get_content()  # type: ignore[attr-defined]
    lines = str(content).replace("\r\n", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _structure(part: Message, depth: int, lines: list[str]) -> None:
    payload = part.get_payload() if part.is_multipart() else []
    children = [child for child in payload if isinstance(child, Message)]
    if len(children) == 1:
        # A container of one part shows as that part: a builder may wrap or not.
        _structure(children[0], depth, lines)
        return
    bits = [part.get_content_type()]
    if part.get_content_type() == "text/calendar":
        bits.append(f"method={str(part.get_param('method')).upper()}")
    if part.get_content_disposition():
        bits.append(str(part.get_content_disposition()))
    if part.get_filename():
        bits.append(f"filename={part.get_filename()!r}")
    lines.append("  " * depth + "; ".join(bits))
    for child in children:
        _structure(child, depth + 1, lines)


def _is_calendar(part: Message) -> bool:
    return part.get_content_type() in ("text/calendar", "application/ics") or str(
        part.get_filename() or ""
    ).endswith(".ics")


def _when(value: Any) -> str:
    if isinstance(value, datetime) and value.tzinfo is not None:
        zone = getattr(value.tzinfo, "key", None) or str(value.tzinfo)
        utc = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{value.replace(tzinfo=None).isoformat()} {zone} ({utc})"
    return f"{value.isoformat()} (floating)"


def _address_property(value: Any) -> str:
    parameters = "".join(f"; {name}={value.params[name]}" for name in sorted(value.params))
    return f"{value}{parameters}"


def _calendar(part: Message) -> list[str]:
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    calendar = Calendar.from_ical(payload)
    lines = [f"METHOD: {calendar.get('METHOD')}"]
    lines += [f"VTIMEZONE: {zone['TZID']}" for zone in calendar.walk("VTIMEZONE")]
    for event in calendar.walk("VEVENT"):
        assert "DTSTAMP" in event
        lines += [
            f"UID: {event.get('UID')}",
            f"SEQUENCE: {event.get('SEQUENCE')}",
            f"STATUS: {event.get('STATUS')}",
            f"DTSTART: {_when(event.decoded('DTSTART'))}",
            f"DTEND: {_when(event.decoded('DTEND'))}",
            f"SUMMARY: {event.get('SUMMARY')}",
            f"LOCATION: {event.get('LOCATION', '')}",
            f"ORGANIZER: {_address_property(event['ORGANIZER'])}",
        ]
        attendees = event.get("ATTENDEE", [])
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            lines.append(f"ATTENDEE: {_address_property(attendee)}")
        lines.append("DTSTAMP: <masked>")
    return lines


def normalise(content: bytes, message_id: str) -> str:
    """What the recipient sees of one sent message, without encoding or volatile values."""
    parsed = email.message_from_bytes(content, policy=policy.default)
    assert str(parsed["Message-ID"]).strip() == message_id
    sent = parsedate_to_datetime(str(parsed["Date"]))
    assert sent.tzinfo is not None
    mask = _Masks()
    lines = [
        f"From: {_addresses(parsed['From'])}",
        f"To: {_addresses(parsed['To'])}",
    ]
    for name in ("Cc", "Bcc", "Reply-To"):
        if parsed[name] is not None:
            lines.append(f"{name}: {_addresses(parsed[name])}")
    lines += [
        f"Subject: {mask(_unfold(str(parsed['Subject'])))}",
        "Message-ID: <the queued message's>",
        "Date: <when sent>",
        "",
        "== structure",
    ]
    _structure(parsed, 0, lines)
    for part in parsed.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        if _is_calendar(part):
            lines += ["", f"== calendar ({kind})", *_calendar(part)]
        elif kind in ("text/plain", "text/html") and part.get_content_disposition() != (
            "attachment"
        ):
            lines += ["", f"== {kind}", mask(_body(part))]
    return "\n".join(lines) + "\n"


# -- comparing -------------------------------------------------------------------------------


def _compare(name: str, title: str, actual: str) -> str | None:
    """None when ``golden/<name>.txt`` holds ``actual``; otherwise what differs."""
    path = GOLDEN / f"{name}.txt"
    text = f"# {title}\n{actual}"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return None
    if not path.exists():
        return f"{path.name} is missing: run with PANEL_UPDATE_GOLDEN=1 to write it"
    expected = path.read_text(encoding="utf-8")
    if expected == text:
        return None
    diff = difflib.unified_diff(
        expected.splitlines(), text.splitlines(), f"golden/{path.name}", "sent", lineterm=""
    )
    return "\n".join(diff)


_DESCRIBED = {
    "secure": "an address on the secure-domain allow-list",
    "not_secure": "an address not on the secure-domain allow-list",
    "": "one recipient (secure or not, the email is the same)",
}


class Goldens:
    """Sends what is queued for chosen recipients and checks each against its file."""

    def __init__(self, dispatch: Dispatch) -> None:
        self.dispatch = dispatch
        self.problems: list[str] = []
        self._forbidden: list[str] | None = None

    def forbidden(self) -> list[str]:
        """No email names anyone or gives a date of birth, an address or a postcode."""
        if self._forbidden is None:
            self._forbidden = personal_data(self.dispatch.client)
        return self._forbidden

    def send(self, kind: str, variants: dict[str, str]) -> None:
        """Send the queued ``kind`` emails to ``variants``' recipients (nothing else queued is
        sent) and compare each with ``golden/<kind>.<variant>.txt`` (or ``<kind>.txt``)."""
        client = self.dispatch.client
        on_app_loop(client, _keep_only, kind, list(variants.values()))
        rows = {row["recipient"]: row for row in outbox(client, kind=kind, status="queued")}
        assert sorted(rows) == sorted(variants.values()), (kind, sorted(rows))
        start = len(self.dispatch.server.received)
        self.dispatch()
        received = self.dispatch.server.wait_for(start + len(rows))[start:]
        by_recipient = {message.rcpt_tos[0]: message for message in received}
        for variant, recipient in variants.items():
            name = f"{kind}.{variant}" if variant else kind
            actual = normalise(by_recipient[recipient].content, rows[recipient]["message_id"])
            assert not leaks(actual, self.forbidden()), name
            problem = _compare(name, f"{kind} to {_DESCRIBED[variant]}", actual)
            if problem:
                self.problems.append(problem)

    def check(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


async def _keep_only(kind: str, recipients: list[str]) -> None:
    """Drop every queued message but ``kind`` to ``recipients`` (the test sends only those)."""
    from panel_service.messaging.tables import OutboxMessage

    await OutboxMessage.delete().where(
        (OutboxMessage.status == "queued")
        & ((OutboxMessage.kind != kind) | OutboxMessage.recipient.not_in(recipients))
    )


async def _drop_queued() -> None:
    from panel_service.messaging.tables import OutboxMessage

    await OutboxMessage.delete().where(OutboxMessage.status == "queued")


# -- the flows -------------------------------------------------------------------------------


@pytest.fixture
def goldens(app_client: Any, messaging_env: Any, smtp_server_factory: Any) -> Goldens:
    """The demo as loaded on ``DEMO_TODAY``, acting as its coordinator."""
    from panel_service.demo.loader import load_demo_data

    on_app_loop(app_client, load_demo_data, DEMO_TODAY)
    act_as(app_client, user_id(app_client, COORDINATOR))
    return Goldens(Dispatch(app_client, smtp_server_factory()))


def _ready(client: Any, meeting_id: int) -> None:
    """Every listed case has a victim's voice or a reason, so the agenda can be published."""
    for row in cases_of_meeting(client, meeting_id):
        if not row["has_voice"]:
            record_voice(client, row["listing_id"], not_obtained_reason="declined")


async def _police_referred_listing(meeting_id: int) -> int:
    from panel_service import db

    rows = await db.fetch(
        'SELECT l.id FROM listing l JOIN marac_case c ON c.id = l."case"'
        " JOIN agency g ON g.id = c.referring_agency"
        " WHERE l.meeting = {} AND l.outcome = 'listed' AND g.agency_type = 'police'"
        " ORDER BY l.id",
        meeting_id,
    )
    assert rows, "the demo's next meeting has a case referred by the police"
    return int(rows[0]["id"])


def test_agenda_and_meeting_change_emails(goldens: Goldens) -> None:
    client = goldens.dispatch.client
    meetings = scheduled_meetings(client)
    meeting = meetings[0]
    _ready(client, meeting["id"])
    publish(client, meeting["id"])
    goldens.send("agenda_published", {"secure": POLICE, "not_secure": IDVA_SERVICE})
    listing = on_app_loop(client, _police_referred_listing, meeting["id"])
    ok(client.post(f"/api/listings/{listing}/outcome", json={"outcome": "withdrawn"}))
    goldens.send("agenda_reissued", {"secure": POLICE, "not_secure": IDVA_SERVICE})
    moved = meeting["starts_at"] + timedelta(days=7)
    ok(
        client.post(
            f"/api/meetings/{meeting['id']}/reschedule",
            json={"starts_at": moved.isoformat().replace("+00:00", "Z")},
        )
    )
    goldens.send("meeting_updated", {"": POLICE})
    empty = meetings[-1]
    assert not cases_of_meeting(client, empty["id"])
    publish(client, empty["id"])
    ok(client.post(f"/api/meetings/{empty['id']}/cancel", json={"reason": "Venue closed"}))
    goldens.send("meeting_cancelled", {"": POLICE})
    goldens.check()


async def _drafted_marac_meeting() -> int:
    from panel_service.meetings.tables import Meeting

    row = (
        await Meeting.select(Meeting.id)
        .where((Meeting.status == "minutes_drafted") & (Meeting.panel.kind == "marac"))
        .order_by(Meeting.starts_at, ascending=False)
        .first()
    )
    assert row is not None, "the demo has a MARAC meeting whose minutes are drafted"
    return int(row["id"])


def test_minutes_emails(goldens: Goldens) -> None:
    client = goldens.dispatch.client
    meeting_id = on_app_loop(client, _drafted_marac_meeting)
    ok(client.post(f"/api/meetings/{meeting_id}/approve-minutes"))
    ok(client.post(f"/api/meetings/{meeting_id}/circulate-minutes"))
    goldens.send("minutes_circulated", {"secure": POLICE, "not_secure": RIVERSIDE})
    goldens.check()


async def _only_open(action_ids: list[int]) -> None:
    from panel_service.actions.tables import Action

    await Action.update({Action.status: "completed"}).where(Action.id.not_in(action_ids))


def _agency_id(client: Any, name: str) -> int:
    agencies = ok(client.get("/api/agencies", params={"limit": 100}))["items"]
    return int(next(a["id"] for a in agencies if a["name"] == name))


def test_action_emails(goldens: Goldens) -> None:
    client = goldens.dispatch.client
    meeting = scheduled_meetings(client)[0]
    _ready(client, meeting["id"])
    publish(client, meeting["id"])
    on_app_loop(client, _drop_queued)  # the agenda's emails are another test's
    ok(client.post(f"/api/meetings/{meeting['id']}/start"))
    listing = cases_of_meeting(client, meeting["id"])[0]["listing_id"]
    agreed = [
        make_action(
            client,
            listing,
            agency_id=_agency_id(client, agency),
            description=description,
            due_date=ACTIONS_DUE.isoformat(),
        )["id"]
        for agency, description in (
            ("Northtown Police", "Flag the address & check <b>bail</b> conditions."),
            ("Riverside Homes Association", "Check the tenancy and arrange new locks."),
        )
    ]
    ok(client.post(f"/api/meetings/{meeting['id']}/close"))
    both = {"secure": POLICE, "not_secure": RIVERSIDE}
    goldens.send("actions_agreed", both)
    on_app_loop(client, _only_open, agreed)
    sweep_at(client, london(ACTIONS_DUE - timedelta(days=3)))
    goldens.send("action_reminder", both)
    sweep_at(client, london(ACTIONS_DUE + timedelta(days=1)))
    goldens.send("action_chaser", both)
    sweep_at(client, london(ACTIONS_DUE + timedelta(days=15)))
    goldens.send("action_escalation", both)  # to each agency's point of contact
    goldens.check()


def test_voice_reminder_email(goldens: Goldens) -> None:
    client = goldens.dispatch.client
    meeting = scheduled_meetings(client)[0]
    sweep_at(client, meeting["starts_at"] - timedelta(days=4))
    goldens.send("voice_reminder", {"": IDVA})
    goldens.check()
