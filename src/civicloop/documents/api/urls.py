from django.urls import path

from . import views

urlpatterns = [
    path("cases/<int:pk>/documents/", views.CaseDocumentsView.as_view(), name="api-case-documents"),
    path(
        "cases/<int:pk>/correction-orders/",
        views.CorrectionOrdersView.as_view(),
        name="api-case-correction-orders",
    ),
    path(
        "generated-documents/<int:pk>/",
        views.GeneratedDocumentView.as_view(),
        name="api-generated-document",
    ),
    path(
        "generated-documents/<int:pk>/download/",
        views.GeneratedDocumentDownloadView.as_view(),
        name="api-generated-document-download",
    ),
]
