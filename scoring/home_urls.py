"""Names without a namespace: `dashboard` (the site's root) and `me`."""

from django.urls import path

from scoring import views_home

urlpatterns = [
    path("", views_home.dashboard, name="dashboard"),
    path("me/", views_home.me, name="me"),
]
