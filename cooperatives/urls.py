from django.urls import path

from cooperatives import views

app_name = "cooperatives"
urlpatterns = [
    path("", views.cooperative_list, name="list"),
    path("new/", views.cooperative_create, name="create"),
    path("<int:pk>/", views.cooperative_detail, name="detail"),
    path("<int:pk>/edit/", views.cooperative_edit, name="edit"),
    path("<int:pk>/holders/new/", views.holder_create, name="holder_create"),
    path("<int:pk>/accounts/new/", views.account_set, name="account_set"),
    path("<int:pk>/statement/", views.statement_request, name="statement"),
    path("holders/<int:pk>/edit/", views.holder_edit, name="holder_edit"),
    path("holders/<int:pk>/delete/", views.holder_delete, name="holder_delete"),
    path("pairings/", views.pairing_list, name="pairing_list"),
    path("pairings/new/", views.pairing_create, name="pairing_create"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing_detail"),
    path("pairings/<int:pk>/projects/new/", views.pairing_project_create, name="pairing_project"),
    path("pairings/<int:pk>/progress/new/", views.progress_create, name="progress_create"),
    path("pairings/<int:pk>/symposia/new/", views.symposium_create, name="symposium_create"),
    path("incomes/new/", views.income_set, name="income_set"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/evaluate/", views.project_evaluate, name="project_evaluate"),
    path("fund/deposit/", views.fund_deposit, name="fund_deposit"),
    path("contests/", views.contest_list, name="contest_list"),
    path("contests/new/", views.contest_create, name="contest_create"),
    path("contests/<int:pk>/", views.contest_detail, name="contest_detail"),
    path("contests/<int:pk>/entries/new/", views.entry_create, name="entry_create"),
    path("contests/<int:pk>/award/", views.contest_award, name="contest_award"),
    path("contest-entries/<int:pk>/score/", views.score_set, name="score_set"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/subsidy/", views.activity_subsidy, name="activity_subsidy"),
]
