"""Pages of a case's documents (``documents:``), under ``/cases/<id>/documents/``."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.case_documents, name="list"),
    path("download/", views.download, name="download"),
    path(
        "<int:document_pk>/v<int:version>.<str:file_format>", views.download_version, name="version"
    ),
    path("correction-order/", views.correction_order, name="correction_order"),
]
