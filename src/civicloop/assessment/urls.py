"""Pages of the assessment (``assessment:``), under ``/matters/`` where they have always been."""

from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("assessments/", views.round_list, name="rounds"),
    path("assessments/new/", views.round_create, name="round-new"),
    path("assessments/<int:pk>/", views.round_detail, name="round"),
    path("assessments/<int:pk>/export.xlsx", views.round_export, name="round-export"),
    path("assessments/<int:pk>/towns/<str:code>/", views.assessment_detail, name="assessment"),
    path(
        "assessments/<int:pk>/towns/<str:code>/score/<slug:dimension>/", views.score, name="score"
    ),
    path(
        "assessments/<int:pk>/towns/<str:code>/act/<slug:name>/",
        views.assessment_action,
        name="assessment-action",
    ),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence-file"),
]
