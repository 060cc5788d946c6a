"""Pages of the organisation (``org:``)."""

from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("areas.geojson", views.areas, name="areas"),
    path("locate.json", views.locate, name="locate"),
    # The public report form's map (no sign-in): towns, villages and where a tap lies.
    path("public/areas.geojson", views.public_areas, name="public-areas"),
    path("public/locate.json", views.public_locate, name="public-locate"),
    path("api-tokens/", views.api_tokens, name="api-tokens"),
]
