"""Pages of penalty discretion (``discretion:``); each area keeps its own pattern list."""

from .views_risks import risk_urlpatterns

app_name = "discretion"
urlpatterns = [
    *risk_urlpatterns,
]
