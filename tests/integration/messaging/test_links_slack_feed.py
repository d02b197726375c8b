"""One-click action links (a GET changes nothing; the POST records once), Slack (counts and
references only; 429 and outages delay Slack, never email), the slash command's signature,
and the panel's calendar feed."""

from __future__ import annotations

import email
import hashlib
import hmac
import json
import re
import time
from datetime import UTC, datetime, timedelta
from email import policy
from typing import Any
from urllib.parse import urlencode

import pytest
import vobject

from panel_service.adapters.slack import SlackTransport
from tests.integration.messaging.conftest import next_meeting, outbox, publish
from tests.support.calls import ok, on_app_loop
from tests.support.slack_fake import TOKEN


def _action_email(dispatch: Any) -> tuple[int, str]:
    """Close the demo's next meeting with one police action; the link in its email."""
    from tests.support.actions import make_action

    meeting = next_meeting(dispatch.client)
    publish(dispatch.client, meeting["id"])
    ok(dispatch.client.post(f"/api/meetings/{meeting['id']}/start"))
    listing = ok(dispatch.client.get(f"/api/meetings/{meeting['id']}/listings"))["items"][0]
    agencies = ok(dispatch.client.get("/api/agencies", params={"limit": 100}))["items"]
    police = next(a for a in agencies if a["agency_type"] == "police")
    action = make_action(
        dispatch.client,
        listing["id"],
        agency_id=police["id"],
        due_date=(datetime.now(UTC).date() + timedelta(days=30)).isoformat(),
    )
    ok(dispatch.client.post(f"/api/meetings/{meeting['id']}/close"))
    dispatch()
    for received in reversed(dispatch.server.received):
        body = email.message_from_bytes(received.content, policy=policy.default)
        text = body.get_body(preferencelist=("plain",)).get_content()
        found = re.search(r"https?://\S+/actions/respond/(\S+)", text)
        if found:
            return action["id"], found.group(1)
    raise AssertionError("no action link was sent")


def test_opening_a_link_shows_the_choices_and_changes_nothing(dispatch: Any) -> None:
    action_id, token = _action_email(dispatch)
    for _ in range(3):  # a mail scanner, then the person
        page = dispatch.client.get(f"/actions/respond/{token}")
        assert page.status_code == 200
        assert "Record the outcome" in page.text
    assert ok(dispatch.client.get(f"/api/actions/{action_id}"))["status"] == "open"


def _respond(dispatch: Any, token: str, form: dict[str, str]) -> Any:
    """The one-click page's form, posted as a browser posts it."""
    return dispatch.client.post(
        f"/actions/respond/{token}",
        content=urlencode(form),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


def test_the_post_records_the_outcome_once_and_the_link_then_explains_itself(
    dispatch: Any,
) -> None:
    action_id, token = _action_email(dispatch)
    done = _respond(dispatch, token, {"status": "completed", "note": "Done <b>today</b>"})
    assert done.status_code == 200, done.text
    assert "recorded" in done.text
    assert ok(dispatch.client.get(f"/api/actions/{action_id}"))["status"] == "completed"
    again = _respond(dispatch, token, {"status": "not_completed_not_done", "note": "x"})
    assert again.status_code == 410 and "already been used" in again.text
    assert ok(dispatch.client.get(f"/api/actions/{action_id}"))["status"] == "completed"


def test_a_refused_outcome_leaves_the_link_usable(dispatch: Any) -> None:
    action_id, token = _action_email(dispatch)
    refused = _respond(dispatch, token, {"status": "not_completed_not_done", "note": ""})
    assert refused.status_code == 422 and "note" in refused.text
    assert ok(dispatch.client.get(f"/api/actions/{action_id}"))["status"] == "open"
    assert dispatch.client.get(f"/actions/respond/{token}").status_code == 200


def test_expired_and_unknown_links_explain_themselves(dispatch: Any) -> None:
    from panel_service.messaging.tables import ActionLink

    _, token = _action_email(dispatch)
    on_app_loop(
        dispatch.client,
        lambda: ActionLink.update(
            {ActionLink.expires_at: datetime.now(UTC) - timedelta(minutes=1)}, force=True
        ),
    )
    expired = dispatch.client.get(f"/actions/respond/{token}")
    assert expired.status_code == 410 and "expired" in expired.text
    assert dispatch.client.get("/actions/respond/not-a-token").status_code == 404


@pytest.fixture
def slack_on(messaging_env: Any, slack_fake: Any, dispatch: Any) -> Any:
    messaging_env(
        PANEL_SLACK_TOKEN=TOKEN,
        PANEL_SLACK_CHANNEL="#marac-coordination",
        PANEL_SLACK_SIGNING_SECRET="signing-secret",
    )
    dispatch.chat = SlackTransport(TOKEN, base_url=slack_fake.base_url)
    return slack_fake


def test_slack_messages_carry_counts_and_references_never_personal_data(
    dispatch: Any, slack_on: Any
) -> None:
    from panel_service.cases.tables import Person, VictimContact

    meeting = next_meeting(dispatch.client)
    publish(dispatch.client, meeting["id"])
    dispatch()
    assert slack_on.posts, "nothing reached Slack"
    people = on_app_loop(dispatch.client, lambda: Person.select())
    contacts = on_app_loop(dispatch.client, lambda: VictimContact.select())
    forbidden = [p["full_name"] for p in people]
    forbidden += [str(p["date_of_birth"]) for p in people if p["date_of_birth"]]
    forbidden += [c["address"] for c in contacts if c["address"]]
    forbidden += [c["postcode"] for c in contacts if c["postcode"]]
    for post in slack_on.posts:
        payload = json.dumps(post)
        assert not [value for value in forbidden if value and value in payload]
    assert "Agenda published" in json.dumps(slack_on.posts[0])


def test_slack_rate_limits_delay_slack_only(dispatch: Any, slack_on: Any) -> None:
    meeting = next_meeting(dispatch.client)
    publish(dispatch.client, meeting["id"])
    slack_on.rate_limit(times=2, retry_after=1)
    first = dispatch()
    emails = outbox(dispatch.client, meeting=meeting["id"], channel="email")
    assert {row["status"] for row in emails} == {"sent"}
    slack = outbox(dispatch.client, channel="slack")
    assert [row["status"] for row in slack] == ["queued"]
    assert first.retried == 1
    later = datetime.now(UTC) + timedelta(seconds=5)
    assert dispatch(dispatch.dispatcher(clock=lambda: later)).sent == 1
    assert [row["status"] for row in outbox(dispatch.client, channel="slack")] == ["sent"]


def test_slack_down_for_the_whole_test_delays_notifications_never_email(
    dispatch: Any, slack_on: Any
) -> None:
    slack_on.down()
    meeting = next_meeting(dispatch.client)
    publish(dispatch.client, meeting["id"])
    dispatch()
    emails = outbox(dispatch.client, meeting=meeting["id"], channel="email")
    assert {row["status"] for row in emails} == {"sent"}
    assert [row["status"] for row in outbox(dispatch.client, channel="slack")] == ["queued"]


def _signed(secret: str, body: str, timestamp: int) -> dict[str, str]:
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "x-slack-request-timestamp": str(timestamp),
        "x-slack-signature": f"v0={digest}",
        "content-type": "application/x-www-form-urlencoded",
    }


def test_the_slash_command_answers_with_readiness_when_signed(dispatch: Any, slack_on: Any) -> None:
    body = urlencode({"command": "/panel", "text": "next"})
    now = int(time.time())
    answer = dispatch.client.post(
        "/slack/commands", content=body, headers=_signed("signing-secret", body, now)
    )
    assert answer.status_code == 200
    assert "case(s) listed" in answer.json()["text"]
    stale = dispatch.client.post(
        "/slack/commands", content=body, headers=_signed("signing-secret", body, now - 301)
    )
    assert stale.status_code == 401
    forged = dispatch.client.post(
        "/slack/commands", content=body, headers=_signed("wrong-secret", body, now)
    )
    assert forged.status_code == 401


def test_the_calendar_feed_lists_the_panels_meetings_without_case_details(
    dispatch: Any,
) -> None:
    from panel_service.cases.tables import Person

    meeting = next_meeting(dispatch.client, ready=False)
    created = ok(dispatch.client.post(f"/api/panels/{meeting['panel']}/calendar-feed"), 201)
    path = created["url"].split("://", 1)[1].split("/", 1)[1]
    feed = dispatch.client.get(f"/{path}")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    calendar = vobject.readOne(feed.text)
    assert len(calendar.vevent_list) >= 2
    names = [p["full_name"] for p in on_app_loop(dispatch.client, lambda: Person.select())]
    assert not [name for name in names if name in feed.text]
    rotated = ok(dispatch.client.post(f"/api/panels/{meeting['panel']}/calendar-feed"), 201)
    assert rotated["url"] != created["url"]
    assert dispatch.client.get(f"/{path}").status_code == 404
