"""The base floor's own pages without a namespace: `audit_list`, `notifications`."""

from django.urls import path

from township import views

urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
    path("notifications/", views.notification_list, name="notifications"),
]
