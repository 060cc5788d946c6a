"""Pages of penalty discretion (``discretion:``); each area keeps its own pattern list."""

from django.urls import path

from . import views_benchmarks, views_home
from .views_risks import risk_urlpatterns

app_name = "discretion"
urlpatterns = [
    path("", views_home.home, name="home"),
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
    *risk_urlpatterns,
]
