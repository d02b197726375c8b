"""Slack: posting messages through the Web API, a fake for tests, and request signatures.

Payloads are never logged: slack-sdk's own debug logging would print them, so its client gets
a logger of ours that stays at WARNING whatever the root level is.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from panel_service.adapters.email import Delivery, DeliveryResult

_client_logger = logging.getLogger("panel_service.adapters.slack.client")
_client_logger.setLevel(logging.WARNING)

# Slack's own advice is to retry these later; every other `ok: false` is permanent.
_TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "fatal_error", "internal_error", "service_unavailable", "request_timeout"}
)

SIGNATURE_MAX_AGE = 5 * 60  # seconds either side of now, as Slack recommends


class ChatTransport(Protocol):
    """Posts one message to a chat channel."""

    async def post(self, channel: str, text: str, blocks: list[dict[str, Any]]) -> DeliveryResult:
        """Post `text` (the notification fallback) and `blocks` to `channel`."""
        ...


def _retry_after(headers: Mapping[str, Any] | None) -> float | None:
    """Seconds from a Retry-After header (aiohttp gives strings, slack-sdk's retry lists)."""
    for name, value in (headers or {}).items():
        if name.lower() != "retry-after":
            continue
        raw = value[0] if isinstance(value, list) and value else value
        try:
            return float(int(str(raw)))
        except ValueError:
            return None
    return None


class _ShortRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """Absorbs a 429 inline only when Slack asks for a short wait.

    A long wait would stall every notification behind this one; it goes back to the caller
    as RETRY with `retry_after` instead.
    """

    def __init__(self, max_retry_count: int, max_wait: float) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._max_wait = max_wait

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = _retry_after(response.headers)
        return wait is not None and wait <= self._max_wait


def _api_failure(response: Any) -> DeliveryResult:
    # A body that is not JSON leaves slack-sdk holding aiohttp's response (`status`).
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    if status == 429:
        wait = _retry_after(getattr(response, "headers", None))
        return DeliveryResult(Delivery.RETRY, "rate limited", retry_after=wait)
    data = getattr(response, "data", None)
    error = data.get("error") if isinstance(data, dict) else None
    if status is None or status >= 500 or error in _TRANSIENT_ERRORS:
        return DeliveryResult(Delivery.RETRY, f"Slack answered {status}: {error or 'no error'}")
    return DeliveryResult(Delivery.FAILED, str(error or f"HTTP {status}"))


class SlackTransport:
    """The real chat transport: slack-sdk's async Web API client."""

    def __init__(
        self,
        token: str,
        base_url: str = "https://slack.com/api/",
        timeout: float = 10.0,
        rate_limit_retries: int = 1,
        max_inline_wait: float = 5.0,
    ) -> None:
        self._client = AsyncWebClient(
            token=token,
            base_url=base_url,
            timeout=math.ceil(timeout),
            logger=_client_logger,
            # slack-sdk's default handlers are replaced: connection errors come back as RETRY.
            retry_handlers=[_ShortRateLimitRetryHandler(rate_limit_retries, max_inline_wait)],
        )

    async def post(self, channel: str, text: str, blocks: list[dict[str, Any]]) -> DeliveryResult:
        """Post a message; 429 beyond the inline retries, outages and 5xx come back as RETRY."""
        try:
            await self._client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        except SlackApiError as exc:
            return _api_failure(exc.response)
        except (aiohttp.ClientError, OSError) as exc:  # TimeoutError is an OSError
            return DeliveryResult(Delivery.RETRY, f"Slack unreachable: {type(exc).__name__}")
        return DeliveryResult(Delivery.SENT)


class MemoryChat:
    """A fake chat transport: keeps every post and answers from a script (then SENT)."""

    def __init__(self, results: Iterable[DeliveryResult] = ()) -> None:
        self.posts: list[tuple[str, str, list[dict[str, Any]]]] = []
        self._script = deque(results)

    async def post(self, channel: str, text: str, blocks: list[dict[str, Any]]) -> DeliveryResult:
        """Record the post and return the next scripted result."""
        self.posts.append((channel, text, blocks))
        return self._script.popleft() if self._script else DeliveryResult(Delivery.SENT)


def verify_slack_request(
    signing_secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    now: float | None = None,
) -> bool:
    """Check Slack's v0 signature over the raw request body, refusing stale or replayed requests.

    `timestamp` and `signature` are the X-Slack-Request-Timestamp and X-Slack-Signature headers.
    Written here rather than with slack-sdk's verifier, which decodes the body as UTF-8 and
    raises on a non-numeric timestamp.
    """
    if not signing_secret or not timestamp or not signature:
        return False
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > SIGNATURE_MAX_AGE:
        return False
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))
