"""The audit log page (name `audit_list`, without a namespace)."""

from django.urls import path

from township import views

urlpatterns = [path("", views.audit_list, name="audit_list")]
