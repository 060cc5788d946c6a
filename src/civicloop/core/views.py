"""Site-wide views: the home redirect and the health check."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from .errors import DomainError, NotFound, NotPermitted

logger = logging.getLogger(__name__)


def home(request):
    """Staff land on their work queue; everyone else on the sign-in page."""
    return redirect("events:queue" if request.user.is_authenticated else "login")


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


def form_error(form, exc: DomainError) -> int:
    """Put a service's refusal on its field (or the whole form); the status to answer."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))
    return exc.status_code


def service_form_view(
    request, *, form_class, form_kwargs: dict, perform_with, done, context: dict, template: str
):
    """GET shows the form; POST validates its shape, calls ``perform_with(cleaned_data)`` (one
    service call) and returns ``done(result)``. A refusal is shown on the form, or as 403
    (``NotPermitted``) or 404 (``NotFound``)."""
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **form_kwargs)
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
    else:
        form = form_class(**form_kwargs)
    return render(request, template, {**context, "form": form}, status=status)
