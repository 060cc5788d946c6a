"""The GeoReport v2 endpoints under ``/open311/v2/``.

Each view is a few lines: :class:`Open311View` reads the format from the URL, checks
``jurisdiction_id``, the API key where one is needed (or given) and the rate limit, and
answers every refusal in the spec's error format. Writes go through ``services``.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from civicloop.core import idempotency
from civicloop.core.errors import DomainError

from . import catalogue, services
from .errors import Open311Error, error_response
from .formats import JSON, XML, Many, render
from .models import Open311Client, Open311Request
from .querysets import RequestQuery, published_events
from .records import request_records, service_notices
from .status import DEFAULT_SERVICE_NOTICE, public_language
from .throttling import check_address_rate, check_client_rate


@method_decorator(csrf_exempt, name="dispatch")
class Open311View(View):
    """Format, jurisdiction, key, rate limit and errors for every endpoint."""

    http_method_names = ["get", "head", "options"]
    #: POST needs a key; the read methods need none but check one when it is sent.
    key_required_for = frozenset({"post"})

    client: Open311Client | None = None

    def dispatch(self, request, *args, fmt: str = XML, **kwargs):
        self.fmt = fmt
        try:
            if request.method.lower() not in self.http_method_names:
                raise Open311Error(
                    405, _("Method %(method)s is not allowed here.") % {"method": request.method}
                )
            params = request.POST if request.method == "POST" else request.GET
            services.check_jurisdiction(
                params.get("jurisdiction_id") or request.GET.get("jurisdiction_id")
            )
            api_key = params.get("api_key") or request.GET.get("api_key")
            if request.method.lower() in self.key_required_for or api_key:
                self.client = services.authenticate(api_key)
                check_client_rate(self.client)
            else:
                check_address_rate(request)
            return super().dispatch(request, *args, **kwargs)
        except DomainError as exc:
            return error_response(fmt, Open311Error.from_domain(exc))
        except Open311Error as exc:
            response = error_response(fmt, exc)
            if exc.status == 405:
                response["Allow"] = ", ".join(m.upper() for m in self.http_method_names)
            return response

    def render(self, root: str, value, *, status: int = 200) -> HttpResponse:
        return render(self.fmt, root, value, status=status)


def endpoint_url(request) -> str:
    return request.build_absolute_uri(reverse("open311:root")).rstrip("/")


class DiscoveryView(Open311View):
    def get(self, request):
        return self.render("discovery", catalogue.discovery(endpoint_url(request)))


class ServiceListView(Open311View):
    def get(self, request):
        return self.render("services", catalogue.service_list())


class ServiceDefinitionView(Open311View):
    def get(self, request, service_code: str):
        category = catalogue.find_service(service_code)
        if category is None:
            raise Open311Error(
                404, _("service_code “%(code)s” was not found.") % {"code": service_code}
            )
        return self.render("service_definition", catalogue.service_definition(category))


class RequestsView(Open311View):
    """GET: query service requests. POST: create one (form-encoded or multipart)."""

    http_method_names = ["get", "head", "post", "options"]

    def get(self, request):
        query = RequestQuery.read(request.GET)
        return self.render("service_requests", request_records(query.events()))

    def post(self, request):
        # With an Idempotency-Key header, a retry (the answer was lost) gets the first answer
        # and makes no second event; the key is the client's own (core/idempotency.py).
        return idempotency.run_once(
            request,
            scope=f"open311:{self.client.pk}",
            key=request.headers.get(idempotency.HEADER),
            respond=lambda: self.create(request),
            refuse=self.refuse,
        )

    def refuse(self, request, status: int, message, code: str) -> HttpResponse:
        """A refusal of the idempotency layer in the spec's error format."""
        return error_response(self.fmt, Open311Error(status, message))

    def create(self, request) -> HttpResponse:
        submission = services.read_submission(request.POST, request.FILES)
        link = services.submit_request(client=self.client, submission=submission)
        with public_language():
            notice = service_notices().get(link.service_code) or str(DEFAULT_SERVICE_NOTICE)
        # realtime: the ID at once and no token; account_id: we keep no accounts.
        return self.render(
            "service_requests",
            Many(
                "request",
                [
                    {
                        "service_request_id": link.event.number,
                        "service_notice": notice,
                        "account_id": None,
                    }
                ],
            ),
        )


class RequestDetailView(Open311View):
    def get(self, request, service_request_id: str):
        events = RequestQuery.read({"service_request_id": service_request_id}).events()
        records = request_records(events)
        if not records.items:
            raise Open311Error(
                404, _("service_request_id “%(id)s” was not found.") % {"id": service_request_id}
            )
        return self.render("service_requests", records)


class TokenView(Open311View):
    def get(self, request, token: str):
        link = (
            Open311Request.objects.filter(token=token, event__in=published_events())
            .select_related("event")
            .first()
        )
        if link is None:
            raise Open311Error(404, _("token “%(token)s” was not found.") % {"token": token})
        return self.render(
            "service_requests",
            Many(
                "request",
                [
                    {
                        "service_request_id": link.event.number,
                        "token": link.token,
                    }
                ],
            ),
        )


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Anything else under the endpoint: a 404 in the spec's format (JSON if asked for)."""
    fmt = JSON if request.path.endswith(".json") else XML
    return error_response(
        fmt, Open311Error(404, _("There is no such resource: %(path)s") % {"path": request.path})
    )
