"""Pages of parties (``parties:``)."""

from django.urls import path

from . import views

app_name = "parties"
urlpatterns = [
    path("", views.party_list, name="list"),
    path("<int:pk>/", views.party_detail, name="detail"),
    path("<int:pk>/reveal/", views.party_reveal, name="reveal"),
    path("<int:pk>/correct/", views.party_correct, name="correct"),
]
