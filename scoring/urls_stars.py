"""The star rating's pages, under scoring/stars/ (names in the scoring namespace)."""

from django.urls import path

from scoring import views_stars as views

urlpatterns = [
    path("t/<int:township_id>/<int:year>/", views.stars_round, name="stars_round"),
    path("t/<int:township_id>/<int:year>/open/", views.stars_open, name="stars_open"),
    path("t/<int:township_id>/<int:year>/notice/", views.stars_notice, name="stars_notice"),
    path("round/<int:pk>/review/", views.stars_review, name="stars_review"),
    path("round/<int:pk>/notice/", views.stars_notice_start, name="stars_notice_start"),
    path("round/<int:pk>/set/", views.stars_set, name="stars_set"),
    path("round/<int:pk>/self/", views.stars_self_assessment, name="stars_self_assessment"),
    path("proposal/<int:pk>/", views.stars_proposal, name="stars_proposal"),
    path("proposal/<int:pk>/review/", views.stars_proposal_review, name="stars_proposal_review"),
    path("proposal/<int:pk>/note/", views.stars_proposal_note, name="stars_proposal_note"),
    path("proposal/<int:pk>/demote/", views.stars_proposal_demote, name="stars_proposal_demote"),
]
