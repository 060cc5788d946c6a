from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("ranking/", views.ranking, name="ranking"),
    path("ranking/suggest/", views.suggest, name="suggest"),
    path("summons/", views.summons_list, name="summonses"),
    path("summons/<int:pk>/", views.summons_detail, name="summons"),
    path("summons/<int:pk>/<str:action>/", views.summons_detail, name="summons-action"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("items/<int:pk>/complete/", views.complete_item, name="complete-item"),
    path("visits/", views.visits, name="visits"),
]
