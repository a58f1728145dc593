from django.urls import include, path

from members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("new/", views.member_create, name="member_create"),
    path("<int:pk>/", views.member_detail, name="member_detail"),
    path("<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("<int:pk>/dues/new/", views.dues_create, name="dues_create"),
    path("dues/<int:pk>/edit/", views.dues_edit, name="dues_edit"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("<int:pk>/adjustments/new/", views.adjustment_create, name="adjustment_create"),
    path("", include("members.urls_life")),  # a member's life cycle (members/urls_life.py)
    path("", include("members.urls_roster")),
    path("", include("members.urls_dues")),  # the month's dues grid of a branch
]
