"""URLs of a member's life cycle, included from members/urls.py (in its `members` namespace)."""

from django.urls import path

from members import views_care, views_pipeline, views_training

urlpatterns = [
    path("pipeline/", views_pipeline.pipeline_list, name="pipeline_list"),
    path("pipeline/new/", views_pipeline.applicant_create, name="applicant_create"),
    path("pipeline/<int:pk>/", views_pipeline.applicant_detail, name="applicant_detail"),
    path("pipeline/<int:pk>/step/", views_pipeline.applicant_step, name="applicant_step"),
    path("pipeline/<int:pk>/kinship/", views_pipeline.applicant_kinship, name="applicant_kinship"),
    path("<int:pk>/timeline/", views_pipeline.member_timeline, name="member_timeline"),
    path("training/", views_training.training_list, name="training_list"),
    path("training/new/", views_training.training_create, name="training_create"),
    path("training/compliance/", views_training.training_compliance, name="training_compliance"),
    path("training/<int:pk>/", views_training.training_detail, name="training_detail"),
    path(
        "training/<int:pk>/attendance/",
        views_training.training_attendance,
        name="training_attendance",
    ),
    path("lagging/", views_care.lagging_list, name="lagging_list"),
    path("<int:pk>/lagging/start/", views_care.lagging_start, name="lagging_start"),
    path("lagging/<int:pk>/", views_care.lagging_detail, name="lagging_detail"),
    path("lagging/<int:pk>/check/", views_care.lagging_check, name="lagging_check"),
    path("lagging/<int:pk>/evaluate/", views_care.lagging_evaluate, name="lagging_evaluate"),
    path("lagging/<int:pk>/end/", views_care.lagging_end, name="lagging_end"),
    path("flowing/", views_care.flowing_list, name="flowing_list"),
    path("<int:pk>/flowing/start/", views_care.flowing_start, name="flowing_start"),
    path("<int:pk>/flowing/contact/", views_care.flowing_contact, name="flowing_contact"),
    path("flowing/<int:pk>/end/", views_care.flowing_end, name="flowing_end"),
    path("talks/", views_care.talk_list, name="talk_list"),
    path("talks/new/", views_care.talk_create, name="talk_create"),
]
