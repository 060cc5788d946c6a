"""API plumbing shared by every app: errors as JSON with field-level messages,
the documented error shape, one POST endpoint per workflow action, the throttle of the
public endpoints."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from .actions import Actions
from .errors import DomainError, problem
from .idempotency import HEADER
from .workflow import StateMachine


def exception_handler(exc, context):
    """DRF's handler, plus domain errors and Django validation errors.

    Shape: a problem details object (RFC 9457, :func:`core.errors.problem`):
    ``{"type": "about:blank", "title": "...", "status": 400, "detail": "...", "code": "...",
    "errors": {"field": ["..."]}}``.
    """
    if isinstance(exc, DomainError):
        errors = {exc.field: [str(exc.message)]} if exc.field else None
        return Response(
            problem(exc.status_code, exc.message, exc.code, errors=errors),
            status=exc.status_code,
        )
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(
            problem(
                status.HTTP_400_BAD_REQUEST,
                "; ".join(str(m) for ms in errors.values() for m in ms),
                "invalid",
                errors=errors,
            ),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        first = next(iter(errors.values()), [""])
        message = first[0] if isinstance(first, list) and first else str(first)
        response.data = problem(response.status_code, str(message), "invalid", errors=errors)
    elif isinstance(data, dict) and "detail" in data:
        response.data = problem(
            response.status_code, str(data["detail"]), getattr(data["detail"], "code", "error")
        )
    return response


# --- the documented error shape ----------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """What every refusal looks like: RFC 9457 problem details (see :func:`exception_handler`)."""

    type = serializers.CharField(
        help_text=_("The problem type (RFC 9457): “about:blank”, the status code says it all.")
    )
    title = serializers.CharField(
        help_text=_("The status code's phrase, in the request's language.")
    )
    status = serializers.IntegerField(help_text=_("The HTTP status code, repeated."))
    detail = serializers.CharField(help_text=_("A message for people, in the request's language."))
    code = serializers.CharField(
        help_text=_(
            "A stable code for programs, e.g. invalid, not_found, not_permitted, invalid_state."
        )
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Messages per request field, when the problem is with particular fields."),
    )


ERROR_DESCRIPTIONS = {
    400: _("The input is not valid; `errors` names the fields."),
    401: _("Not signed in (send `Authorization: Token …` or a session cookie)."),
    403: _("Signed in, but this action is not yours to take."),
    404: _("No such object within your scope."),
    409: _("The object is not in a state where this is possible (someone may have acted first)."),
    429: _("Too many requests; try again later."),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for the given error status codes, all with :class:`ErrorSerializer`."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=str(ERROR_DESCRIPTIONS[code]))
        for code in codes
    }


# --- workflow actions as POST endpoints ---------------------------------------------------

# A blank required text is refused as a page's form refuses it ("This field is required."),
# so the API and the pages give the same message for the same empty input.
REQUIRED_TEXT = {"blank": forms.Field.default_error_messages["required"]}


def describe_transition(workflow: StateMachine, name: str):
    """The transition's documentation, generated from the workflow table (lazily, so
    the schema comes out in the language it is requested in)."""
    transition = workflow[name]

    def build() -> str:
        parts = [str(transition.description)] if transition.description else []
        parts.append(
            str(
                _("From: %(states)s. By: %(actors)s.")
                % {
                    "states": ", ".join(str(workflow.states(s).label) for s in transition.sources),
                    "actors": ", ".join(
                        str(workflow.actor_labels.get(x, x)) for x in sorted(transition.actors)
                    ),
                }
            )
        )
        if transition.reason_required:
            parts.append(str(_("A reason is required.")))
        return "\n\n".join(parts)

    return lazy(build, str)()


class ActionViewSetMixin:
    # A viewset whose POST endpoints validate the body's shape with a request serializer and
    # hand the validated data to one action (``core.actions.Actions``). A comment, not a
    # docstring: the schema generator would take it as every such viewset's description.

    def validated(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def perform_action(self, actions: Actions, name: str, serializer_class=None):
        """Validate, perform ``name`` on this URL's object; the object."""
        target = self.get_object()
        data = self.validated(serializer_class) if serializer_class else {}
        actions.perform(name, target, by=self.request.user, data=data)
        return target


def transition_endpoint(
    workflow: StateMachine,
    name: str,
    *,
    actions: Actions,
    request: type[serializers.Serializer] | None,
    response: type[serializers.Serializer],
    answer: Callable,
    operation_id: str,
    tag: str,
    url_path: str,
    method_name: str,
):
    """The POST endpoint of transition ``name`` for an :class:`ActionViewSetMixin` viewset:
    route, schema and docs from the workflow table; ``answer(view, target)`` is the reply."""

    def endpoint(self, request_, pk=None):
        return answer(self, self.perform_action(actions, name, request))

    endpoint.__name__ = method_name
    endpoint = action(detail=True, methods=["post"], url_path=url_path, url_name=url_path)(endpoint)
    return extend_schema(
        operation_id=operation_id,
        tags=[tag],
        summary=workflow[name].label,
        description=describe_transition(workflow, name),
        request=request,
        responses={200: response, **ACTION_ERRORS},
    )(endpoint)


# What a refused action answers: bad input, not signed in, not yours, not visible, wrong state.
ACTION_ERRORS = error_responses(400, 401, 403, 404, 409)


# --- request helpers -----------------------------------------------------------------


def client_ip(request) -> str | None:
    """The client's address, for rate limits, sign-in lockouts and access logs.

    With ``CIVICLOOP_TRUSTED_PROXIES`` = 0 (no proxy) it is the connection's address; a client
    may send any ``X-Forwarded-For`` it likes, so the header is never read then. Behind N
    trusted proxies, each appended the address it received the request from: the client is the
    N-th address from the right; whatever a client put further left is ignored."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.CIVICLOOP_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]


class PublicRateThrottle(AnonRateThrottle):
    """Throttle for the endpoints anyone may call without signing in (report, track, rate).

    Counted per client address; the rate is ``DEFAULT_THROTTLE_RATES["public"]``.
    """

    scope = "public"
    fallback_rate = "30/minute"

    def get_rate(self) -> str:
        # Read the settings now rather than at import, so a changed setting applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or self.fallback_rate

    def get_ident(self, request) -> str:
        # DRF's own reading trusts X-Forwarded-For unless NUM_PROXIES is set: one rule here.
        return client_ip(request) or "unknown"


# --- idempotent POST requests in the OpenAPI document ----------------------------------


def declare_idempotency_key(result, generator, request, public):
    """drf-spectacular post-processing hook: every POST operation takes the optional
    ``Idempotency-Key`` header (``core/idempotency.py``) and may answer 409 and 422 for it."""
    parameter = {
        "in": "header",
        "name": HEADER,
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        "description": str(
            _(
                "A unique value of your choosing (e.g. a UUID). Sent again with the same request "
                "(after a timeout or a lost answer), it returns the first answer — marked "
                "Idempotent-Replayed: true — instead of doing the work twice. Kept for %(hours)d "
                "hours."
            )
            % {"hours": settings.CIVICLOOP_IDEMPOTENCY_KEY_HOURS}
        ),
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    answers = {
        "409": _("A request with this Idempotency-Key is still running; retry in a moment."),
        "422": _("This Idempotency-Key was already used for a different request."),
    }
    for operations in result.get("paths", {}).values():
        post = operations.get("post")
        if post is None:
            continue
        parameters = post.setdefault("parameters", [])
        if not any(p.get("in") == "header" and p.get("name") == HEADER for p in parameters):
            parameters.append(parameter)
        responses = post.setdefault("responses", {})
        for code, description in answers.items():
            responses.setdefault(code, {"description": str(description), "content": error})
    return result
