"""Domain errors raised by service functions, and the shape of every API error.

Web views turn them into messages, the API into JSON with a status code, the
command line into an error line. Messages are translatable and say what to do.

Every error the API answers (``/api/``, and core's own answers under ``/open311/``) is an
RFC 9457 problem details object built by :func:`problem`: ``type``, ``title``, ``status``,
``detail``, plus our ``code`` (stable, for programs) and ``errors`` (messages per field).
"""

from __future__ import annotations

from http import HTTPStatus

from django.http import JsonResponse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


class DomainError(Exception):
    """Base of every refusal by a service function."""

    status_code = 400
    default_code = "invalid"

    def __init__(
        self, message: str | Promise, *, code: str | None = None, field: str | None = None
    ):
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class InvalidTransition(DomainError):
    """The object is not in a state where this action is possible (e.g. someone acted first)."""

    status_code = 409
    default_code = "invalid_transition"


class NotPermitted(DomainError):
    """The actor's role or scope does not allow this action on this object."""

    status_code = 403
    default_code = "not_permitted"


class InvalidInput(DomainError):
    """Input that breaks a domain rule; ``field`` names the offending field when there is one."""

    status_code = 400
    default_code = "invalid_input"


class NotFound(DomainError):
    """What was asked for does not exist here (e.g. an action the workflow does not have).

    Pages answer 404 (``core.views.service_form_view``), the API ``not_found``
    (``core.api.exception_handler``), like Django's ``Http404``, which services do not raise.
    """

    status_code = 404
    default_code = "not_found"


# --- problem details (RFC 9457) ----------------------------------------------------------

#: ``type`` of every problem: "about:blank" says the status code is the problem's meaning; our
#: ``code`` member names the particular problem for programs.
PROBLEM_TYPE = "about:blank"

# With "about:blank" the title is the status's phrase (RFC 9457 §4.2.1), here in the
# request's language.
STATUS_TITLES = {
    400: pgettext_lazy("HTTP status", "Bad request"),
    401: pgettext_lazy("HTTP status", "Not authenticated"),
    403: pgettext_lazy("HTTP status", "Forbidden"),
    404: pgettext_lazy("HTTP status", "Not found"),
    405: pgettext_lazy("HTTP status", "Method not allowed"),
    406: pgettext_lazy("HTTP status", "Not acceptable"),
    409: pgettext_lazy("HTTP status", "Conflict"),
    413: pgettext_lazy("HTTP status", "Content too large"),
    415: pgettext_lazy("HTTP status", "Unsupported media type"),
    422: pgettext_lazy("HTTP status", "Unprocessable content"),
    429: pgettext_lazy("HTTP status", "Too many requests"),
    500: pgettext_lazy("HTTP status", "Internal server error"),
    503: pgettext_lazy("HTTP status", "Service unavailable"),
}


def status_title(status: int) -> str:
    title = STATUS_TITLES.get(status)
    if title is not None:
        return str(title)
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)


def problem(status: int, detail: str | Promise, code: str, *, errors: dict | None = None) -> dict:
    """The problem details of one refusal: RFC 9457's ``type``, ``title``, ``status`` and
    ``detail``, and our extension members ``code`` and (when fields are at fault) ``errors``."""
    body = {
        "type": PROBLEM_TYPE,
        "title": status_title(status),
        "status": status,
        "detail": str(detail),
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def problem_response(
    status: int, detail: str | Promise, code: str, *, errors: dict | None = None
) -> JsonResponse:
    """:func:`problem` as a JSON response, for answers given outside Django REST framework
    (middleware, error handlers)."""
    return JsonResponse(problem(status, detail, code, errors=errors), status=status)
