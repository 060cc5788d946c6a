from django.urls import path
from rest_framework.routers import SimpleRouter

from . import public, views
from .extensions import event_routes

router = SimpleRouter()
router.register("events", views.EventViewSet, basename="api-event")
router.register("assignments", views.AssignmentViewSet, basename="api-assignment")
router.register("categories", views.CategoryViewSet, basename="api-category")

urlpatterns = [
    *router.urls,
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="api-attachment"),
    path("public/reports/", public.PublicReportView.as_view(), name="api-public-report"),
    path("public/track/<str:code>/", public.TrackView.as_view(), name="api-public-track"),
    path("public/track/<str:code>/rate/", public.TrackRateView.as_view(), name="api-public-rate"),
    # Endpoints other apps add under an event (the routing suggestion…).
    *(
        path(f"events/<int:pk>/{segment}/", view, name=name)
        for segment, (view, name) in event_routes.items()
    ),
]
