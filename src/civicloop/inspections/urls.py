from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.home, name="home"),
    path("subjects/", views.subjects, name="subjects"),
    path("subjects/new/", views.subject_new, name="subject-new"),
    path("subjects/import/", views.subject_import, name="subject-import"),
    path("subjects/<int:pk>/", views.subject_detail, name="subject"),
    path("subjects/<int:pk>/recusal/", views.subject_recusal, name="subject-recusal"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_new, name="plan-new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/add/<slug:part>/", views.plan_part, name="plan-part"),
    path("plans/<int:pk>/do/<slug:action>/", views.plan_action, name="plan-action"),
    path("draws/<int:pk>/", views.draw_detail, name="draw"),
    path("tasks/", views.tasks, name="tasks"),
    path("visits/", views.visits, name="visits"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/record/", views.visit_record, name="visit-record"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("records/<int:pk>/case/", views.record_open_case, name="record-case"),
    path("records/<int:pk>/event/", views.record_open_event, name="record-event"),
    path("public/", views.public_draws, name="public"),
    path("public/draws/<int:pk>/", views.public_draw, name="public-draw"),
]
