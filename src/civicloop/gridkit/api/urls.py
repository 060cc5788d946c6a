from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("gridkit/grids", views.GridToolkitViewSet, basename="api-gridkit-grid")
router.register("gridkit/events", views.EventFormsViewSet, basename="api-gridkit-event")

urlpatterns = [
    *router.urls,
]
