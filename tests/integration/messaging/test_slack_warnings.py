"""The sweep's warnings to the coordination team on Slack: victims' voices still missing a
few days before a meeting (``voice_warning_days``), once per meeting; and once a day the
overdue actions by agency for each panel. Counts, meeting dates, opaque references and
links only. With Slack off the sweep queues no Slack message and still sends its emails."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from panel_service.adapters.slack import SlackTransport
from tests.integration.messaging.conftest import outbox
from tests.support.calls import on_app_loop
from tests.support.personal_data import leaks, personal_data
from tests.support.reminder_sweeps import (
    LONDON,
    cases_of_meeting,
    london,
    scheduled_meetings,
    sweep_at,
)
from tests.support.slack_fake import TOKEN


@pytest.fixture
def slack_on(messaging_env: Any, slack_fake: Any, dispatch: Any) -> Any:
    messaging_env(PANEL_SLACK_TOKEN=TOKEN, PANEL_SLACK_CHANNEL="#marac-coordination")
    dispatch.chat = SlackTransport(TOKEN, base_url=slack_fake.base_url)
    return slack_fake


def _slack(client: Any, kind: str) -> list[dict[str, Any]]:
    return outbox(client, channel="slack", kind=kind)


def _texts(fake: Any) -> list[str]:
    return [str(post["text"]) for post in fake.posts]


def _assert_no_personal_data(client: Any, fake: Any) -> None:
    """Every payload the fake Slack received: no name, date of birth, address or postcode."""
    assert fake.posts, "nothing reached Slack"
    forbidden = personal_data(client)
    for post in fake.posts:
        assert not leaks(json.dumps(post, ensure_ascii=False), forbidden), post["text"]


def test_missing_voices_are_reported_once_with_counts_date_and_references(
    dispatch: Any, slack_on: Any
) -> None:
    client = dispatch.client
    meeting = scheduled_meetings(client)[0]
    missing = [
        row["reference"] for row in cases_of_meeting(client, meeting["id"]) if not row["has_voice"]
    ]
    assert missing, "the demo's next meeting has cases without a victim's voice"
    # Four days before, the IDVAs are reminded but the team is not told yet; nor at three.
    sweep_at(client, meeting["starts_at"] - timedelta(days=4))
    sweep_at(client, meeting["starts_at"] - timedelta(days=3))
    assert _slack(client, "voices_missing") == []
    two_days = meeting["starts_at"] - timedelta(days=2)
    sweep_at(client, two_days)
    sweep_at(client, two_days + timedelta(minutes=15))
    sweep_at(client, meeting["starts_at"] - timedelta(days=1))
    queued = _slack(client, "voices_missing")
    assert len(queued) == 1 and queued[0]["meeting"] == meeting["id"]
    dispatch()
    warnings = [text for text in _texts(slack_on) if text.startswith("Victim's voice missing")]
    assert len(warnings) == 1
    warning = warnings[0]
    local = meeting["starts_at"].astimezone(LONDON)
    assert f"for {len(missing)} case(s)" in warning
    assert f"{local:%a %d %b %Y %H:%M}" in warning
    assert "(2 day(s) away)" in warning
    assert warning.endswith(": " + ", ".join(missing))
    post = next(p for p in slack_on.posts if p["text"] == warning)
    assert f"https://panel.example/api/meetings/{meeting['id']}" in json.dumps(post)
    _assert_no_personal_data(client, slack_on)


async def _overdue_by_agency(today: date) -> dict[str, dict[str, int]]:
    from panel_service.actions.tables import Action

    rows = await Action.select(
        Action.panel.name.as_alias("panel"), Action.agency.name.as_alias("agency")
    ).where((Action.status == "open") & (Action.due_date < today))
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        panel = counts.setdefault(row["panel"], {})
        panel[row["agency"]] = panel.get(row["agency"], 0) + 1
    return counts


def _digest(text: str) -> tuple[str, dict[str, int]]:
    head, *lines = text.splitlines()
    panel = head.removeprefix("Overdue actions by agency (").removesuffix("):")
    return panel, {agency: int(n) for agency, n in (line.rsplit(": ", 1) for line in lines)}


def test_the_overdue_digest_goes_once_a_day_by_agency(dispatch: Any, slack_on: Any) -> None:
    client = dispatch.client
    today = datetime.now(UTC).astimezone(LONDON).date()
    expected = on_app_loop(client, _overdue_by_agency, today)
    assert expected, "the demo has overdue actions"
    sweep_at(client, london(today, time(9)))
    sweep_at(client, london(today, time(9, 15)))
    sweep_at(client, london(today, time(23, 45)))
    assert len(_slack(client, "actions_overdue")) == len(expected), "one per panel, once a day"
    dispatch()
    digests = dict(
        _digest(text) for text in _texts(slack_on) if text.startswith("Overdue actions by agency")
    )
    assert digests == expected
    for post in slack_on.posts:
        if post["text"].startswith("Overdue actions"):
            assert "https://panel.example/api/actions/overdue-by-agency" in json.dumps(post)
    # The next day, the next digest.
    sweep_at(client, london(today + timedelta(days=1), time(0, 5)))
    assert len(_slack(client, "actions_overdue")) == 2 * len(expected)
    _assert_no_personal_data(client, slack_on)


def test_with_slack_off_the_sweep_queues_no_slack_message_and_still_sends_email(
    dispatch: Any, messaging_env: Any, slack_fake: Any
) -> None:
    client = dispatch.client
    meeting = scheduled_meetings(client)[0]
    two_days = meeting["starts_at"] - timedelta(days=2)
    assert sweep_at(client, two_days) > 0
    assert outbox(client, channel="slack") == []
    emails = outbox(client, channel="email")
    kinds = {row["kind"] for row in emails}
    assert "voice_reminder" in kinds
    dispatch()
    assert {row["status"] for row in outbox(client, channel="email")} == {"sent"}
    assert len(dispatch.server.received) == len(emails)
    # Slack switched on later the same day: the day's warnings were not used up while off.
    messaging_env(PANEL_SLACK_TOKEN=TOKEN, PANEL_SLACK_CHANNEL="#marac-coordination")
    sweep_at(client, two_days + timedelta(minutes=15))
    kinds = {row["kind"] for row in outbox(client, channel="slack")}
    assert kinds == {"voices_missing", "actions_overdue"}
    assert len(outbox(client, kind="voice_reminder")) == len(
        [row for row in emails if row["kind"] == "voice_reminder"]
    )
