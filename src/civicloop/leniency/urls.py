"""Pages of flexible enforcement (``leniency:``)."""

from django.urls import path

from . import views

app_name = "leniency"
urlpatterns = [
    path("", views.item_list, name="items"),
    path("items/new/", views.item_create, name="item_new"),
    path("items/import/", views.item_import, name="item_import"),
    path("items/export.xlsx", views.item_export, name="item_export"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("items/<str:code>/new-version/", views.item_new_version, name="item_version"),
    path("items/<str:code>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("applied/", views.applied_list, name="applied"),
    path("cases/<int:case_pk>/circumstances/", views.case_circumstances, name="circumstances"),
    path("cases/<int:case_pk>/commitments/new/", views.commitment_new, name="commitment_new"),
    path("commitments/", views.commitment_list, name="commitments"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment"),
    path("commitments/<int:pk>/scan/", views.commitment_scan, name="commitment_scan"),
    path(
        "commitments/<int:pk>/act/<slug:name>/", views.commitment_action, name="commitment_action"
    ),
    path("repairs/", views.repair_list, name="repairs"),
    path("repairs/<int:pk>/", views.repair_detail, name="repair"),
    path("repairs/<int:pk>/act/<slug:name>/", views.repair_action, name="repair_action"),
    path("butler/", views.butler_list, name="butler"),
    path("butler/new/", views.butler_new, name="butler_new"),
    path("enterprises/", views.enterprise_search, name="enterprises"),
    path("enterprises/<str:credit_code>/", views.enterprise_detail, name="enterprise"),
]
