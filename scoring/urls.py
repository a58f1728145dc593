from django.urls import include, path

from scoring import views

app_name = "scoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("t/<int:township_id>/<int:year>/", views.township_year, name="township_year"),
    path("t/<int:township_id>/month/<str:month>/", views.township_month, name="township_month"),
    path("t/<int:township_id>/month/<str:month>/lock/", views.month_lock, name="month_lock"),
    path("t/<int:township_id>/month/<str:month>/reopen/", views.month_reopen, name="month_reopen"),
    path(
        "t/<int:township_id>/month/<str:month>/office-scores/",
        views.office_scores,
        name="office_scores",
    ),
    path("t/<int:township_id>/scheme/<int:year>/", views.scheme, name="scheme"),
    path("t/<int:township_id>/export/<int:year>/", views.export, name="export"),
    path("branch/<int:branch_id>/<int:year>/", views.branch_year, name="branch_year"),
    path("ledger/", include("scoring.urls_ledger")),
    path("stars/", include("scoring.urls_stars")),
]
