"""The demo, end to end, as a newcomer meets it: ``make run`` (a real server in a
subprocess, with the demo mail sink), the demo users signed in over HTTP, and every email
read back through ``/demo/mail``.

The coordinator gets the next meeting ready (its IDVAs record the missing victims'
voices), publishes its agenda, moves it a week, publishes and then cancels a later sitting,
holds the meeting (an action for the police, minutes), closes it, approves and circulates
the minutes. Each of those emails must arrive in the sink with what it promises — the
agency's agenda extract, the invite and its updates, the minutes extract and actions list,
the action's one-click link — and the link must work in a real browser.

The server starts once for the module (once per xdist worker that runs any of its tests).
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import docx
import httpx
import pytest
from icalendar import Calendar

from tests.integration.documents.reading import DOCX_TYPE, body_text, check_marked
from tests.support.browser import chromium, needs_chromium, wait_for_text
from tests.support.calls import ok
from tests.support.demo_server import DemoServer, demo_server, make_run_environment

COORDINATOR = "coordinator@northtown.gov.example"  # the README's demo sign-in
# The domains DEMO_MAIL_ENV counts as secure: their addresses get the documents.
SECURE = tuple(make_run_environment({})["PANEL_SECURE_DOMAINS"].split(","))
MAIL_SECONDS = 60.0
RISKS = "Threats to kill sent by text message; he has been seen outside her workplace."
SHARED = "Two call-outs in the last twelve months; one arrest, no current orders."
ACTION = "Visit the victim with the IDVA and review the safety plan"
NOTE = "Visited with the IDVA on Monday; safety plan reviewed and a marker added."
VIEWS = {
    "views": "She wants to stay in her home with the children.",
    "fears": "That he will find her new phone number.",
    "contact_means": "Telephone, at a time she chose",
}
NO_SAFE_CONTACT = {"not_obtained_reason": "no_safe_contact", "contact_attempts": 3}


class _Page(HTMLParser):
    """What the demo mail pages show: table rows (cell texts, link targets), ``<pre>``
    blocks and list items with their links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.rows: list[tuple[list[str], list[str]]] = []
        self.pres: list[str] = []
        self.items: list[tuple[str, str]] = []  # (href, whole item text)
        self._cell: list[str] | None = None
        self._pre: list[str] | None = None
        self._item: list[str] | None = None
        self._href = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append(([], []))
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "pre":
            self._pre = []
        elif tag == "li":
            self._item, self._href = [], ""
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            if self.rows and self._cell is not None:
                self.rows[-1][1].append(href)
            self._href = href

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1][0].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "pre" and self._pre is not None:
            self.pres.append("".join(self._pre))
            self._pre = None
        elif tag == "li" and self._item is not None:
            self.items.append((self._href, "".join(self._item).strip()))
            self._item = None

    def handle_data(self, data: str) -> None:
        for collecting in (self._cell, self._pre, self._item):
            if collecting is not None:
                collecting.append(data)


@dataclass(frozen=True)
class Mail:
    """One message of the sink, opened through its page."""

    name: str
    headers: dict[str, str]
    text: str
    parts: dict[str, list[str]]  # download name -> part URLs


@dataclass
class Mailbox:
    """The demo mail pages, read over HTTP as a browser would fetch them."""

    client: httpx.Client

    def listed(self) -> dict[tuple[str, str], str]:
        """(To, Subject) -> stored message name, for every listed message."""
        page = self.client.get("/demo/mail")
        assert page.status_code == 200, page.text[:500]
        listed = {}
        for cells, hrefs in _Page(page.text).rows:
            if len(cells) == 5 and hrefs:
                listed[(cells[1], cells[2])] = hrefs[-1].rsplit("/", 1)[-1]
        return listed

    def wait_for(self, expected: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """Poll the list page (bounded) until every (To, Subject) in ``expected`` is listed."""
        deadline = time.monotonic() + MAIL_SECONDS
        while True:
            listed = self.listed()
            missing = expected - set(listed)
            if not missing:
                return {key: listed[key] for key in expected}
            assert time.monotonic() < deadline, f"not in the demo mail sink: {sorted(missing)}"
            time.sleep(0.2)

    def open(self, name: str) -> Mail:
        page = self.client.get(f"/demo/mail/{name}")
        assert page.status_code == 200, page.text[:500]
        assert "no-store" in page.headers["cache-control"]
        shown = _Page(page.text)
        headers = {cells[0]: cells[1] for cells, _ in shown.rows if len(cells) == 2}
        parts: dict[str, list[str]] = {}
        for href, item in shown.items:
            parts.setdefault(item.split(":", 1)[0], []).append(href)
        return Mail(name=name, headers=headers, text=shown.pres[0], parts=parts)

    def download(self, url: str, media_type: str) -> bytes:
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response.headers["content-type"].startswith(media_type), response.headers
        assert response.headers["content-disposition"].startswith("attachment; filename=")
        return response.content

    def invite(self, mail: Mail) -> Any:
        """The email's calendar invitation (inline and as ``invite.ics``: the same)."""
        urls = mail.parts["invite.ics"]
        assert len(urls) == 2, mail.parts  # the inline text/calendar part and the attached file
        inline, attached = (self.download(url, "text/calendar") for url in urls)
        assert inline == attached
        return Calendar.from_ical(inline)


@dataclass
class Sent:
    """An email the outbox sent, and its name in the sink."""

    recipient: str
    subject: str
    message_id: str
    name: str


@dataclass
class Story:
    """What the coordinator did, and the mail each step sent (by kind and meeting)."""

    meeting: dict[str, Any]
    cancelled: dict[str, Any]
    panel: dict[str, Any]
    police: dict[str, Any]
    refused_publish: httpx.Response
    voices_recorded: list[str]
    agenda_refs: dict[str, int]  # the meeting's new and repeat cases -> referring agency
    invited: set[str]  # every invited agency's representatives and deputies
    moved_to: datetime
    action: dict[str, Any]
    mail: dict[tuple[str, int], list[Sent]]

    def sent(self, kind: str, meeting: dict[str, Any]) -> dict[str, Sent]:
        return {s.recipient: s for s in self.mail[(kind, meeting["id"])]}


def _arrived(coordinator: httpx.Client, mailbox: Mailbox, meeting_id: int, kind: str) -> list[Sent]:
    """The meeting's emails of ``kind``, once the outbox has sent them all and the demo
    mail page lists each of them (bounded polling of both)."""
    deadline = time.monotonic() + MAIL_SECONDS
    while True:
        page = ok(coordinator.get("/api/outbox", params={"meeting_id": meeting_id, "limit": 200}))
        rows = [r for r in page["items"] if r["kind"] == kind and r["channel"] == "email"]
        assert not [r for r in rows if r["status"] == "failed"], rows
        if rows and all(r["status"] == "sent" for r in rows):
            break
        assert time.monotonic() < deadline, f"{kind} not sent in {MAIL_SECONDS} s: {rows}"
        time.sleep(0.2)
    names = mailbox.wait_for({(r["recipient"], r["subject"]) for r in rows})
    return [
        Sent(r["recipient"], r["subject"], r["message_id"], names[(r["recipient"], r["subject"])])
        for r in rows
    ]


def _record_missing_voices(
    server: DemoServer, coordinator: httpx.Client, blocking: Any
) -> list[str]:
    """Each blocking case's own IDVA signs in and records the victim's voice (the first)
    or why it could not be had (the others)."""
    idvas: dict[str, httpx.Client] = {}
    recorded = []
    for n, listing in enumerate(blocking):
        case = ok(coordinator.get(f"/api/cases/{listing['case_id']}"))
        email = ok(coordinator.get(f"/api/users/{case['assigned_idva_id']}"))["email"]
        if email not in idvas:
            idvas[email] = server.sign_in(email)
        heard_today = {**VIEWS, "contact_date": datetime.now(UTC).date().isoformat()}
        voice = ok(
            idvas[email].put(
                f"/api/listings/{listing['listing_id']}/victim-voice",
                json=heard_today if n == 0 else NO_SAFE_CONTACT,
            )
        )
        assert voice["obtained"] is (n == 0), voice
        recorded.append(case["reference"])
    for client in idvas.values():
        client.close()
    return recorded


def _tell_the_story(server: DemoServer, coordinator: httpx.Client, mailbox: Mailbox) -> Story:
    """The coordinator's session. After each step, as a newcomer would, they look for its
    mail in the sink before going on."""
    mail: dict[tuple[str, int], list[Sent]] = {}

    def look_for(kind: str, meeting_id: int) -> None:
        mail[(kind, meeting_id)] = _arrived(coordinator, mailbox, meeting_id, kind)

    panels = ok(coordinator.get("/api/panels"))["items"]
    panel = next(p for p in panels if p["kind"] == "marac")
    scheduled = ok(
        coordinator.get(
            "/api/meetings", params={"panel_id": panel["id"], "status": "scheduled", "limit": 50}
        )
    )["items"]
    meeting, later = scheduled[0], scheduled[-1]
    assert meeting["listed_cases"] and not later["listed_cases"], scheduled
    agencies = ok(coordinator.get("/api/agencies", params={"limit": 100}))["items"]
    police = next(a for a in agencies if a["agency_type"] == "police")
    invited = {
        person["email"]
        for agency_id in panel["invited_agency_ids"]
        for person in ok(coordinator.get(f"/api/agencies/{agency_id}/representatives"))["items"]
    }
    listings = ok(coordinator.get(f"/api/meetings/{meeting['id']}/listings", params={"limit": 200}))
    cases = [
        ok(coordinator.get(f"/api/cases/{item['case_id']}"))
        for item in listings["items"]
        if item["kind"] in ("new", "repeat")
    ]
    agenda_refs = {case["reference"]: case["referring_agency_id"] for case in cases}

    # Publishing is refused while cases lack the victim's voice; their IDVAs record it.
    publish = f"/api/meetings/{meeting['id']}/publish-agenda"
    refused = coordinator.post(publish)
    voices = _record_missing_voices(server, coordinator, refused.json()["blocking_listings"])
    assert ok(coordinator.post(publish))["status"] == "agenda_published"
    look_for("agenda_published", meeting["id"])

    # The meeting moves a week on, at the same local time.
    zone = ZoneInfo(panel["timezone"])
    starts = datetime.fromisoformat(meeting["starts_at"].replace("Z", "+00:00"))
    moved_to = starts.astimezone(zone) + timedelta(days=7)
    moved = ok(
        coordinator.post(
            f"/api/meetings/{meeting['id']}/reschedule", json={"starts_at": moved_to.isoformat()}
        )
    )
    assert datetime.fromisoformat(moved["starts_at"].replace("Z", "+00:00")) == moved_to
    look_for("meeting_updated", meeting["id"])

    # A later, empty sitting is published, then cancelled.
    ok(coordinator.post(f"/api/meetings/{later['id']}/publish-agenda"))
    look_for("agenda_published", later["id"])
    cancelled = ok(
        coordinator.post(
            f"/api/meetings/{later['id']}/cancel", json={"reason": "The venue is closed that day"}
        )
    )
    assert cancelled["status"] == "cancelled"
    look_for("meeting_cancelled", later["id"])

    # The meeting sits: every case heard, an action for the police on the first new case,
    # its minutes; closed, minutes approved and circulated.
    ok(coordinator.post(f"/api/meetings/{meeting['id']}/start"))
    for item in listings["items"]:
        ok(coordinator.post(f"/api/listings/{item['id']}/outcome", json={"outcome": "heard"}))
    heard = next(item for item in listings["items"] if item["kind"] == "new")
    due = (datetime.now(zone).date() + timedelta(days=28)).isoformat()
    action = ok(
        coordinator.post(
            f"/api/listings/{heard['id']}/actions",
            json={"agency_id": police["id"], "description": ACTION, "due_date": due},
        ),
        201,
    )
    minutes = {
        "risks_identified": RISKS,
        "information_shared": [{"agency_id": police["id"], "text": SHARED}],
        "revision": 0,
    }
    ok(coordinator.put(f"/api/listings/{heard['id']}/minutes", json=minutes))
    ok(coordinator.post(f"/api/meetings/{meeting['id']}/close"))
    look_for("actions_agreed", meeting["id"])
    ok(coordinator.post(f"/api/meetings/{meeting['id']}/approve-minutes"))
    ok(coordinator.post(f"/api/meetings/{meeting['id']}/circulate-minutes"))
    look_for("minutes_circulated", meeting["id"])

    return Story(
        meeting=meeting,
        cancelled=cancelled,
        panel=panel,
        police=police,
        refused_publish=refused,
        voices_recorded=voices,
        agenda_refs=agenda_refs,
        invited=invited,
        moved_to=moved_to,
        action=action,
        mail=mail,
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("demo")) as running:
        yield running


@pytest.fixture(scope="module")
def mailbox(server: DemoServer) -> Iterator[Mailbox]:
    with server.client() as client:
        yield Mailbox(client)


@pytest.fixture(scope="module")
def coordinator(server: DemoServer) -> Iterator[httpx.Client]:
    client = server.sign_in(COORDINATOR)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture(scope="module")
def story(server: DemoServer, coordinator: httpx.Client, mailbox: Mailbox) -> Story:
    """What the coordinator did, and every email it sent as the mail sink lists it."""
    return _tell_the_story(server, coordinator, mailbox)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    with chromium(tmp_path) as driver:
        yield driver


def _opened(mailbox: Mailbox, sent: Sent) -> Mail:
    """The sink's page for ``sent``: that very message, to that one recipient."""
    mail = mailbox.open(sent.name)
    assert mail.headers["Message-ID"] == sent.message_id
    assert mail.headers["To"] == sent.recipient
    assert mail.headers["Envelope recipients"] == sent.recipient
    assert mail.headers["Subject"] == sent.subject
    return mail


def _event(calendar: Any) -> Any:
    (event,) = calendar.walk("VEVENT")
    return event


def _secure(address: str) -> bool:
    return address.endswith(SECURE)


def test_the_agenda_waits_for_every_victims_voice_then_reaches_each_agency(
    story: Story, mailbox: Mailbox, server: DemoServer
) -> None:
    refused = story.refused_publish
    assert refused.status_code == 409, refused.text
    blocking = [row["case_reference"] for row in refused.json()["blocking_listings"]]
    assert blocking and all(reference in refused.json()["message"] for reference in blocking)
    assert story.voices_recorded == blocking

    published = story.sent("agenda_published", story.meeting)
    assert set(published) == story.invited
    police_rep = next(a for a in published if a.startswith("alex.morgan@"))
    mail = _opened(mailbox, published[police_rep])
    assert "agenda published" in mail.headers["Subject"]
    assert "Research deadline" in mail.text and "calendar invite" in mail.text

    (extract_name,) = [name for name in mail.parts if name.endswith(".docx")]
    assert "Northtown Police" in extract_name
    (url,) = mail.parts[extract_name]
    extract = docx.Document(io.BytesIO(mailbox.download(url, DOCX_TYPE)))
    check_marked(extract, story.panel["name"])
    text = body_text(extract)
    assert "Extract for Northtown Police" in text
    shown = {reference for reference in story.agenda_refs if reference in text}
    referred = {ref for ref, agency in story.agenda_refs.items() if agency == story.police["id"]}
    assert referred and referred <= shown
    assert shown < set(story.agenda_refs), "an extract, not the whole agenda"

    invite = mailbox.invite(mail)
    event = _event(invite)
    assert str(invite["METHOD"]) == "REQUEST"
    assert str(event["UID"]).startswith(f"meeting-{story.meeting['id']}@")
    assert int(event["SEQUENCE"]) == 0
    assert str(event["ATTENDEE"]).lower() == f"mailto:{police_rep}"
    assert event.decoded("DTSTART") == datetime.fromisoformat(
        story.meeting["starts_at"].replace("Z", "+00:00")
    )

    # Anyone off the secure domains gets the invite, and a link to sign in for the extract.
    outside = next(address for address in published if not _secure(address))
    notice = _opened(mailbox, published[outside])
    assert sorted(notice.parts) == ["invite.ics"]
    assert f"{server.base_url}/api/meetings/{story.meeting['id']}/agencies/" in notice.text


def test_the_moved_meeting_updates_everyones_invite_under_the_same_uid(
    story: Story, mailbox: Mailbox
) -> None:
    published = story.sent("agenda_published", story.meeting)
    updated = story.sent("meeting_updated", story.meeting)
    assert set(updated) == set(published)
    for address, sent in updated.items():
        first = _event(mailbox.invite(_opened(mailbox, published[address])))
        mail = _opened(mailbox, sent)
        assert "moved to" in mail.headers["Subject"]
        invite = mailbox.invite(mail)
        event = _event(invite)
        assert str(invite["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == str(first["UID"])
        assert int(event["SEQUENCE"]) > int(first["SEQUENCE"])
        assert event.decoded("DTSTART") == story.moved_to


def test_the_cancelled_meeting_sends_everyone_invited_a_cancellation(
    story: Story, mailbox: Mailbox
) -> None:
    published = story.sent("agenda_published", story.cancelled)
    cancellations = story.sent("meeting_cancelled", story.cancelled)
    assert set(cancellations) == set(published) == story.invited
    for address, sent in cancellations.items():
        first = _event(mailbox.invite(_opened(mailbox, published[address])))
        mail = _opened(mailbox, sent)
        assert "cancelled" in mail.headers["Subject"] and "is cancelled" in mail.text
        invite = mailbox.invite(mail)
        event = _event(invite)
        assert str(invite["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == str(first["UID"])
        assert int(event["SEQUENCE"]) > int(first["SEQUENCE"])


def test_the_circulated_minutes_carry_each_agencys_extract_and_actions_list(
    story: Story, mailbox: Mailbox, server: DemoServer
) -> None:
    circulated = story.sent("minutes_circulated", story.meeting)
    assert set(circulated) == story.invited
    police_rep = next(a for a in circulated if a.startswith("alex.morgan@"))
    mail = _opened(mailbox, circulated[police_rep])
    assert "approved (version 1)" in mail.text
    documents = {name: urls for name, urls in mail.parts.items() if name.endswith(".docx")}
    (minutes_name,) = [name for name in documents if " minutes " in name]
    (actions_name,) = [name for name in documents if " actions " in name]

    minutes = docx.Document(io.BytesIO(mailbox.download(documents[minutes_name][0], DOCX_TYPE)))
    check_marked(minutes, story.panel["name"])
    text = body_text(minutes)
    assert "Extract for Northtown Police" in text
    assert RISKS in text and SHARED in text and ACTION in text

    actions = docx.Document(io.BytesIO(mailbox.download(documents[actions_name][0], DOCX_TYPE)))
    check_marked(actions, story.panel["name"])
    assert ACTION in body_text(actions)

    outside = next(address for address in circulated if not _secure(address))
    notice = _opened(mailbox, circulated[outside])
    assert notice.parts == {}
    assert f"{server.base_url}/api/meetings/{story.meeting['id']}/agencies/" in notice.text


def _action_links(story: Story, mailbox: Mailbox, server: DemoServer) -> dict[str, str]:
    """Each police recipient's one-click link for the new action, from their email."""
    links = {}
    for address, sent in story.sent("actions_agreed", story.meeting).items():
        mail = _opened(mailbox, sent)
        assert f"action {story.action['id']}," in mail.text and ACTION in mail.text
        found = re.findall(
            rf"Report the outcome: ({re.escape(server.base_url)}/actions/respond/\S+)", mail.text
        )
        assert len(found) == 1, mail.text
        links[address] = found[0]
    return links


def test_closing_the_meeting_mails_the_police_its_action_with_a_one_click_link(
    story: Story, mailbox: Mailbox, server: DemoServer, coordinator: httpx.Client
) -> None:
    representatives = ok(coordinator.get(f"/api/agencies/{story.police['id']}/representatives"))
    links = _action_links(story, mailbox, server)
    assert set(links) == {person["email"] for person in representatives["items"]}
    assert len(set(links.values())) == len(links), "each person gets a link of their own"


@needs_chromium
def test_the_action_link_records_the_outcome_once_in_a_real_browser(
    story: Story, mailbox: Mailbox, server: DemoServer, coordinator: httpx.Client, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    action_url = f"/api/actions/{story.action['id']}"
    sent = story.sent("actions_agreed", story.meeting)
    police_rep = next(a for a in sent if a.startswith("alex.morgan@"))

    # The mail page, then the action email's page, as the newcomer clicks through them.
    browser.get(f"{server.base_url}/demo/mail")
    wait_for_text(browser, sent[police_rep].subject)
    browser.find_element(By.CSS_SELECTOR, f'a[href="/demo/mail/{sent[police_rep].name}"]').click()
    page = wait_for_text(browser, "Report the outcome:")
    assert police_rep in page
    # The same link in the text part and in the HTML part's source.
    links = re.findall(rf"{re.escape(server.base_url)}/actions/respond/[A-Za-z0-9_-]+", page)
    assert len(links) == 2 and len(set(links)) == 1, links
    link = links[0]
    assert link == _action_links(story, mailbox, server)[police_rep]

    # Opening the link shows the choices and changes nothing.
    browser.get(link)
    page = wait_for_text(browser, "Record the outcome")
    assert f"Action {story.action['id']} for Northtown Police" in page
    assert "Opening this page changes nothing" in page
    assert ok(coordinator.get(action_url))["status"] == "open"

    browser.find_element(By.CSS_SELECTOR, 'input[name="status"][value="completed"]').click()
    browser.find_element(By.ID, "note").send_keys(NOTE)
    browser.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()
    page = wait_for_text(browser, "Thank you.")
    assert f"action {story.action['id']}" in page and "recorded as Completed" in page

    browser.get(link)
    assert "This link has already been used" in wait_for_text(browser, "already been used")
    # The deputy's own link, for the same action, now says it is closed.
    deputy = next(address for address in sent if address != police_rep)
    browser.get(_action_links(story, mailbox, server)[deputy])
    assert "This action is already closed (Completed)" in wait_for_text(browser, "already closed")

    action = ok(coordinator.get(action_url))
    assert action["status"] == "completed"
    assert action["outcome_note"] == NOTE
    assert action["history"][-1]["to_status"] == "completed"
    assert action["history"][-1]["changed_by_name"].startswith("Alex Morgan")
