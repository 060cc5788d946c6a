from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("assessment-rounds", views.RoundViewSet, basename="api-assessment-round")
router.register("town-assessments", views.TownAssessmentViewSet, basename="api-town-assessment")

urlpatterns = router.urls
