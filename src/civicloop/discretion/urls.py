"""Pages of penalty discretion (``discretion:``)."""

from django.urls import path

from . import views_benchmarks

app_name = "discretion"
urlpatterns = [
    path("benchmarks/", views_benchmarks.benchmark_list, name="benchmarks"),
    path("benchmarks/import/", views_benchmarks.benchmark_import, name="benchmark_import"),
    path(
        "benchmarks/<slug:code>/v<int:version>/",
        views_benchmarks.benchmark_detail,
        name="benchmark",
    ),
    path(
        "benchmarks/<slug:code>/v<int:version>/export.xlsx",
        views_benchmarks.benchmark_export,
        name="benchmark_export",
    ),
    path(
        "benchmarks/<slug:code>/v<int:version>/adopt/",
        views_benchmarks.benchmark_adopt,
        name="benchmark_adopt",
    ),
]
