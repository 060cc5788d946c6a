"""Pages of matters and empowerment (``matters:``)."""

from django.urls import path

from . import views

app_name = "matters"
urlpatterns = [
    path("", views.CatalogView.as_view(), name="catalog"),
    path("export.xlsx", views.CatalogExportView.as_view(), name="export"),
    path("catalog/<str:code>/", views.matter_detail, name="matter"),
    path("towns/", views.town_list, name="towns"),
    path("towns/<str:code>/", views.town_page, name="town"),
    path("towns/<str:code>/request/", views.request_create, name="request-new"),
    path("towns/<str:code>/grant/", views.grant_create, name="grant-new"),
    path("grants/<int:pk>/end/", views.grant_end, name="grant-end"),
    path("decisions/<int:pk>/file/", views.decision_file, name="decision-file"),
    path("requests/", views.RequestListView.as_view(), name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/act/<slug:name>/", views.request_action, name="request-action"),
]
