"""verify_slack_request: Slack's v0 signature over the raw body, with a five-minute window."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from panel_service.adapters.slack import verify_slack_request

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1_750_000_000.0
BODY = b"payload=%7B%22type%22%3A%22block_actions%22%2C%22action_id%22%3A%22ack%22%7D"


def _sign(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def test_a_correctly_signed_fresh_request_is_accepted() -> None:
    timestamp = str(int(NOW) - 10)
    assert verify_slack_request(SECRET, BODY, timestamp, _sign(BODY, timestamp), now=NOW)


def test_a_body_that_is_not_utf8_is_still_checked_over_its_raw_bytes() -> None:
    body = b"\xff\xfe raw"
    timestamp = str(int(NOW))
    assert verify_slack_request(SECRET, body, timestamp, _sign(body, timestamp), now=NOW)


def test_a_signature_made_with_another_secret_is_refused() -> None:
    timestamp = str(int(NOW))
    signature = _sign(BODY, timestamp, secret="not-the-signing-secret")
    assert not verify_slack_request(SECRET, BODY, timestamp, signature, now=NOW)


def test_a_body_changed_by_one_byte_is_refused() -> None:
    timestamp = str(int(NOW))
    signature = _sign(BODY, timestamp)
    tampered = BODY[:-1] + bytes([BODY[-1] ^ 1])
    assert not verify_slack_request(SECRET, tampered, timestamp, signature, now=NOW)


@pytest.mark.parametrize("age", [301, -301])
def test_a_timestamp_more_than_five_minutes_away_is_refused(age: int) -> None:
    timestamp = str(int(NOW) - age)
    assert not verify_slack_request(SECRET, BODY, timestamp, _sign(BODY, timestamp), now=NOW)


def test_a_timestamp_exactly_five_minutes_old_is_still_accepted() -> None:
    timestamp = str(int(NOW) - 300)
    assert verify_slack_request(SECRET, BODY, timestamp, _sign(BODY, timestamp), now=NOW)


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [(None, "v0=abc"), (str(int(NOW)), None), (None, None), ("", "v0=abc")],
)
def test_missing_headers_are_refused(timestamp: str | None, signature: str | None) -> None:
    assert not verify_slack_request(SECRET, BODY, timestamp, signature, now=NOW)


# The last is "1750" in full-width digits: str.isdigit() alone would let it through.
@pytest.mark.parametrize("timestamp", ["soon", "1.75e9", "-1750000000", "\uff11\uff17\uff15\uff10"])
def test_a_non_numeric_timestamp_is_refused_without_raising(timestamp: str) -> None:
    assert not verify_slack_request(SECRET, BODY, timestamp, _sign(BODY, timestamp), now=NOW)


def test_an_empty_signing_secret_never_verifies() -> None:
    timestamp = str(int(NOW))
    assert not verify_slack_request("", BODY, timestamp, _sign(BODY, timestamp, ""), now=NOW)
