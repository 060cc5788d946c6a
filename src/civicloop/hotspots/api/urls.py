from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("hotspots/warnings", views.WarningViewSet, basename="api-hotspot-warning")

urlpatterns = [
    path("hotspots/top/", views.TopView.as_view(), name="api-hotspots-top"),
    path(
        "events/<int:pk>/duplicates/",
        views.EventDuplicatesView.as_view(),
        name="api-event-duplicates",
    ),
    *router.urls,
]
