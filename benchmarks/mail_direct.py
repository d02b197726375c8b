"""The second baseline: one meeting's agenda emails built and sent directly, no outbox.

    python benchmarks/mail_direct.py MEETING_ID

What a script would take that did the same unavoidable work as the service's dispatcher and
nothing else: the messages the service sent for the meeting (read back from its outbox),
composed again by the service's own ``Composer`` (every agency's extract read and built as
a .docx, the calendar invites, the templates, the MIME) one after another, then sent over
one aiosmtplib connection to the relay in the environment's ``PANEL_SMTP_*``. No claims,
no stored content, no audit, no overlap of building and sending; one message is composed
first, unclocked, to warm up as the service is warm. Prints one JSON object: ``started``,
the ``time.monotonic()`` before the first read (one clock for every process on Linux), and
``messages``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import UTC, datetime
from typing import Any


async def direct(meeting_id: int) -> dict[str, Any]:
    import aiosmtplib

    from panel_service.messaging.compose import Composer
    from panel_service.messaging.tables import Channel, OutboxMessage
    from panel_service.settings import get_settings

    settings = get_settings().messaging
    query = OutboxMessage.select(
        OutboxMessage.channel,
        OutboxMessage.kind,
        OutboxMessage.meeting,
        OutboxMessage.agency,
        OutboxMessage.recipient,
        OutboxMessage.message_id,
    ).where((OutboxMessage.meeting == meeting_id) & (OutboxMessage.channel == Channel.EMAIL.value))
    # Warm up as the service is warm: imports, templates, the base document read once.
    first = [{**(await query)[0], "content": None}]
    await Composer(settings, datetime.now(UTC), first).compose(first[0])
    started = time.monotonic()
    rows = [{**row, "content": None} for row in await query]
    composer = Composer(settings, datetime.now(UTC), rows)
    built = [await composer.compose(row) for row in rows]
    client = aiosmtplib.SMTP(hostname=settings.smtp_host, port=settings.smtp_port, start_tls=False)
    await client.connect()
    for row, message in zip(rows, built, strict=True):
        await client.sendmail(settings.mail_from, [row["recipient"]], message.content)
    await client.quit()
    return {"started": started, "messages": len(rows)}


async def _main(meeting_id: int) -> dict[str, Any]:
    from panel_service.db import with_pool

    return await with_pool(lambda: direct(meeting_id))


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_main(int(sys.argv[1])))))
