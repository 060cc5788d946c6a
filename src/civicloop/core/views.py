"""Site-wide views: the home redirect, the work queue and the health check."""

from __future__ import annotations

import logging
import sys
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.cache import never_cache

from .errors import DomainError, NotFound, NotPermitted, problem_response
from .middleware import unavailable_response
from .registry import landing_page_for
from .workqueue import work_queue

# Cards on one page of the work queue: what fits a phone's screen or two.
WORK_PAGE_SIZE = 10

logger = logging.getLogger(__name__)


def home(request):
    """Staff land on the page registered for them (leaders on the cockpit), otherwise on their
    work queue; everyone else on the sign-in page."""
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect(landing_page_for(request.user, default="work-queue"))


@login_required
def my_work(request):
    """我的待办: one queue across every app (``core.workqueue``), ranked by deadline."""
    queue = work_queue(request.user)
    kind = request.GET.get("kind", "")
    if kind not in {c.name for c in queue.counts}:
        kind = ""
    shown = queue.of_kind(kind) if kind else queue.items
    # A page that fits a phone: ten cards at a time, the rest one tap away.
    page = Paginator(shown, WORK_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/work_queue.html",
        {
            "queue": queue,
            "items": page.object_list,
            "page_obj": page,
            "query": urlencode({"kind": kind}) if kind else "",
            "kind": kind,
            "now": timezone.now(),
        },
    )


@never_cache
def healthz(request):
    """200 "ok" when the database answers (for load balancers and `civicloop serve` checks)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unavailable")
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


# --- shared by the apps' pages ----------------------------------------------------------------


def forbidden(request, message=None):
    return render(request, "403.html", {"message": message}, status=403)


def bind_form(request, form_class, **kwargs):
    """The form bound to a POST (with its uploads), or the empty form for a GET."""
    if request.method == "POST":
        return form_class(request.POST, request.FILES, **kwargs)
    return form_class(**kwargs)


def form_error(form, exc: DomainError) -> int:
    """Put a service's refusal on its field (or the whole form); the status to answer.

    A form whose inputs are named differently from the service's arguments says so in
    ``service_fields`` (e.g. ``{"to_unit": "unit"}``), so the message lands on the input."""
    field = getattr(form, "service_fields", {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, str(exc.message))
    return exc.status_code


def service_form_view(request, *, form, perform_with, done, context: dict, template: str):
    """The page of one write: GET shows ``form``; POST validates its shape, calls
    ``perform_with(cleaned_data)`` (one service call or action) and answers ``done(result)``.
    A refusal by the service is shown on the form (400/409), or as the 403 page.

    ``form`` is built by the caller, usually with :func:`bind_form`."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = perform_with(form.cleaned_data)
            except NotFound as exc:
                raise Http404(str(exc.message)) from exc
            except NotPermitted as exc:
                return forbidden(request, exc.message)
            except DomainError as exc:
                status = form_error(form, exc)
            else:
                return done(result)
    return render(request, template, {**context, "form": form}, status=status)


def api_root(request):
    """/api/: where the API is described (the README points here)."""
    from django.http import JsonResponse
    from django.urls import reverse

    return JsonResponse(
        {
            "schema": request.build_absolute_uri(reverse("schema")),
            "docs": request.build_absolute_uri(reverse("api-docs")),
            "open311": request.build_absolute_uri("/open311/v2/discovery.json"),
        }
    )


# --- errors: JSON under the API, pages elsewhere -----------------------------------------------


def _is_api(request) -> bool:
    from .middleware import API_PREFIXES

    return request.path_info.startswith(API_PREFIXES)


def handler400(request, exception=None):
    """A request Django refuses before any view (e.g. a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``)."""
    if _is_api(request):
        return problem_response(
            400,
            gettext("The request could not be understood. Check it and send it again."),
            "invalid",
        )
    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if _is_api(request):
        return problem_response(
            403, gettext("You do not have permission to perform this action."), "permission_denied"
        )
    return defaults.permission_denied(request, exception)


def handler404(request, exception=None):
    if _is_api(request):
        return problem_response(404, gettext("Not found."), "not_found")
    return defaults.page_not_found(request, exception)


def handler500(request):
    # A lost database raised outside a view (in a middleware: the session, the token lookup,
    # the idempotency key's commit) reaches here rather than DatabaseUnavailable: it is still a
    # 503 with Retry-After, so the client retries (with its Idempotency-Key) instead of giving up.
    if isinstance(sys.exc_info()[1], (InterfaceError, OperationalError)):
        return unavailable_response(request)
    if _is_api(request):
        return problem_response(
            500, gettext("The server failed to answer. Try again later."), "server_error"
        )
    return defaults.server_error(request)
