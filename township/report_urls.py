"""The report jobs: list and request, a job's progress, its file (namespace `reports`)."""

from django.urls import path

from township import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_request_view, name="request"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/download/", views.report_download, name="download"),
]
