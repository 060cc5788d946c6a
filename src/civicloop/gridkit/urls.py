"""Pages of the grid toolkit (``gridkit:``), mounted at /gridkit/."""

from django.urls import path, register_converter

from . import views


class FileFormat:
    regex = "xlsx|docx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FileFormat, "fmt")

app_name = "gridkit"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("grids/<str:code>/", views.toolkit, name="toolkit"),
    path("grids/<str:code>/versions/", views.versions, name="versions"),
    path("grids/<str:code>/refresh/", views.refresh, name="refresh"),
    path("grids/<str:code>/card/", views.card, name="card"),
    path("grids/<str:code>/card.<fmt:fmt>", views.card_file, name="card-file"),
    path("grids/<str:code>/map/", views.staff_map, name="map"),
    path("grids/<str:code>/flowchart/", views.flowchart, name="flowchart"),
    path("grids/<str:code>/forms/", views.blank_forms, name="forms"),
    path("grids/<str:code>/forms.<fmt:fmt>", views.blank_forms_file, name="forms-file"),
    path("events/<int:pk>/forms/", views.event_forms, name="event-forms"),
    path("events/<int:pk>/forms.<fmt:fmt>", views.event_forms_file, name="event-forms-file"),
]
