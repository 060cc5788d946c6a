from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("summonses", views.SummonsViewSet, basename="api-summons")
router.register("meeting-decisions", views.ActionItemViewSet, basename="api-meeting-decision")

urlpatterns = [*router.urls]
