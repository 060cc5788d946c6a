from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("cases", views.CaseViewSet, basename="api-case")

urlpatterns = [
    *router.urls,
    path("case-evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="api-case-evidence"),
    path("legal-reviewers/", views.ReviewerRosterView.as_view(), name="api-legal-reviewers"),
    path("case-figures/", views.FiguresView.as_view(), name="api-case-figures"),
]
