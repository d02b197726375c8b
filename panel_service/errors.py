"""Domain errors and their one mapping to HTTP.

Every error response has the same shape::

    {"status": 422, "code": "invalid", "message": "...",
     "errors": [{"field": "dash_score", "message": "..."}]}
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import Scope

CORRELATION_ID_HEADER = "X-Correlation-Id"

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A refusal the caller can act on."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.context = context


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """The request is well formed but clashes with the state of the records."""

    status_code = 409
    code = "conflict"


class Invalid(DomainError):
    """A value breaks a rule; ``field`` names it."""

    status_code = 422
    code = "invalid"


class PermissionDenied(DomainError):
    status_code = 403
    code = "forbidden"


class CsrfRejected(PermissionDenied):
    """A state change from a browser session without its CSRF token."""

    code = "csrf_failed"


class NotAuthenticated(DomainError):
    status_code = 401
    code = "not_authenticated"


def _body(status: int, code: str, message: str, errors: list[dict[str, str]]) -> dict[str, Any]:
    return {"status": status, "code": code, "message": message, "errors": errors}


def domain_error_handler(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
    content = _body(exc.status_code, exc.code, exc.message, errors)
    content.update(exc.context)
    return Response(content=content, status_code=exc.status_code)


# msgspec names a missing or unknown field only in its message; Litestar then reports the
# enclosing object ("data" for the body itself).
_NAMED_IN_MESSAGE = re.compile(r"(?:missing required|unknown) field `([^`]+)`")


def _field(item: dict[str, Any]) -> str:
    key = str(item.get("key") or "")
    named = _NAMED_IN_MESSAGE.search(str(item.get("message", "")))
    if named:
        return f"{key}.{named.group(1)}" if key and key != "data" else named.group(1)
    return key or str(item.get("source") or "body")


def validation_error_handler(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    errors = [
        {"field": _field(item), "message": item["message"]}
        for item in (exc.extra if isinstance(exc.extra, list) else [])
        if isinstance(item, dict)
    ]
    message = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or exc.detail
    return Response(content=_body(400, "validation_failed", message, errors), status_code=400)


def http_error_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code or HTTP_500_INTERNAL_SERVER_ERROR
    code = {
        400: "bad_request",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
    }.get(status, "error")
    return Response(content=_body(status, code, exc.detail, []), status_code=status)


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response[Any]:
    """A response in the one error shape, for refusals made outside a route handler."""
    return Response(content=_body(status, code, message, []), status_code=status, headers=headers)


def correlation_id(scope: Scope) -> str:
    """This request's reference, made on first use, for error messages and the logs.

    Always made here, never taken from the request: a caller-chosen reference could point
    an investigator at someone else's log lines.
    """
    state = scope.setdefault("state", {})
    if "panel_correlation_id" not in state:
        state["panel_correlation_id"] = secrets.token_hex(8)
    reference: str = state["panel_correlation_id"]
    return reference


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Log an unexpected failure under a reference and tell the caller only that reference.

    Exception text can carry case data or internals, so it goes to the log, never the body.
    """
    reference = correlation_id(request.scope)
    # Method and path only: bodies and query strings can carry case data.
    logger.exception(
        "Unhandled error (reference %s) on %s %s",
        reference,
        request.method,
        request.scope["path"],
        exc_info=exc,
    )
    return error_response(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "internal_error",
        f"Something went wrong; quote reference {reference}.",
        headers={CORRELATION_ID_HEADER: reference},
    )


# Litestar picks a handler by status code first, then by the exception's MRO, so the more
# specific handlers above still win; the 500 key also catches HTTPExceptions with status
# 500 (e.g. ImproperlyConfiguredException), whose detail names internals.
EXCEPTION_HANDLERS: Any = {
    DomainError: domain_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    HTTP_500_INTERNAL_SERVER_ERROR: internal_error_handler,
    Exception: internal_error_handler,
}
