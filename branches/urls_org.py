"""The organisation's assessment pages, under branches/org/ (names in the branches namespace)."""

from django.urls import path

from branches import views_org as views

urlpatterns = [
    path("cadres/", views.cadre_roster, name="cadre_roster"),
    path("cadres/new/", views.cadre_create, name="cadre_create"),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("cadres/<int:pk>/delete/", views.cadre_delete, name="cadre_delete"),
    path("liaison/", views.liaison_duties, name="liaison_duties"),
    path("liaison/new/", views.liaison_create, name="liaison_create"),
    path("classification/", views.classification_list, name="classification_list"),
    path(
        "classification/<int:branch_id>/<int:year>/",
        views.classification_edit,
        name="classification_edit",
    ),
    path("model-villages/", views.model_village_list, name="model_village_list"),
    path(
        "model-villages/<int:branch_id>/<int:year>/",
        views.model_village_edit,
        name="model_village_edit",
    ),
]
