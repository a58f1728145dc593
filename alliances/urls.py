from django.urls import path

from alliances import views

app_name = "alliances"
urlpatterns = [
    path("", views.alliance_tree, name="alliance_tree"),
    path("new/", views.alliance_create, name="alliance_create"),
    path("<int:pk>/", views.alliance_detail, name="alliance_detail"),
    path("<int:pk>/edit/", views.alliance_edit, name="alliance_edit"),
    path("<int:pk>/organisations/new/", views.organisation_create, name="organisation_create"),
    path("<int:pk>/projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/progress/", views.project_progress, name="project_progress"),
    path("<int:pk>/activities/", views.activity_list, name="activity_list"),
    path("<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("<int:pk>/wishes/", views.wish_list, name="wish_list"),
    path("<int:pk>/wishes/new/", views.wish_create, name="wish_create"),
    path("wishes/<int:pk>/claim/", views.wish_claim, name="wish_claim"),
    path("wishes/<int:pk>/fulfil/", views.wish_fulfil, name="wish_fulfil"),
    path(
        "township/<int:township_id>/<int:year>/q<int:quarter>/",
        views.display,
        name="display",
    ),
    path("township/<int:township_id>/<int:year>/evaluation/", views.evaluation, name="evaluation"),
    path(
        "township/<int:township_id>/<int:year>/evaluation/save/",
        views.evaluation_save,
        name="evaluation_save",
    ),
    path(
        "township/<int:township_id>/<int:year>/h<int:half>/contest/",
        views.contest,
        name="contest",
    ),
    path(
        "township/<int:township_id>/<int:year>/h<int:half>/contest/save/",
        views.contest_save,
        name="contest_save",
    ),
]
