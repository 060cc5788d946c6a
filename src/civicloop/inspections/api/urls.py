from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("inspection-subjects", views.SubjectViewSet, basename="api-inspection-subject")
router.register(
    "inspection-records", views.InspectionRecordViewSet, basename="api-inspection-record"
)

urlpatterns = [*router.urls]
