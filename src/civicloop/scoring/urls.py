from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("visits/new/", views.visit_new, name="visit-new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("activities/new/", views.activity_new, name="activity-new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("worklog/", views.worklog, name="worklog"),
    path("points/", views.my_points, name="mine"),
    path("points/<int:entry_pk>/appeal/", views.appeal_new, name="appeal-new"),
    path("ranking/", views.ranking, name="ranking"),
    path("outcomes/new/", views.outcome_new, name="outcome-new"),
    path("export.xlsx", views.export, name="export"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal"),
]
