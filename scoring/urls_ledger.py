"""The rectification ledger's pages, under scoring/ledger/ (names in the scoring namespace)."""

from django.urls import path

from scoring import views_ledger as views

urlpatterns = [
    path("", views.rectification_list, name="rectification_list"),
    path("open/<int:year>/", views.rectification_open, name="rectification_open"),
    path("<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("<int:pk>/edit/", views.rectification_update, name="rectification_update"),
    path("<int:pk>/close/", views.rectification_close, name="rectification_close"),
]
