"""Pages of reconsiderations and lawsuits and of the enterprise-penalty analysis (mounted at
``/discretion/``)."""

from django.urls import path

from . import views_analysis, views_proceedings

app_name = "proceedings"

urlpatterns = [
    path("challenges/", views_proceedings.challenge_list, name="list"),
    path("cases/<int:case_pk>/challenges/new/", views_proceedings.challenge_add, name="add"),
    path("challenges/<int:pk>/outcome/", views_proceedings.challenge_outcome, name="outcome"),
    path("analysis/", views_analysis.analysis_page, name="analysis"),
    path("analysis/export/", views_analysis.analysis_export, name="analysis_export"),
]
