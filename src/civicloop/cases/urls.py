"""Pages of penalty cases (``cases:``)."""

from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("export.xlsx", views.CaseExportView.as_view(), name="export"),
    path("new/", views.case_create, name="new"),
    path("reviewers/", views.reviewers, name="reviewers"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_file, name="evidence"),
    path("<int:pk>/act/<slug:name>/", views.case_action, name="action"),
]
