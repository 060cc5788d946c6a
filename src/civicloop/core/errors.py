"""Domain errors raised by service functions.

Web views turn them into messages, the API into JSON with a status code, the
command line into an error line. Messages are translatable and say what to do.
"""

from __future__ import annotations

from django.utils.functional import Promise


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
