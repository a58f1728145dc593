from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from township import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.me, name="me"),
    path("audit/", views.audit_list, name="audit_list"),
    path("exchange/", views.exchange, name="exchange"),
    path("exchange/export/", views.exchange_export, name="exchange_export"),
    path("branches/", include("branches.urls")),
    path("members/", include("members.urls")),
    path("scoring/", include("scoring.urls")),
    path("admin/", admin.site.urls),
]
