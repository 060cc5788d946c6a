from django.urls import path

from . import views

app_name = "cockpit"

urlpatterns = [
    path("", views.board, name="board"),
    path("export.xlsx", views.export, name="export"),
    path("definitions/", views.definitions, name="definitions"),
]
