from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from civicloop.core import views as core_views
from civicloop.events.urls import public_urlpatterns

# One API root; each app contributes its routes from ``<app>/api/urls.py``.
api_urlpatterns = [
    path("", include("civicloop.org.api.urls")),
    path("", include("civicloop.events.api.urls")),
    path("", include("civicloop.matters.api.urls")),
    path("", include("civicloop.assessment.api.urls")),
    path("", include("civicloop.cases.api.urls")),
    path("", include("civicloop.documents.api.urls")),
    path("", include("civicloop.parties.api.urls")),
    path("", include("civicloop.leniency.api.urls")),
    path("", include("civicloop.gridkit.api.urls")),
    path("", include("civicloop.notifications.api.urls")),
    path("", include("civicloop.hotspots.api.urls")),
    path("", include("civicloop.inspections.api.urls")),
    path("", include("civicloop.scoring.api.urls")),
    path("", include("civicloop.supervision.api.urls")),
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file of its own: no inline
    # script under the Content-Security-Policy (templates/api/swagger_ui.html).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("api/", core_views.api_root, name="api-root"),
    path("api/", include(api_urlpatterns)),
    path("", include("civicloop.core.urls")),
    path("events/", include("civicloop.events.urls")),
    path("notifications/", include("civicloop.notifications.urls")),
    path("matters/", include("civicloop.matters.urls")),
    # The assessment's pages stay where they were when it was part of matters.
    path("matters/", include("civicloop.assessment.urls")),
    path("cases/", include("civicloop.cases.urls")),
    path("cases/<int:case_pk>/documents/", include("civicloop.documents.urls")),
    path("parties/", include("civicloop.parties.urls")),
    path("leniency/", include("civicloop.leniency.urls")),
    path("discretion/", include("civicloop.discretion.urls")),
    path("discretion/", include("civicloop.discretion.urls_proceedings")),
    path("hotspots/", include("civicloop.hotspots.urls")),
    path("gridkit/", include("civicloop.gridkit.urls")),
    path("inspections/", include("civicloop.inspections.urls")),
    path("scoring/", include("civicloop.scoring.urls")),
    path("supervision/", include("civicloop.supervision.urls")),
    path("cockpit/", include("civicloop.cockpit.urls")),
    path("org/", include("civicloop.org.urls")),
    path("open311/v2/", include("civicloop.open311.urls")),
    path("", include((public_urlpatterns, "public"))),
]

handler400 = "civicloop.core.views.handler400"
handler403 = "civicloop.core.views.handler403"
handler404 = "civicloop.core.views.handler404"
handler500 = "civicloop.core.views.handler500"
