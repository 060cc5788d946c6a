"""Pages of the organisation (``org:``)."""

from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("areas.geojson", views.areas, name="areas"),
    path("locate.json", views.locate, name="locate"),
    path("api-tokens/", views.api_tokens, name="api-tokens"),
]
