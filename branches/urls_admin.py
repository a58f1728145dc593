"""The organisation's management by the office, under branches/manage/ (branches namespace)."""

from django.urls import path

from branches import views_admin as views

urlpatterns = [
    path("", views.manage_branches, name="manage_branches"),
    path("new/", views.branch_create, name="manage_branch_create"),
    path("<int:pk>/edit/", views.branch_edit, name="manage_branch_edit"),
    path("<int:pk>/deactivate/", views.branch_deactivate, name="manage_branch_deactivate"),
    path("<int:pk>/reactivate/", views.branch_reactivate, name="manage_branch_reactivate"),
    path("<int:pk>/groups/", views.group_list, name="manage_groups"),
    path("<int:pk>/groups/new/", views.group_create, name="manage_group_create"),
    path("groups/<int:pk>/edit/", views.group_edit, name="manage_group_edit"),
    path("<int:pk>/accounts/", views.branch_accounts, name="manage_accounts"),
    path("<int:pk>/accounts/new/", views.account_create, name="manage_account_create"),
    path("<int:pk>/accounts/assign/", views.account_assign, name="manage_account_assign"),
    path(
        "accounts/<int:pk>/deactivate/",
        views.account_deactivate,
        name="manage_account_deactivate",
    ),
    path("areas/", views.area_list, name="manage_areas"),
    path("areas/new/", views.area_create, name="manage_area_create"),
    path("areas/<int:pk>/edit/", views.area_edit, name="manage_area_edit"),
    path("members/<int:pk>/transfer/", views.member_transfer_view, name="manage_member_transfer"),
]
