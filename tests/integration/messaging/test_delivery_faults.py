"""Delivery faults against a real SMTP server and the Slack fake: nothing lost, nothing sent
twice beyond the one documented re-send after a dispatcher dies."""

from __future__ import annotations

import email
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import policy
from typing import Any

import pytest

from panel_service.adapters.email import Delivery
from panel_service.adapters.smtp import SmtpConfig, SmtpTransport, TransportSecurity
from tests.integration.messaging.conftest import next_meeting, outbox, publish
from tests.support.calls import ok, on_app_loop


def _published(dispatch: Any) -> list[dict[str, Any]]:
    meeting = next_meeting(dispatch.client)
    publish(dispatch.client, meeting["id"])
    return outbox(dispatch.client, meeting=meeting["id"], channel="email")


def _message_ids(received: list[Any]) -> Counter[str]:
    return Counter(
        email.message_from_bytes(r.content, policy=policy.default)["Message-ID"] for r in received
    )


def test_a_temporary_refusal_is_retried_with_backoff_then_sent(dispatch: Any) -> None:
    queued = _published(dispatch)
    dispatch.server.script("451")
    first = dispatch()
    assert first.retried == 1 and first.sent == len(queued) - 1
    waiting = [r for r in outbox(dispatch.client, channel="email") if r["status"] == "queued"]
    assert len(waiting) == 1 and waiting[0]["last_error"].startswith("451")
    assert waiting[0]["next_attempt_at"] > datetime.now(UTC)
    later = datetime.now(UTC) + timedelta(minutes=5)
    second = dispatch(dispatch.dispatcher(clock=lambda: later))
    assert second.sent == 1
    assert _message_ids(dispatch.server.wait_for(len(queued))) == Counter(
        {row["message_id"]: 1 for row in queued}
    )


def test_a_permanent_refusal_fails_the_message_and_tells_the_coordinator(dispatch: Any) -> None:
    queued = _published(dispatch)
    dispatch.server.script("550")
    result = dispatch()
    assert result.failed == 1
    failed = outbox(dispatch.client, status="failed")
    assert len(failed) == 1 and failed[0]["last_error"].startswith("550")
    listed = dispatch.client.get("/api/outbox", params={"status": "failed"}).json()
    assert [item["id"] for item in listed["items"]] == [failed[0]["id"]]
    assert listed["items"][0]["last_error"].startswith("550")
    assert len(dispatch.server.received) == len(queued) - 1


def test_a_failed_message_is_retried_by_the_coordinator_with_the_same_message_id(
    dispatch: Any,
) -> None:
    _published(dispatch)
    dispatch.server.script("550")
    dispatch()
    failed = outbox(dispatch.client, status="failed")[0]
    response = dispatch.client.post(f"/api/outbox/{failed['id']}/retry")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "queued"
    assert dispatch().sent == 1
    again = [
        r
        for r in dispatch.server.received
        if email.message_from_bytes(r.content, policy=policy.default)["Message-ID"]
        == failed["message_id"]
    ]
    assert len(again) == 1
    assert dispatch.client.post(f"/api/outbox/{failed['id']}/retry").status_code == 409


def test_a_connection_dropped_mid_data_is_retried_and_nothing_is_lost(dispatch: Any) -> None:
    queued = _published(dispatch)
    dispatch.server.script("drop")
    first = dispatch()
    assert first.retried == 1
    later = datetime.now(UTC) + timedelta(minutes=5)
    dispatch(dispatch.dispatcher(clock=lambda: later))
    ids = _message_ids(dispatch.server.wait_for(len(queued)))
    assert set(ids) == {row["message_id"] for row in queued}
    assert max(ids.values()) == 1


def test_an_untrusted_certificate_sends_nothing_and_keeps_the_messages(
    dispatch: Any, smtp_server_factory: Any, tls_ca_file: Any
) -> None:
    from trustme import CA

    queued = _published(dispatch)
    server = smtp_server_factory("starttls", ca=CA())
    transport = SmtpTransport(
        SmtpConfig(
            host=server.host,
            port=server.port,
            security=TransportSecurity.STARTTLS,
            ca_file=tls_ca_file,
            timeout=5,
        )
    )
    result = dispatch(dispatch.dispatcher(transport=transport))
    assert result.sent == 0 and result.retried == len(queued)
    assert server.received == []
    rows = outbox(dispatch.client, channel="email")
    assert {r["status"] for r in rows} == {"queued"}
    assert all("certificate" in r["last_error"] for r in rows)


def test_starttls_with_the_trusted_ca_delivers(
    dispatch: Any, smtp_server_factory: Any, tls_ca_file: Any
) -> None:
    queued = _published(dispatch)
    server = smtp_server_factory("starttls")
    transport = SmtpTransport(
        SmtpConfig(
            host=server.host,
            port=server.port,
            security=TransportSecurity.STARTTLS,
            ca_file=tls_ca_file,
            timeout=5,
        )
    )
    assert dispatch(dispatch.dispatcher(transport=transport)).sent == len(queued)
    assert len(server.wait_for(len(queued))) == len(queued)


class Killed(Exception):
    """The dispatcher's process dies (nothing after this line of its code runs)."""


class DiesAfterAccepted:
    """A transport whose dispatcher dies right after the relay accepts message ``n``."""

    def __init__(self, real: SmtpTransport, n: int) -> None:
        self.real, self.n, self.count = real, n, 0

    def session(self) -> Any:
        transport = self

        class Session:
            def __init__(self, inner: Any) -> None:
                self.inner = inner

            async def send(self, envelope: Any) -> Any:
                result = await self.inner.send(envelope)
                transport.count += 1
                if transport.count == transport.n and result.outcome is Delivery.SENT:
                    raise Killed
                return result

        from contextlib import asynccontextmanager

        @asynccontextmanager
        async def opened() -> Any:
            async with self.real.session() as inner:
                yield Session(inner)

        return opened()


def test_a_dispatcher_killed_mid_batch_resends_only_the_unrecorded_message_once(
    dispatch: Any,
) -> None:
    queued = _published(dispatch)
    assert len(queued) >= 4
    real = dispatch.dispatcher().mail
    dying = dispatch.dispatcher(transport=DiesAfterAccepted(real, 3))
    with pytest.raises(Killed):
        dispatch(dying)
    assert len(dispatch.server.wait_for(3)) == 3
    sending = [r for r in outbox(dispatch.client, channel="email") if r["status"] == "sending"]
    assert sending, "the unrecorded messages stay claimed"
    after_lease = datetime.now(UTC) + timedelta(hours=1)
    result = dispatch(dispatch.dispatcher(clock=lambda: after_lease))
    assert result.sent == len(sending)
    ids = _message_ids(dispatch.server.wait_for(len(queued) + 1))
    assert set(ids) == {row["message_id"] for row in queued}, "nothing lost"
    twice = [mid for mid, n in ids.items() if n == 2]
    assert len(twice) == 1 and max(ids.values()) == 2, "exactly one re-send"
    assert {r["status"] for r in outbox(dispatch.client, channel="email")} == {"sent"}


def test_a_message_taken_over_twice_is_not_sent_a_third_time(dispatch: Any) -> None:
    _published(dispatch)
    real = dispatch.dispatcher().mail
    with pytest.raises(Killed):
        dispatch(dispatch.dispatcher(transport=DiesAfterAccepted(real, 1)))
    later = datetime.now(UTC) + timedelta(hours=1)
    with pytest.raises(Killed):
        dispatch(dispatch.dispatcher(clock=lambda: later, transport=DiesAfterAccepted(real, 1)))
    much_later = later + timedelta(hours=1)
    dispatch(dispatch.dispatcher(clock=lambda: much_later))
    failed = outbox(dispatch.client, status="failed")
    assert len(failed) == 1 and "delivery uncertain" in failed[0]["last_error"]
    ids = _message_ids(dispatch.server.received)
    assert ids[failed[0]["message_id"]] == 2


def test_a_rolled_back_change_queues_nothing(dispatch: Any) -> None:
    # The demo's next meeting has cases still waiting for the victim's voice: publishing is
    # refused, and the refused transaction leaves nothing in the outbox.
    meeting = next_meeting(dispatch.client, ready=False)
    refused = dispatch.client.post(f"/api/meetings/{meeting['id']}/publish-agenda")
    assert refused.status_code == 409
    assert outbox(dispatch.client, meeting=meeting["id"]) == []
    assert ok(dispatch.client.get(f"/api/meetings/{meeting['id']}"))["status"] == "scheduled"


def test_two_dispatchers_never_take_the_same_message(dispatch: Any) -> None:
    _published(dispatch)
    first, second = dispatch.dispatcher(batch=3), dispatch.dispatcher(batch=3)
    now = datetime.now(UTC)

    async def claim_both() -> tuple[list[Any], list[Any]]:
        import asyncio

        return tuple(await asyncio.gather(first.claim(now), second.claim(now)))  # type: ignore[return-value]

    a, b = on_app_loop(dispatch.client, claim_both)
    assert a and b
    assert not {r["id"] for r in a} & {r["id"] for r in b}
