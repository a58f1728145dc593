"""Root URLs: only `include()` (and the login pages), so this floor imports no app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("scoring.home_urls")),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", set_language, name="set_language"),
    path("", include("township.audit_urls")),
    path("reports/", include("township.report_urls")),
    path("exchange/", include("exchange.urls")),
    path("branches/", include("branches.urls")),
    path("members/", include("members.urls")),
    path("scoring/", include("scoring.urls")),
    path("cooperatives/", include("cooperatives.urls")),
    path("alliances/", include("alliances.urls")),
    path("admin/", admin.site.urls),
]
