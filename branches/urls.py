from django.urls import include, path

from branches import views

app_name = "branches"
urlpatterns = [
    path("", views.branch_list, name="branch_list"),
    path("<int:pk>/", views.branch_detail, name="branch_detail"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/sign-in-sheet/", views.meeting_sign_in_sheet, name="meeting_sign_in"),
    path("org/", include("branches.urls_org")),
    path("meetings/", include("branches.urls_photos")),  # photos and guests of a meeting
    path("manage/", include("branches.urls_admin")),  # organisation management by the office
]
