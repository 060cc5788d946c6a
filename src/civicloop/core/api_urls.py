"""One API root; each app contributes its routes from ``<app>/api/urls.py``."""

from django.urls import include, path

urlpatterns = [
    path("", include("civicloop.org.api.urls")),
    path("", include("civicloop.events.api.urls")),
    path("", include("civicloop.matters.api.urls")),
    path("", include("civicloop.cases.api.urls")),
    path("", include("civicloop.documents.api.urls")),
    path("", include("civicloop.parties.api.urls")),
    path("", include("civicloop.leniency.api.urls")),
    path("", include("civicloop.gridkit.api.urls")),
    path("", include("civicloop.notifications.api.urls")),
    path("", include("civicloop.hotspots.api.urls")),
]
