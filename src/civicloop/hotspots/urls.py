"""Pages of the hotspot tools (``hotspots:``)."""

from django.urls import path

from . import views

app_name = "hotspots"
urlpatterns = [
    path("", views.top, name="top"),
    path("top.xlsx", views.top_export, name="top-export"),
    path("warnings/", views.WarningListView.as_view(), name="warnings"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning"),
    path("warnings/<int:pk>/<slug:name>/", views.warning_action, name="warning-action"),
    path("suggestions/<int:pk>/merge/", views.merge_suggestion, name="merge"),
]
