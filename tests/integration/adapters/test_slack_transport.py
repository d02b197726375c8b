"""SlackTransport against a local fake of the Slack Web API."""

from __future__ import annotations

import asyncio
import random
import socket
import time
from typing import Any

import pytest

from panel_service.adapters.email import Delivery, DeliveryResult
from panel_service.adapters.slack import SlackTransport
from tests.support.slack_fake import TOKEN, SlackFake

CHANNEL = "C0NORTHTOWN"
TEXT = "3 referrals await triage"
BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*3* referrals await triage"}},
    {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Open"},
                "url": "https://panel.example/referrals",
            }
        ],
    },
]


@pytest.fixture
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack-sdk waits Retry-After plus up to a second of jitter; keep the waits exact."""
    monkeypatch.setattr(random, "random", lambda: 0.0)


def _post(transport: SlackTransport) -> DeliveryResult:
    return asyncio.run(transport.post(CHANNEL, TEXT, BLOCKS))


def test_a_post_is_sent_with_its_channel_text_and_blocks(slack_fake: SlackFake) -> None:
    result = _post(SlackTransport(TOKEN, base_url=slack_fake.base_url))

    assert result == DeliveryResult(Delivery.SENT)
    (payload,) = slack_fake.posts
    assert payload["channel"] == CHANNEL
    assert payload["text"] == TEXT
    assert payload["blocks"] == BLOCKS


def test_one_short_rate_limit_is_absorbed_without_blocking_the_event_loop(
    slack_fake: SlackFake, no_jitter: None
) -> None:
    slack_fake.rate_limit(times=1, retry_after=1)
    transport = SlackTransport(TOKEN, base_url=slack_fake.base_url)

    async def post_while_ticking() -> tuple[DeliveryResult, int, float]:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:  # cancelled below, once the post is done
                await asyncio.sleep(0.05)
                ticks += 1

        ticker = asyncio.create_task(tick())
        started = time.monotonic()
        result = await transport.post(CHANNEL, TEXT, BLOCKS)
        elapsed = time.monotonic() - started
        ticker.cancel()
        return result, ticks, elapsed

    result, ticks, elapsed = asyncio.run(post_while_ticking())

    assert result.outcome is Delivery.SENT
    assert slack_fake.requests == 2
    assert len(slack_fake.posts) == 1
    assert 1.0 <= elapsed < 2.0
    assert ticks >= 10  # the loop kept running through the wait


def test_a_rate_limit_that_persists_is_retry_with_the_asked_wait(
    slack_fake: SlackFake, no_jitter: None
) -> None:
    slack_fake.rate_limit(times=2, retry_after=1)

    result = _post(SlackTransport(TOKEN, base_url=slack_fake.base_url, rate_limit_retries=1))

    assert result == DeliveryResult(Delivery.RETRY, "rate limited", retry_after=1.0)
    assert slack_fake.requests == 2
    assert slack_fake.posts == []


def test_a_long_rate_limit_wait_is_handed_back_at_once(slack_fake: SlackFake) -> None:
    slack_fake.rate_limit(times=1, retry_after=30)
    started = time.monotonic()

    result = _post(SlackTransport(TOKEN, base_url=slack_fake.base_url, max_inline_wait=5))

    assert result == DeliveryResult(Delivery.RETRY, "rate limited", retry_after=30.0)
    assert time.monotonic() - started < 1.0
    assert slack_fake.requests == 1


def test_slack_down_is_retry(slack_fake: SlackFake) -> None:
    slack_fake.down()

    result = _post(SlackTransport(TOKEN, base_url=slack_fake.base_url))

    assert result.outcome is Delivery.RETRY
    assert "503" in result.detail


def test_slack_unreachable_is_retry() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    result = _post(SlackTransport(TOKEN, base_url=f"http://127.0.0.1:{port}/api/", timeout=2))

    assert result.outcome is Delivery.RETRY
    assert result.detail.startswith("Slack unreachable")


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
def test_a_slack_api_error_is_failed_with_its_code(slack_fake: SlackFake, error: str) -> None:
    slack_fake.fail_with(error)

    result = _post(SlackTransport(TOKEN, base_url=slack_fake.base_url))

    assert result == DeliveryResult(Delivery.FAILED, error)


def test_a_wrong_token_is_failed_invalid_auth(slack_fake: SlackFake) -> None:
    result = _post(SlackTransport("xoxb-revoked", base_url=slack_fake.base_url))

    assert result == DeliveryResult(Delivery.FAILED, "invalid_auth")
    assert slack_fake.posts == []


def test_an_error_slack_calls_transient_is_retry(slack_fake: SlackFake) -> None:
    slack_fake.fail_with("service_unavailable")

    result = _post(SlackTransport(TOKEN, base_url=slack_fake.base_url))

    assert result.outcome is Delivery.RETRY
