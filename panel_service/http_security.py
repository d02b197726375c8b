"""HTTP hardening: security headers and a reference on every response, sign-in rate limits.

``http_security(settings)`` gives the pieces ``create_app`` wires in: a ``before_send``
hook, which sees every response (including 404s and error responses made outside the
route handlers), and a middleware that rate-limits the sign-in and token endpoints.
The unexpected-error (500) handler lives with the other error handlers in ``errors``.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.status_codes import HTTP_429_TOO_MANY_REQUESTS
from litestar.types import ASGIApp, BeforeMessageSendHookHandler, Message, Receive, Scope, Send

from panel_service.errors import CORRELATION_ID_HEADER, correlation_id, error_response
from panel_service.settings import Settings

# The API serves JSON only, so nothing may be loaded, framed or used as a base; an HTML page
# that needs more sets its own header, which is then left alone.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", PERMISSIONS_POLICY),
    # Route handlers already say no-store; this covers error responses made outside them.
    ("cache-control", "no-store"),
)

SIGN_IN_PATHS = ("/api/auth/sign-in", "/api/auth/totp/confirm")
TOKEN_PATHS = ("/api/auth/tokens",)
RATE_WINDOW_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class HttpSecurity:
    """What ``create_app`` passes to Litestar."""

    middleware: list[ASGIMiddleware]
    before_send: list[BeforeMessageSendHookHandler]


def http_security(settings: Settings, clock: Callable[[], float] = time.monotonic) -> HttpSecurity:
    """Build the security headers hook and the sign-in rate limit from ``settings``.

    ``clock`` (seconds, monotonic) is there so tests can move time on.
    """
    if min(settings.sign_in_rate_per_minute, settings.token_rate_per_minute) < 1:
        raise ValueError("sign-in and token rate limits must allow at least 1 a minute")
    limits = {path: settings.sign_in_rate_per_minute for path in SIGN_IN_PATHS}
    limits.update({path: settings.token_rate_per_minute for path in TOKEN_PATHS})
    limiter = SlidingWindowLimiter(window_seconds=RATE_WINDOW_SECONDS, clock=clock)
    return HttpSecurity(
        middleware=[AttemptRateLimit(limits, limiter, trust_proxy=settings.trust_proxy)],
        before_send=[SecurityHeaders(trust_proxy=settings.trust_proxy)],
    )


def _last_header(scope: Scope, name: bytes) -> str | None:
    """The last comma-separated value of header ``name``: the one our own proxy added."""
    values = [value for key, value in scope.get("headers", []) if key.lower() == name]
    if not values:
        return None
    return values[-1].decode("latin-1").rsplit(",", 1)[-1].strip() or None


def came_over_tls(scope: Scope, trust_proxy: bool) -> bool:
    """Whether the client's connection was HTTPS (as told by a trusted proxy, if any)."""
    if scope.get("scheme") in ("https", "wss"):
        return True
    return trust_proxy and (_last_header(scope, b"x-forwarded-proto") or "").lower() == "https"


def client_address(scope: Scope, trust_proxy: bool) -> str:
    """The caller's IP address; behind a trusted proxy, the address that proxy saw."""
    forwarded = _last_header(scope, b"x-forwarded-for") if trust_proxy else None
    if forwarded:
        return forwarded
    client = scope.get("client")
    return client[0] if client else "unknown"


@dataclass(frozen=True, slots=True)
class SecurityHeaders:
    """A ``before_send`` hook adding the security headers and the correlation id.

    Headers a handler set itself are kept, so a page can widen its own CSP deliberately.
    """

    trust_proxy: bool

    async def __call__(self, message: Message, scope: Scope) -> None:
        # Async on purpose: Litestar runs a sync hook in a worker thread for every message,
        # which cost a third of the agenda's throughput.
        if message["type"] != "http.response.start":
            return
        headers = list(message.get("headers", []))
        present = {name.lower() for name, _ in headers}
        wanted = [*SECURITY_HEADERS, (CORRELATION_ID_HEADER.lower(), correlation_id(scope))]
        if came_over_tls(scope, self.trust_proxy):
            wanted.append(("strict-transport-security", STRICT_TRANSPORT_SECURITY))
        headers.extend(
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in wanted
            if name.encode("latin-1") not in present
        )
        message["headers"] = headers


@dataclass(slots=True)
class SlidingWindowLimiter:
    """Counts attempts per key over a sliding window, in this process's memory only.

    Fine for one app process; several processes would each allow the full rate. Memory is
    bounded: a key keeps at most ``limit`` timestamps, keys idle for a whole window are
    dropped, and beyond ``max_keys`` the least recently active key is forgotten. Not
    thread-safe: call it from the event loop only.
    """

    window_seconds: float
    clock: Callable[[], float] = time.monotonic
    max_keys: int = 10_000
    # Ordered by last recorded attempt, oldest first, so idle keys are found at the front.
    _attempts: OrderedDict[Hashable, deque[float]] = field(
        default_factory=OrderedDict, init=False, repr=False
    )

    def __len__(self) -> int:
        """How many keys are being tracked."""
        return len(self._attempts)

    def attempt(self, key: Hashable, limit: int) -> float:
        """Record an attempt and return 0, or refuse it and return seconds until one is allowed.

        Refused attempts are not recorded, so hammering does not extend the wait.
        """
        now = self.clock()
        horizon = now - self.window_seconds
        self._forget_idle(horizon)
        recent = self._attempts.get(key)
        if recent is None:
            recent = self._attempts[key] = deque(maxlen=limit)
        while recent and recent[0] <= horizon:
            recent.popleft()
        if len(recent) >= limit:
            return recent[0] - horizon
        recent.append(now)
        self._attempts.move_to_end(key)
        while len(self._attempts) > self.max_keys:
            self._attempts.popitem(last=False)
        return 0.0

    def _forget_idle(self, horizon: float) -> None:
        while self._attempts:
            oldest = next(iter(self._attempts.values()))
            if oldest and oldest[-1] > horizon:
                return
            self._attempts.popitem(last=False)


class AttemptRateLimit(ASGIMiddleware):
    """Refuses POSTs to the limited paths beyond their rate per client address and path.

    Matches by path, not by handler, so it works before the endpoints exist and whichever
    controller serves them. Other paths and methods pass straight through.
    """

    scopes = (ScopeType.HTTP,)

    def __init__(
        self, limits: dict[str, int], limiter: SlidingWindowLimiter, trust_proxy: bool
    ) -> None:
        self.limits = limits
        # Shared by every request on purpose: the counts are the point of this middleware.
        self.limiter = limiter
        self.trust_proxy = trust_proxy

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        # Litestar routes "/x/" to "/x", so the slash must not open a second allowance.
        path = scope["path"].rstrip("/")
        limit = self.limits.get(path)
        if limit is None or scope.get("method") != "POST":
            await next_app(scope, receive, send)
            return
        wait = self.limiter.attempt((client_address(scope, self.trust_proxy), path), limit)
        if not wait:
            await next_app(scope, receive, send)
            return
        retry_after = max(1, math.ceil(wait))
        response = error_response(
            HTTP_429_TOO_MANY_REQUESTS,
            "too_many_attempts",
            f"Too many attempts; try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )
        request: Request[Any, Any, Any] = Request(scope, receive)
        await response.to_asgi_response(app=None, request=request)(scope, receive, send)
