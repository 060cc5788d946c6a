"""Idempotent POST requests (幂等请求): a retry after a lost answer gets the first answer
again, not a second record.

A client sends ``Idempotency-Key: <a value of its own, e.g. a UUID>`` with a POST. The first
request with that key runs the view and stores its answer (status, ``Content-Type``,
``Location``, body) **in the same database transaction as the view's own writes**, so

- the view's writes committed ⇒ the key is stored: a retry (the answer was lost on the way,
  the client timed out, a proxy restarted) gets the stored answer, marked
  ``Idempotent-Replayed: true``, and nothing runs twice;
- the transaction rolled back (the database restarted mid-request, the view failed) ⇒ no key is
  stored either: the retry runs as if it were the first.

A key belongs to who sent it (the signed-in user, the Open311 client, or "anonymous") and to
the method and path; the same key with a different request (body or query) is refused with
422, and a retry while the first request is still running gets 409 (PostgreSQL; SQLite runs
writing requests one at a time, so the retry waits and gets the stored answer). Only answers
that did something (2xx, 3xx) are stored; a refusal (4xx) stores no key, so the corrected
request may use it. Keys expire after ``CIVICLOOP_IDEMPOTENCY_KEY_HOURS``; the worker purges
them hourly (``core.tasks.purge_idempotency_keys``).

Where it applies:

- every POST of the REST API (Django REST framework views), by :class:`IdempotentRequests`
  (middleware, nothing to do per endpoint; a view opts out with ``idempotency_exempt = True``);
- any other view through :func:`run_once` (Open311's POST) or, for pages, :func:`once_per_submission`
  with ``{% submission_token %}`` in the form: a hidden one-time key, so a double click or a
  browser's retry shows the first result page instead of making a second record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, get_resolver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.views import APIView

from .errors import problem_response
from .middleware import DatabaseUnavailable, unavailable_message
from .models import IdempotencyKey

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
#: The answer to a retry carries this header (the first answer does not).
REPLAYED_HEADER = "Idempotent-Replayed"
#: The hidden field of a page's form (``{% submission_token %}``).
FORM_FIELD = "submission_token"
#: Form fields that differ between two sendings of the same form and are no part of it.
UNSIGNED_FIELDS = frozenset({FORM_FIELD, "csrfmiddlewaretoken"})
#: The headers kept with an answer (the body means nothing without its type; a 201 or a
#: redirect without its Location).
STORED_HEADERS = ("Content-Type", "Location", "Content-Language")
#: A key: 1–255 visible ASCII characters (a UUID, a hash, a counter with a prefix …). The draft
#: standard sends it as a structured-field string ("…" in quotes); both forms are accepted.
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")
#: A page waits this long for a first sending still running (a double click) and then shows its
#: answer; the API answers 409 at once.
PAGE_WAIT_SECONDS = 10
#: Seconds a client should wait before retrying a request that is still running.
IN_PROGRESS_RETRY_AFTER = 1
PATH_LENGTH = IdempotencyKey._meta.get_field("path").max_length

INVALID_KEY = _(
    "The Idempotency-Key header must be 1 to 255 visible ASCII characters, e.g. a UUID."
)
KEY_REUSED = _(
    "This Idempotency-Key was already used for a different request. Use a new key for a new "
    "request; send the same request again to get its first answer."
)
IN_PROGRESS = _(
    "A request with this Idempotency-Key is still being processed. Try again in a moment to "
    "get its answer."
)
FORM_REUSED = _(
    "This form was already sent with different content. Open the page again to send it anew."
)
FORM_IN_PROGRESS = _("This form is still being sent. Wait a moment, then reload the page.")


def key_hours() -> int:
    return settings.CIVICLOOP_IDEMPOTENCY_KEY_HOURS


def purge_seconds() -> int:
    """Seconds between purges of expired keys (the worker's periodic task)."""
    return 3600


# --- reading the request ------------------------------------------------------------------


class InvalidKey(ValueError):
    pass


def parse_key(raw: str | None) -> str | None:
    """The key in a header or field value; None when none was sent. :class:`InvalidKey` when
    the value is no key."""
    if raw is None:
        return None
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not KEY_PATTERN.fullmatch(value):
        raise InvalidKey(raw)
    return value


def fingerprint(request: HttpRequest) -> str:
    """What makes two requests "the same": the query and the body (form fields and the
    content of each uploaded file, or the JSON value, or the raw bytes), not the CSRF token or
    the submission token, which a browser sends anew."""
    content_type = request.content_type or ""
    signed: dict = {"query": sorted(request.GET.lists()), "type": content_type}
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        signed["form"] = sorted(
            (key, values) for key, values in request.POST.lists() if key not in UNSIGNED_FIELDS
        )
        files = []
        for field, uploads in sorted(request.FILES.lists()):
            for upload in uploads:
                digest = hashlib.sha256()
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
                files.append((field, upload.name, upload.size, digest.hexdigest()))
        signed["files"] = files
    else:
        body = request.body
        try:
            signed["json"] = json.loads(body) if content_type == "application/json" else None
        except ValueError:
            signed["json"] = None
        if signed["json"] is None:
            signed["body"] = hashlib.sha256(body).hexdigest()
    encoded = json.dumps(signed, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def stored_path(request: HttpRequest) -> str:
    path = request.path_info
    if len(path) <= PATH_LENGTH:
        return path
    digest = hashlib.sha256(path.encode()).hexdigest()
    return f"{path[: PATH_LENGTH - len(digest) - 1]}#{digest}"


def user_scope(user) -> str:
    """Whose key it is: a signed-in user, else "anonymous" (the public report; there the key
    is a random one-time value and must come with the same body to be replayed)."""
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    return "anonymous"


# --- refusals ---------------------------------------------------------------------------------

#: ``refuse(request, status, message, code)``: the answer to a refused request, in the
#: caller's format (problem details for the API, the GeoReport format for Open311, a page).
Refuse = Callable[[HttpRequest, int, object, str], HttpResponse]


def refuse_as_problem(request, status: int, message, code: str) -> HttpResponse:
    return problem_response(status, message, code)


def refuse_as_page(request, status: int, message, code: str) -> HttpResponse:
    if status == 503:
        return render(request, "503.html", {"message": message}, status=status)
    return render(request, "400.html", {"message": message}, status=status)


# --- the one mechanism --------------------------------------------------------------------


def _lock_id(*parts: str) -> int:
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _hold(lock_id: int, wait: float) -> bool:
    """Whether this transaction holds the key's lock (PostgreSQL: an advisory lock released at
    commit or rollback), trying for up to ``wait`` seconds. Other databases: always; SQLite
    runs one writing transaction at a time (``transaction_mode=IMMEDIATE``), and a unique
    constraint catches what slips through elsewhere."""
    if connection.vendor != "postgresql":
        return True
    deadline = time.monotonic() + wait
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_id])
            if cursor.fetchone()[0]:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


def replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status_code)
    for name, value in record.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def storable(response: HttpResponse) -> bool:
    """Answers that did something (2xx, 3xx) and may be kept: not a stream, not one that says
    it must not be stored (``Cache-Control: no-store``, e.g. a token)."""
    if not 200 <= response.status_code < 400 or response.streaming:
        return False
    return "no-store" not in response.get("Cache-Control", "")


def run_once(
    request: HttpRequest,
    *,
    scope: str,
    key: str | None,
    respond: Callable[[], HttpResponse],
    refuse: Refuse = refuse_as_problem,
    wait: float = 0,
    messages: tuple = (KEY_REUSED, IN_PROGRESS),
) -> HttpResponse:
    """``respond()`` once per ``key`` of ``scope`` at this method and path; its stored answer
    for every retry. ``key`` is the raw value the client sent (None: none, and ``respond()``
    simply runs). The stored key and everything ``respond()`` writes commit in one
    transaction."""
    if key is None:
        return respond()
    try:
        key = parse_key(key)
    except InvalidKey:
        return refuse(request, 400, INVALID_KEY, "invalid_idempotency_key")
    reused, in_progress = messages
    identity = {"scope": scope, "method": request.method, "path": stored_path(request), "key": key}
    signature = fingerprint(request)
    try:
        with transaction.atomic():
            if not _hold(_lock_id(*identity.values()), wait):
                return _busy(request, refuse, in_progress)
            now = timezone.now()
            record = IdempotencyKey.objects.filter(**identity).first()
            if record is not None and record.expires_at <= now:
                record.delete()
                record = None
            if record is not None:
                if record.fingerprint != signature:
                    return refuse(request, 422, reused, "idempotency_key_reused")
                return replay(record)
            response = respond()
            if response.status_code >= 500:
                # The view failed (or lost the database): nothing it did stays, no key either.
                transaction.set_rollback(True)
                return response
            if storable(response):
                try:
                    _store(identity, signature, response, now)
                except IntegrityError as exc:
                    raise _Raced from exc  # out of the block: the view's writes roll back too
            return response
    except _Raced:
        # Another request stored the same key first (only where no advisory lock serialises).
        return _busy(request, refuse, in_progress)
    except (OperationalError, InterfaceError) as exc:
        # The commit (or the lock, or the look-up) lost the database: whether the first
        # attempt committed is for the retry to find out.
        logger.warning("database unavailable around an idempotent request: %s", exc)
        response = refuse(request, 503, unavailable_message(), "unavailable")
        response["Retry-After"] = str(DatabaseUnavailable.RETRY_AFTER_SECONDS)
        return response


class _Raced(Exception):
    pass


def _busy(request, refuse: Refuse, message) -> HttpResponse:
    response = refuse(request, 409, message, "idempotency_key_in_progress")
    response["Retry-After"] = str(IN_PROGRESS_RETRY_AFTER)
    return response


def _store(identity: dict, signature: str, response: HttpResponse, now: dt.datetime) -> None:
    if hasattr(response, "render") and callable(response.render):
        response.render()  # a DRF or template response: its body is needed now
    IdempotencyKey.objects.create(
        **identity,
        fingerprint=signature,
        status_code=response.status_code,
        headers={name: response[name] for name in STORED_HEADERS if response.has_header(name)},
        body=response.content,
        created_at=now,
        expires_at=now + dt.timedelta(hours=key_hours()),
    )


def purge(now: dt.datetime | None = None) -> int:
    """Delete expired keys; how many."""
    deleted, _detail = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


# --- where it applies -----------------------------------------------------------------------


def api_view(request: HttpRequest) -> APIView | None:
    """The REST framework view this request goes to (set up, not run), or None."""
    try:
        match = get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
    except Resolver404:
        return None
    cls = getattr(match.func, "cls", None)
    if not (isinstance(cls, type) and issubclass(cls, APIView)):
        return None
    view = cls(**getattr(match.func, "initkwargs", {}))
    view.setup(request, *match.args, **match.kwargs)
    return view


def api_scope(request: HttpRequest, view: APIView) -> str | None:
    """Who sends this API request, authenticated the way the view will (token, session…);
    None when authentication fails (the view answers 401/403 itself, no key involved)."""
    drf_request = Request(request, authenticators=view.get_authenticators())
    # DRF sets the Django request's user (and auth) as it authenticates; the view does that
    # itself, so they are put back as they were.
    before = {name: request.__dict__[name] for name in ("user", "auth") if name in request.__dict__}
    try:
        user = drf_request.user
    except APIException:
        return None
    finally:
        for name in ("user", "auth"):
            request.__dict__.pop(name, None)
        request.__dict__.update(before)
    return user_scope(user)


class IdempotentRequests:
    """Every POST to a REST framework view that carries ``Idempotency-Key`` runs through
    :func:`run_once` (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or HEADER not in request.headers:
            return self.get_response(request)
        view = api_view(request)
        if view is None or getattr(view, "idempotency_exempt", False):
            return self.get_response(request)
        scope = api_scope(request, view)
        if scope is None:
            return self.get_response(request)
        return run_once(
            request,
            scope=scope,
            key=request.headers[HEADER],
            respond=lambda: self.get_response(request),
        )


def once_per_submission(view):
    """For a page whose form holds ``{% submission_token %}``: the first POST with a token
    runs the view; a second one (a double click, a browser's retry, a reload of the result)
    shows the first answer. A form sent without the token (an old page) works as before."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST" or not request.POST.get(FORM_FIELD):
            return view(request, *args, **kwargs)
        return run_once(
            request,
            scope=user_scope(getattr(request, "user", None)),
            key=request.POST[FORM_FIELD],
            respond=lambda: view(request, *args, **kwargs),
            refuse=refuse_as_page,
            wait=PAGE_WAIT_SECONDS,
            messages=(FORM_REUSED, FORM_IN_PROGRESS),
        )

    return wrapper


def new_submission_token() -> str:
    return uuid.uuid4().hex
