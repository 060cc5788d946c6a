from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("matters", views.MatterViewSet, basename="api-matter")
router.register("empowerment-grants", views.GrantViewSet, basename="api-grant")
router.register("empowerment-towns", views.TownEmpowermentViewSet, basename="api-empowerment-town")
router.register("empowerment-requests", views.RequestViewSet, basename="api-empowerment-request")

urlpatterns = router.urls
