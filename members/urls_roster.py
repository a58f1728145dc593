from django.urls import path

from members import views_roster

urlpatterns = [
    path("roster/", views_roster.roster_page, name="roster"),
    path(
        "roster/township/<int:pk>.xlsx",
        views_roster.roster_export_township,
        name="roster_export_township",
    ),
    path(
        "roster/branch/<int:pk>.xlsx",
        views_roster.roster_export_branch,
        name="roster_export_branch",
    ),
    path("roster/template.xlsx", views_roster.roster_template, name="roster_template"),
    path("roster/import/", views_roster.roster_import_page, name="roster_import"),
]
