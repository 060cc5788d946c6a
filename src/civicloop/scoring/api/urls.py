from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("patrol-visits", views.PatrolVisitViewSet, basename="api-patrol-visit")
router.register("grid-activities", views.ActivityViewSet, basename="api-grid-activity")
router.register("point-entries", views.PointEntryViewSet, basename="api-point-entry")

urlpatterns = [*router.urls]
