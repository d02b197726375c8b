"""Publishing an agenda by email, end to end: the service against bare aiosmtplib, in one run.

    .venv/bin/python benchmarks/messaging.py [--database sqlite|postgres|both] [--runs 5]

For each database: a scratch database gets the world of ``benchmarks/mail_world.py``: one
MARAC whose 15 agencies each have a representative and a deputy (30 recipients), and
``--runs`` + 1 upcoming meetings of 40 cases each, every case with the victim's voice and
every agency party to some. The service (``panel_service.app:create_app``, one uvicorn
process, its in-process dispatcher on and polling only every 5 s: the publish commit must
wake it) sends to an SMTP sink in a third process (aiosmtpd) that stamps each message as
it accepts it. Every recipient's domain is on the secure-domain list, so every message
carries its agency's agenda extract (.docx) as well as the calendar invite.

For each meeting in turn: the panel's coordinator POSTs ``publish-agenda``; the service's
figure is the time from sending that request to the sink accepting the 30th message (the
request's own round trip is reported too). Then the baseline: the very bytes the sink
received, sent again with aiosmtplib over one connection (connect, 30 x sendmail, QUIT),
timed from before connecting to the sink accepting the last. And a second baseline,
``benchmarks/mail_direct.py``: the same messages composed again by the service's own
composer (extracts read and built, invites, MIME), one after another, and sent over one
connection, with no outbox at all: what the outbox machinery costs shows as the ratio to
it. The first meeting warms everything up and is not counted. Prints medians and ratios.
Targets: the service <= 1.5x the baseline; the publish request well under a second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.utils import parseaddr
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp
import aiosmtplib

from benchmarks.harness import scratch_database, script, server, signed_in
from benchmarks.mail_world import Accepted, Sink, mail_sink
from panel_service.accounts.actor import CSRF_HEADER

APP = "panel_service.app:create_app"
TARGET = 1.5
PUBLISH_TARGET_S = 1.0
POLL_SECONDS = "5"


def build_world(env: dict[str, str], meetings: int) -> dict[str, Any]:
    """Run ``benchmarks/mail_world.py`` against the scratch database (its own process)."""
    return script(env, "mail_world.py", str(meetings))


def service_env(env: dict[str, str], sink: Sink, world: dict[str, Any]) -> dict[str, str]:
    """The scratch database's environment, sending to the sink by its in-process dispatcher."""
    service = {k: v for k, v in env.items() if not k.startswith("PANEL_SLACK_")}
    service.update(
        PANEL_DISPATCHER="1",
        PANEL_OUTBOX_POLL_SECONDS=POLL_SECONDS,
        PANEL_SMTP_HOST="127.0.0.1",
        PANEL_SMTP_PORT=str(sink.port),
        PANEL_SMTP_SECURITY="none",
        PANEL_SMTP_ALLOW_PLAINTEXT="1",
        PANEL_SECURE_DOMAINS=world["secure_domain"],
        PANEL_DEMO_MAIL_SINK="0",
    )
    return service


@dataclass(frozen=True, slots=True)
class Run:
    publish_s: float
    first_s: float
    service_s: float
    baseline_s: float
    direct_s: float
    megabytes: float


def check(messages: list[Accepted], recipients: list[str]) -> None:
    """Every invited person had one message, with its extract and the invite."""
    got = sorted(r for m in messages for r in m.recipients)
    assert got == sorted(recipients), "the sink did not get one message per recipient"
    for accepted in messages:
        parsed = message_from_bytes(accepted.content, policy=policy.SMTP)
        types = {part.get_content_type() for part in parsed.walk()}
        assert "text/calendar" in types, "a message without its calendar invite"
        docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        assert docx in types, "a message without its agenda extract"


async def publish(base: str, headers: dict[str, str], meeting_id: int) -> tuple[float, float]:
    """POST publish-agenda; returns (monotonic time it was sent, its round trip)."""
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(f"{base}/api/meetings/{meeting_id}") as warm:
            await warm.read()  # the connection is open before the clock starts
        started = time.monotonic()
        async with session.post(f"{base}/api/meetings/{meeting_id}/publish-agenda") as response:
            await response.read()
            took = time.monotonic() - started
            if response.status != 200:
                raise RuntimeError(f"publish-agenda answered {response.status}")
    return started, took


async def all_recorded(base: str, headers: dict[str, str], meeting_id: int, count: int) -> None:
    """Wait until the dispatcher has recorded every message sent (so it is idle)."""
    url = f"{base}/api/outbox?meeting_id={meeting_id}&status=sent&limit=1"
    async with aiohttp.ClientSession(headers=headers) as session:
        for _ in range(200):
            async with session.get(url) as response:
                if (await response.json())["total"] >= count:
                    return
            await asyncio.sleep(0.05)
    raise RuntimeError(f"meeting {meeting_id}: the outbox does not show {count} messages sent")


async def resend(port: int, messages: list[Accepted]) -> float:
    """The baseline: the same bytes over one aiosmtplib connection; returns when it began."""
    sender = parseaddr(message_from_bytes(messages[0].content)["From"])[1]
    started = time.monotonic()
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
    await client.connect()
    for accepted in messages:
        await client.sendmail(sender, list(accepted.recipients), accepted.content)
    await client.quit()
    return started


def build_and_send_directly(env: dict[str, str], meeting_id: int) -> float:
    """The second baseline (``benchmarks/mail_direct.py``, its own process): returns when
    it started (``time.monotonic()``)."""
    return float(script(env, "mail_direct.py", str(meeting_id))["started"])


def one_run(
    base: str, sink: Sink, world: dict[str, Any], env: dict[str, str], meeting_id: int
) -> Run:
    headers = {**signed_in(world), CSRF_HEADER: world["csrf"]}
    count = len(world["recipients"])
    started, publish_s = asyncio.run(publish(base, headers, meeting_id))
    sent = sink.collect(count)
    asyncio.run(all_recorded(base, headers, meeting_id, count))
    extra = sink.drain()
    assert not extra, f"{len(extra)} messages more than the {count} expected"
    check(sent, world["recipients"])
    began = asyncio.run(resend(sink.port, sent))
    again = sink.collect(count)
    assert [m.content for m in again] == [m.content for m in sent]
    direct_began = build_and_send_directly(env, meeting_id)
    direct = sink.collect(count)
    assert sorted(r for m in direct for r in m.recipients) == sorted(world["recipients"])
    return Run(
        publish_s=publish_s,
        first_s=sent[0].at - started,
        service_s=sent[-1].at - started,
        baseline_s=again[-1].at - began,
        direct_s=direct[-1].at - direct_began,
        megabytes=sum(len(m.content) for m in sent) / 1e6,
    )


def run(database: str, runs: int) -> float:
    with scratch_database(database) as env:
        started = time.perf_counter()
        world = build_world(env, runs + 1)
        count = len(world["recipients"])
        agencies = len({address.rpartition("@")[2] for address in world["recipients"]})
        print(
            f"[{database}] {len(world['meetings'])} meetings of {world['cases']} cases,"
            f" {count} recipients in {agencies} agencies;"
            f" built in {time.perf_counter() - started:.0f} s"
        )
        with mail_sink() as sink:
            service = service_env(env, sink, world)
            with server(service, APP) as base:
                results = [one_run(base, sink, world, service, m) for m in world["meetings"]]
    for n, r in enumerate(results):
        label = "warm-up" if n == 0 else f"#{n}"
        print(
            f"[{database}] {label:<8} publish request {r.publish_s * 1000:6.1f} ms   "
            f"first message {r.first_s:5.2f} s   last {r.service_s:5.2f} s   "
            f"baseline {r.baseline_s:5.3f} s   built and sent directly {r.direct_s:5.2f} s"
            f"   ({count} messages, {r.megabytes:.1f} MB)"
        )
    counted = results[1:]
    service = statistics.median(r.service_s for r in counted)
    baseline = statistics.median(r.baseline_s for r in counted)
    direct = statistics.median(r.direct_s for r in counted)
    publish_s = statistics.median(r.publish_s for r in counted)
    ratio = service / baseline
    print(
        f"[{database}] median of {len(counted)}: publish to last message accepted {service:.2f} s;"
        f" baseline (one aiosmtplib connection) {baseline:.3f} s;"
        f" built and sent directly {direct:.2f} s; publish request {publish_s * 1000:.0f} ms"
    )
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"[{database}] service/baseline = {ratio:.1f}x ({verdict} the <= {TARGET}x target)")
    print(
        f"[{database}] service/built and sent directly = {service / direct:.2f}x"
        " (what the outbox, its records and its audit cost over the same composing and sending)"
    )
    verdict = "meets" if max(r.publish_s for r in counted) < PUBLISH_TARGET_S else "MISSES"
    print(
        f"[{database}] publish request: slowest {max(r.publish_s for r in counted) * 1000:.0f} ms"
        f" ({verdict} the < {PUBLISH_TARGET_S:.0f} s target)"
    )
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.node()}: {platform.machine()},"
        f" {os.cpu_count()} cores, {platform.system()} {platform.release()};"
        f" Python {platform.python_version()}; aiosmtplib {version('aiosmtplib')},"
        f" aiosmtpd {version('aiosmtpd')}, python-docx {version('python-docx')};"
        f" load average {os.getloadavg()[0]:.1f} (others' work on this machine shows here)"
    )
    for database in ("sqlite", "postgres") if args.database == "both" else (args.database,):
        run(database, args.runs)


if __name__ == "__main__":
    main()
