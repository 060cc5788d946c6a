"""GeoReport v2 (``/open311/v2/``): every resource as ``.xml`` and ``.json``."""

from django.urls import path, re_path, register_converter

from . import views


class FormatConverter:
    regex = "xml|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311fmt")

app_name = "open311"
urlpatterns = [
    # The spec suggests serving discovery at the endpoint's root too.
    path("", views.DiscoveryView.as_view(), name="root"),
    path("discovery.<open311fmt:fmt>", views.DiscoveryView.as_view(), name="discovery"),
    path("services.<open311fmt:fmt>", views.ServiceListView.as_view(), name="services"),
    path(
        "services/<slug:service_code>.<open311fmt:fmt>",
        views.ServiceDefinitionView.as_view(),
        name="service",
    ),
    path("requests.<open311fmt:fmt>", views.RequestsView.as_view(), name="requests"),
    path(
        "requests/<slug:service_request_id>.<open311fmt:fmt>",
        views.RequestDetailView.as_view(),
        name="request",
    ),
    path("tokens/<slug:token>.<open311fmt:fmt>", views.TokenView.as_view(), name="token"),
    re_path(r"^.*$", views.not_found),
]
