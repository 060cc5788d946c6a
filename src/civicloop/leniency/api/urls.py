from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("leniency-items", views.LeniencyItemViewSet, basename="api-leniency-item")
router.register("commitments", views.CommitmentViewSet, basename="api-commitment")
router.register("credit-repairs", views.CreditRepairViewSet, basename="api-credit-repair")
router.register("butler-services", views.ButlerServiceViewSet, basename="api-butler-service")

urlpatterns = [
    *router.urls,
    path(
        "case-leniency/<int:case_id>/", views.CaseLeniencyView.as_view(), name="api-case-leniency"
    ),
    path(
        "case-leniency/<int:case_id>/circumstances/",
        views.CaseCircumstancesView.as_view(),
        name="api-case-circumstances",
    ),
    path("enterprises/<str:credit_code>/", views.EnterpriseView.as_view(), name="api-enterprise"),
]
