"""Building a queued message: one email for one recipient, from ``templates/email``, with
what that recipient's agency may see; or one Slack message of counts and references.

Documents go only to addresses on the secure-domain allow-list; anyone else is told where
to sign in to fetch them, and the decision goes into the disclosure the dispatcher audits.
Victim contact details never reach an email: the documents are the agency extracts, which
carry none, and the templates are given none.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import anyio.to_thread

from panel_service.accounts.sessions import as_aware
from panel_service.actions.tables import Action
from panel_service.adapters.calendar import CalendarMeeting, invite_ics
from panel_service.adapters.mime import Attachment, CalendarPart, build_message
from panel_service.documents import services as documents
from panel_service.documents.agenda_content import AgendaContent
from panel_service.documents.wording import clock, long_day
from panel_service.meetings.tables import Meeting
from panel_service.messaging import links, slack_messages
from panel_service.messaging.outbox import AGENDA_KINDS
from panel_service.messaging.tables import Channel
from panel_service.messaging.templating import environment
from panel_service.panels.tables import Nation
from panel_service.panels.working_days import working_day_before
from panel_service.settings import MessagingSettings

MARKING = "OFFICIAL-SENSITIVE"
WITHHELD = "recipient domain is not on the secure-domain allow-list"


@dataclass(frozen=True, slots=True)
class Composed:
    """A message ready to send: its bytes (MIME, or Slack JSON), its subject line for the
    outbox view, and what it discloses (audited once it is accepted)."""

    subject: str
    content: bytes
    disclosure: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MeetingFacts:
    id: int
    panel_id: int
    panel_name: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    video_link: str
    sequence: int
    nation: Nation

    @property
    def research_deadline(self) -> date:
        """Agencies finish researching their records by the working day before."""
        return working_day_before(self.local_start.date(), self.nation)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.timezone))

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(ZoneInfo(self.timezone))


def secure_address(address: str, allowed: tuple[str, ...]) -> bool:
    """True when the address's domain is an allowed domain or one of its subdomains."""
    domain = address.rpartition("@")[2].lower().rstrip(".")
    return any(domain == entry or domain.endswith(f".{entry}") for entry in allowed)


def meeting_event(
    facts: MeetingFacts, settings: MessagingSettings, stamp: datetime, cancelled: bool = False
) -> CalendarMeeting:
    """The meeting as a calendar event (invites and the panel's feed): title, time, place
    and link — no names, no case details."""
    description = (
        f"{facts.panel_name} meeting. The agenda is sent to each agency separately"
        f" and is in Panel Service: {settings.public_url}/"
    )
    if facts.video_link:
        description += f"\nJoin: {facts.video_link}"
    return CalendarMeeting(
        uid=f"meeting-{facts.id}@{settings.mail_from.rpartition('@')[2]}",
        sequence=facts.sequence,
        summary=f"{facts.panel_name} meeting",
        description=description,
        starts_at=facts.starts_at,
        ends_at=facts.ends_at,
        timezone=facts.timezone,
        location=facts.venue or ("Video meeting" if facts.video_link else ""),
        url=facts.video_link,
        organizer_email=settings.mail_from,
        organizer_name=settings.mail_from_name,
        stamp=stamp,
        cancelled=cancelled,
    )


def render(kind: str, context: dict[str, Any]) -> tuple[str, str]:
    """The text and HTML bodies of ``kind`` (HTML autoescaped)."""
    emails = environment("email")
    return (
        emails.get_template(f"{kind}.txt").render(context),
        emails.get_template(f"{kind}.html").render(context),
    )


class Composer:
    """Builds one claimed batch of messages. Everything is read after the claim, so each
    message shows what was committed before it was queued. What every agency's agenda
    extract shows is read once for all the agencies the batch sends it to, and an agency's
    documents are built once however many of its people receive them."""

    def __init__(
        self, settings: MessagingSettings, now: datetime, rows: list[dict[str, Any]]
    ) -> None:
        self.settings = settings
        self.now = now
        self._meetings: dict[int, MeetingFacts] = {}
        self._files: dict[tuple[Any, ...], Any] = {}
        self._extracts: dict[tuple[int, int], AgendaContent] = {}
        # The agenda extracts the batch will need, to read them in one go.
        self._extracts_wanted: dict[int, set[int]] = defaultdict(set)
        for row in rows:
            email = row["channel"] == Channel.EMAIL.value
            if email and row["kind"] in AGENDA_KINDS and row["content"] is None:
                self._extracts_wanted[row["meeting"]].add(row["agency"])

    async def compose(self, row: dict[str, Any]) -> Composed:
        if row["channel"] == Channel.SLACK.value:
            text, blocks = await slack_messages.build(row, self.settings)
            payload = json.dumps({"text": text, "blocks": blocks}).encode()
            return Composed(subject=text[:300], content=payload)
        builder = _EMAILS[row["kind"]]
        return await builder(self, row)

    async def meeting(self, meeting_id: int) -> MeetingFacts:
        if meeting_id not in self._meetings:
            self._meetings[meeting_id] = await load_meeting(meeting_id)
        return self._meetings[meeting_id]

    async def _cached(self, key: tuple[Any, ...], build: Any) -> Any:
        if key not in self._files:
            self._files[key] = await build()
        return self._files[key]

    async def agenda_extract(
        self, meeting_id: int, agency_id: int
    ) -> tuple[documents.DocumentFile, documents.Disclosed]:
        key = ("agenda", meeting_id, agency_id)
        if key not in self._files:
            if (meeting_id, agency_id) not in self._extracts:
                wanted = self._extracts_wanted.pop(meeting_id, set()) | {agency_id}
                read = await documents.agenda_extracts_for(meeting_id, sorted(wanted))
                self._extracts.update({(meeting_id, a): c for a, c in read.items()})
            content = self._extracts.pop((meeting_id, agency_id))
            self._files[key] = await documents.agenda_extract_file(content)
        file, shown = self._files[key]
        return file, shown

    async def _invite(self, facts: MeetingFacts, attendee: str, method: str) -> CalendarPart:
        event = meeting_event(facts, self.settings, self.now, cancelled=method == "CANCEL")
        # Building a calendar is CPU work: off the event loop, like the documents.
        content = await anyio.to_thread.run_sync(invite_ics, event, attendee, method)
        return CalendarPart(content=content, method=method)

    async def _email(
        self,
        row: dict[str, Any],
        kind: str,
        subject: str,
        context: dict[str, Any],
        *,
        calendar: CalendarPart | None = None,
        attachments: tuple[Attachment, ...] = (),
        disclosure: dict[str, Any] | None = None,
    ) -> Composed:
        context = {
            "marking": MARKING,
            "service_url": self.settings.public_url,
            "sender_name": self.settings.mail_from_name,
            **context,
        }
        text, html = render(kind, context)
        full_subject = f"{MARKING}: {subject}"
        content = await anyio.to_thread.run_sync(
            functools.partial(
                build_message,
                message_id=row["message_id"],
                sender=self.settings.mail_from,
                sender_name=self.settings.mail_from_name,
                to=[row["recipient"]],
                subject=full_subject,
                text=text,
                html=html,
                sent_at=self.now,
                calendar=calendar,
                attachments=attachments,
            )
        )
        return Composed(subject=full_subject, content=content, disclosure=disclosure or {})

    def secure(self, address: str) -> bool:
        return secure_address(address, self.settings.secure_domains)


def _meeting_context(facts: MeetingFacts) -> dict[str, Any]:
    return {
        "panel_name": facts.panel_name,
        "day": long_day(facts.local_start.date()),
        "starts": clock(facts.local_start),
        "ends": clock(facts.local_end),
        "venue": facts.venue,
        "video_link": facts.video_link,
        "research_deadline": long_day(facts.research_deadline),
    }


# What ``meeting_facts`` reads: the meeting and its panel's name, time zone and nation.
FACT_COLUMNS = (
    Meeting.id,
    Meeting.panel,
    Meeting.panel.name.as_alias("panel_name"),
    Meeting.panel.timezone.as_alias("timezone"),
    Meeting.panel.nation.as_alias("nation"),
    Meeting.starts_at,
    Meeting.ends_at,
    Meeting.venue,
    Meeting.video_link,
    Meeting.calendar_sequence,
)


async def load_meeting(meeting_id: int) -> MeetingFacts:
    row = await Meeting.select(*FACT_COLUMNS).where(Meeting.id == meeting_id).first()
    if row is None:
        raise LookupError(f"meeting {meeting_id} no longer exists")
    return meeting_facts(row)


def meeting_facts(row: dict[str, Any]) -> MeetingFacts:
    """``MeetingFacts`` from a row of ``FACT_COLUMNS``."""
    return MeetingFacts(
        id=row["id"],
        panel_id=row["panel"],
        panel_name=row["panel_name"],
        timezone=row["timezone"],
        starts_at=as_aware(row["starts_at"]),
        ends_at=as_aware(row["ends_at"]),
        venue=row["venue"],
        video_link=row["video_link"],
        sequence=row["calendar_sequence"],
        nation=Nation(row["nation"]),
    )


def _docx(file: documents.DocumentFile) -> Attachment:
    return Attachment(filename=file.filename, content=file.content, media_type=file.media_type)


def _document_url(settings: MessagingSettings, path: str) -> str:
    return f"{settings.public_url}{path}"


async def _agenda(composer: Composer, row: dict[str, Any]) -> Composed:
    """The agenda published (with the invite), or re-issued after the listings changed."""
    facts = await composer.meeting(row["meeting"])
    agency_id = row["agency"]
    file, shown = await composer.agenda_extract(facts.id, agency_id)
    secure = composer.secure(row["recipient"])
    reissued = row["kind"] == "agenda_reissued"
    calendar = None if reissued else await composer._invite(facts, row["recipient"], "REQUEST")
    context = {
        **_meeting_context(facts),
        "reissued": reissued,
        "cases": len(shown.cases) + len(shown.subjects),
        "attached": secure,
        "document_url": _document_url(
            composer.settings, f"/api/meetings/{facts.id}/agencies/{agency_id}/agenda.docx"
        ),
    }
    disclosure = {
        "record_type": "meeting",
        "record_id": facts.id,
        "document": "agency_agenda",
        "cases": list(shown.cases) if secure else [],
        "subjects": list(shown.subjects) if secure else [],
        "attached": [file.filename] if secure else [],
        "withheld": None if secure else WITHHELD,
    }
    verb = "re-issued" if reissued else "published"
    return await composer._email(
        row,
        "agenda_published",
        f"{facts.panel_name} agenda {verb}, meeting {context['day']}",
        context,
        calendar=calendar,
        attachments=(_docx(file),) if secure else (),
        disclosure=disclosure,
    )


async def _meeting_change(composer: Composer, row: dict[str, Any]) -> Composed:
    """The updated invite (rescheduled) or the cancellation, at the row's SEQUENCE."""
    facts = await composer.meeting(row["meeting"])
    facts = replace(facts, sequence=row["parameters"].get("sequence", facts.sequence))
    cancelled = row["kind"] == "meeting_cancelled"
    calendar = await composer._invite(facts, row["recipient"], "CANCEL" if cancelled else "REQUEST")
    context = _meeting_context(facts)
    subject = (
        f"{facts.panel_name} meeting {context['day']} cancelled"
        if cancelled
        else f"{facts.panel_name} meeting moved to {context['day']}"
    )
    return await composer._email(
        row,
        row["kind"],
        subject,
        context,
        calendar=calendar,
        disclosure={"record_type": "meeting", "record_id": facts.id, "sequence": facts.sequence},
    )


async def _minutes(composer: Composer, row: dict[str, Any]) -> Composed:
    """The agency's extract of the approved minutes and its actions list."""
    facts = await composer.meeting(row["meeting"])
    agency_id = row["agency"]
    version = row["parameters"].get("version")
    minutes, shown = await composer._cached(
        ("minutes", facts.id, agency_id, version),
        lambda: documents.minutes_extract_for(facts.id, agency_id, version),
    )
    actions = await composer._cached(
        ("actions", facts.id, agency_id),
        lambda: documents.meeting_actions_for(facts.id, agency_id),
    )
    secure = composer.secure(row["recipient"])
    base = f"/api/meetings/{facts.id}/agencies/{agency_id}"
    context = {
        **_meeting_context(facts),
        "version": version,
        "attached": secure,
        "minutes_url": _document_url(composer.settings, f"{base}/minutes.docx"),
        "actions_url": _document_url(composer.settings, f"{base}/actions.docx"),
    }
    disclosure = {
        "record_type": "meeting",
        "record_id": facts.id,
        "document": "agency_minutes",
        "version": version,
        "cases": list(shown.cases) if secure else [],
        "subjects": list(shown.subjects) if secure else [],
        "attached": [minutes.filename, actions.filename] if secure else [],
        "withheld": None if secure else WITHHELD,
    }
    return await composer._email(
        row,
        "minutes_circulated",
        f"{facts.panel_name} minutes, meeting {context['day']}",
        context,
        attachments=(_docx(minutes), _docx(actions)) if secure else (),
        disclosure=disclosure,
    )


_ACTION_SUBJECTS = {
    "actions_agreed": "New actions for your agency",
    "action_reminder": "Actions falling due",
    "action_chaser": "Overdue actions: please report",
    "action_escalation": "Escalation: overdue actions not reported",
}


async def actions_shown(ids: list[int]) -> list[dict[str, Any]]:
    """Actions as emails and the one-click page show them, soonest due first: id, case or
    subject reference, agency, due day, status and description."""
    rows = (
        await Action.select(
            Action.id,
            Action.description,
            Action.due_date,
            Action.status,
            Action.case.reference.as_alias("case_reference"),
            Action.subject.reference.as_alias("subject_reference"),
            Action.agency.name.as_alias("agency"),
        )
        .where(Action.id.is_in(ids))
        .order_by(Action.due_date)
    )
    return [
        {
            "id": r["id"],
            "reference": r["case_reference"] or r["subject_reference"] or "",
            "agency": r["agency"],
            "due": long_day(r["due_date"]),
            "status": r["status"],
            "description": r["description"],
        }
        for r in rows
    ]


async def _actions(composer: Composer, row: dict[str, Any]) -> Composed:
    """An agency's actions (agreed, due soon, overdue, escalated), each with a one-click
    link for its outcome when the recipient is a user who may report it. Descriptions
    (which can hold case details) only for a secure address."""
    rows = await actions_shown(row["parameters"]["actions"])
    secure = composer.secure(row["recipient"])
    user_id = row["recipient_user"]
    tokens = (
        await links.issue(
            [r["id"] for r in rows], user_id, composer.now, composer.settings.link_valid_days
        )
        if user_id is not None and row["kind"] != "action_escalation"
        else {}
    )
    items = [
        {
            **r,
            "description": r["description"] if secure else None,
            "link": links.url(composer.settings, tokens[r["id"]]) if r["id"] in tokens else None,
        }
        for r in rows
    ]
    agency = rows[0]["agency"] if rows else ""
    context = {
        "kind": row["kind"],
        "no_contact": bool(row["parameters"].get("no_contact")),
        "agency": agency,
        "actions": items,
        "secure": secure,
        "actions_url": _document_url(
            composer.settings, f"/api/agencies/{row['agency']}/actions.docx"
        ),
    }
    subject = _ACTION_SUBJECTS[row["kind"]]
    disclosure = {
        "record_type": "agency",
        "record_id": row["agency"],
        "actions": [r["id"] for r in rows],
        "descriptions": secure,
        "withheld": None if secure else "descriptions: " + WITHHELD,
    }
    return await composer._email(
        row, "actions", f"{subject} ({agency})", context, disclosure=disclosure
    )


async def _voice_reminder(composer: Composer, row: dict[str, Any]) -> Composed:
    """The IDVA's reminder: cases on a coming meeting with neither a victim's voice nor a
    recorded reason. Opaque case references only."""
    facts = await composer.meeting(row["meeting"])
    references = row["parameters"]["references"]
    context = {**_meeting_context(facts), "references": references}
    return await composer._email(
        row,
        "voice_reminder",
        f"Victim's voice needed before the {facts.panel_name} meeting {context['day']}",
        context,
        disclosure={"record_type": "meeting", "record_id": facts.id, "references": references},
    )


_EMAILS: dict[str, Any] = {
    "agenda_published": _agenda,
    "agenda_reissued": _agenda,
    "meeting_updated": _meeting_change,
    "meeting_cancelled": _meeting_change,
    "minutes_circulated": _minutes,
    "actions_agreed": _actions,
    "action_reminder": _actions,
    "action_chaser": _actions,
    "action_escalation": _actions,
    "voice_reminder": _voice_reminder,
}
