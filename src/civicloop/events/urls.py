"""Pages of the event loop (``events:``) and the public pages (``public:``, mounted at the root)."""

from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("queue/", views.queue, name="queue"),
    path("export.xlsx", views.EventExportView.as_view(), name="export"),
    path("map/", views.EventMapView.as_view(), name="map"),
    path("new/", views.event_create, name="new"),
    path("<int:pk>/", views.EventDetailView.as_view(), name="detail"),
    path("<int:pk>/receipt/", views.event_receipt, name="receipt"),
    path("<int:pk>/reveal/", views.reveal_reporter, name="reveal"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/judge-dispatch/", views.judge_and_dispatch, name="judge-dispatch"),
    path("<int:pk>/accept-and-start/", views.accept_and_start, name="accept-and-start"),
    path("<int:pk>/act/<slug:name>/", views.event_action, name="action"),
    path("<int:pk>/subtasks/add/", views.add_subtask, name="add-subtask"),
    path(
        "<int:pk>/subtasks/<int:assignment_pk>/<slug:name>/",
        views.subtask_action,
        name="subtask-action",
    ),
]

# Citizens' pages, no sign-in: included from the root URLconf under the ``public`` namespace.
public_urlpatterns = [
    path("report/", views.public_report, name="report"),
    path("report/thanks/", views.public_report_done, name="report-done"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.track_event, name="track-event"),
    path("track/<str:code>/rate/", views.public_rate, name="rate"),
    path("track/<str:code>/photos/<int:attachment_pk>/", views.public_photo, name="photo"),
    path("t/<str:code>/", views.short_track, name="short"),
]
